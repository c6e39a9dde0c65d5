import { boundsOf, roundCoordinate, type Vec } from '../geometry.ts';
import type { Handle, LineShape, PolygonShape } from '../types.ts';
import type { SizeRules } from './shape-util.ts';

type PathShape = PolygonShape | LineShape;

/** One vertex handle per vertex, ids `vertex-<index>`. */
export const vertexHandles = (shape: PathShape): Handle[] =>
  shape.vertices.map((point, index) => ({ id: `vertex-${index}`, kind: 'vertex', point }));

export const vertexIndexOf = (handleId: string): number => Number(handleId.slice('vertex-'.length));

export function moveVertex<S extends PathShape>(shape: S, handleId: string, point: Vec): S {
  const index = vertexIndexOf(handleId);
  if (!(index >= 0 && index < shape.vertices.length)) return shape;
  const vertices = shape.vertices.slice();
  vertices[index] = { x: point.x, y: point.y };
  return { ...shape, vertices };
}

export const translateVertices = <S extends PathShape>(shape: S, delta: Vec): S => ({
  ...shape,
  vertices: shape.vertices.map((vertex) => ({ x: vertex.x + delta.x, y: vertex.y + delta.y })),
});

export function vertexCountProblem(shape: PathShape, rules: SizeRules, noun: string): string | null {
  if (shape.vertices.length < rules.minVertices) return `${noun} needs at least ${rules.minVertices} points (it has ${shape.vertices.length}).`;
  if (rules.maxVertices !== undefined && shape.vertices.length > rules.maxVertices) {
    return `${noun} may have at most ${rules.maxVertices} points (it has ${shape.vertices.length}).`;
  }
  return null;
}

export const pathBounds = (shape: PathShape) => boundsOf(shape.vertices);

export const serialiseVertices = (vertices: readonly Vec[]) => vertices.map((vertex) => ({ x: roundCoordinate(vertex.x), y: roundCoordinate(vertex.y) }));

/** The top-left of a path's bounds, where its caption goes. */
export function pathLabelAnchor(shape: PathShape): Vec {
  const bounds = pathBounds(shape);
  return { x: bounds.left, y: bounds.top };
}
