import { interpolateGeometry } from '@tagwright/formats';
import { boundsOf, pointInPolygon, rectContains, roundCoordinate, type Vec } from '../geometry.ts';
import type { CuboidShape } from '../types.ts';
import { rectHandles, rectSizeProblem, resizeRect } from './box.ts';
import { finite, pointsAttribute, type ShapeBase, type ShapeUtil } from './shape-util.ts';

const FACE_CORNERS = new Set(['top-left', 'top-right', 'bottom-right', 'bottom-left']);

/** A cuboid whose front face is the dragged rectangle, with a default side to the right to adjust. */
export function cuboidFromCorners(base: ShapeBase<'cuboid'>, a: Vec, b: Vec): CuboidShape {
  const left = Math.min(a.x, b.x);
  const top = Math.min(a.y, b.y);
  const width = Math.abs(a.x - b.x);
  const height = Math.abs(a.y - b.y);
  return {
    ...base,
    type: 'cuboid',
    left,
    top,
    width,
    height,
    sideX: left + width * 1.3,
    sideTop: top + height * 0.15,
    sideBottom: top + height * 0.85,
  };
}

/** The face edge the side attaches to: the right edge when the side lies to the right. */
function sideIsRight(shape: CuboidShape): boolean {
  return shape.sideX >= shape.left + shape.width / 2;
}

/** Named corners, as Scale describes them. */
export function cuboidVertices(shape: CuboidShape): Record<string, Vec> {
  const right = shape.left + shape.width;
  const bottom = shape.top + shape.height;
  return {
    'face-topleft': { x: shape.left, y: shape.top },
    'face-bottomleft': { x: shape.left, y: bottom },
    'face-topright': { x: right, y: shape.top },
    'face-bottomright': { x: right, y: bottom },
    'side-topcorner': { x: shape.sideX, y: shape.sideTop },
    'side-bottomcorner': { x: shape.sideX, y: shape.sideBottom },
  };
}

function sidePolygon(shape: CuboidShape): Vec[] {
  const vertices = cuboidVertices(shape);
  const near = sideIsRight(shape) ? ['face-topright', 'face-bottomright'] : ['face-topleft', 'face-bottomleft'];
  return [vertices[near[0]], vertices['side-topcorner'], vertices['side-bottomcorner'], vertices[near[1]]];
}

function cuboidEdges(shape: CuboidShape): Array<{ description: string; from: Vec; to: Vec }> {
  const v = cuboidVertices(shape);
  const nearTop = sideIsRight(shape) ? v['face-topright'] : v['face-topleft'];
  const nearBottom = sideIsRight(shape) ? v['face-bottomright'] : v['face-bottomleft'];
  return [
    { description: 'face-top', from: v['face-topleft'], to: v['face-topright'] },
    { description: 'face-right', from: v['face-topright'], to: v['face-bottomright'] },
    { description: 'face-bottom', from: v['face-bottomleft'], to: v['face-bottomright'] },
    { description: 'face-left', from: v['face-topleft'], to: v['face-bottomleft'] },
    { description: 'side-bottom', from: nearBottom, to: v['side-bottomcorner'] },
    { description: 'side-top', from: nearTop, to: v['side-topcorner'] },
  ];
}

export const cuboidUtil: ShapeUtil<'cuboid'> = {
  type: 'cuboid',
  bounds: (shape) => boundsOf(Object.values(cuboidVertices(shape))),
  hitTest: (shape, point, tolerance) => rectContains(shape, point, tolerance) || pointInPolygon(point, sidePolygon(shape)),
  handles: (shape) => [
    ...rectHandles(shape).filter((handle) => FACE_CORNERS.has(handle.id)),
    { id: 'side-top', kind: 'resize', point: { x: shape.sideX, y: shape.sideTop } },
    { id: 'side-bottom', kind: 'resize', point: { x: shape.sideX, y: shape.sideBottom } },
  ],
  dragHandle: (shape, handleId, point, rules) => {
    if (handleId === 'side-top') return { ...shape, sideX: point.x, sideTop: Math.min(point.y, shape.sideBottom) };
    if (handleId === 'side-bottom') return { ...shape, sideX: point.x, sideBottom: Math.max(point.y, shape.sideTop) };
    return { ...shape, ...resizeRect(shape, handleId, point, rules) };
  },
  translate: (shape, delta) => ({
    ...shape,
    left: shape.left + delta.x,
    top: shape.top + delta.y,
    sideX: shape.sideX + delta.x,
    sideTop: shape.sideTop + delta.y,
    sideBottom: shape.sideBottom + delta.y,
  }),
  render: (shape) => [
    { kind: 'polygon', points: pointsAttribute(sidePolygon(shape)) },
    { kind: 'rect', x: shape.left, y: shape.top, width: shape.width, height: shape.height },
  ],
  sizeProblem: (shape, rules) => rectSizeProblem(shape, rules, 'A cuboid face'),
  labelAnchor: (shape) => {
    const bounds = boundsOf(Object.values(cuboidVertices(shape)));
    return { x: bounds.left, y: bounds.top };
  },
  // Scale's 2-D cuboid response: named vertices and edges.
  toScaleFields: (shape) => ({
    vertices: Object.entries(cuboidVertices(shape)).map(([description, point]) => ({
      description,
      x: roundCoordinate(point.x),
      y: roundCoordinate(point.y),
      type: 'vertex',
    })),
    edges: cuboidEdges(shape).map((edge) => ({
      description: edge.description,
      x1: roundCoordinate(edge.from.x),
      y1: roundCoordinate(edge.from.y),
      x2: roundCoordinate(edge.to.x),
      y2: roundCoordinate(edge.to.y),
      type: 'edge',
    })),
  }),
  interpolate: interpolateGeometry,
  fromScaleFields: (annotation, base) => {
    if (!Array.isArray(annotation.vertices)) return null;
    const named = new Map<string, Vec>();
    for (const vertex of annotation.vertices as Array<Record<string, unknown>>) {
      const x = finite(vertex?.x);
      const y = finite(vertex?.y);
      if (typeof vertex?.description === 'string' && x !== undefined && y !== undefined) named.set(vertex.description, { x, y });
    }
    const topLeft = named.get('face-topleft');
    const bottomRight = named.get('face-bottomright');
    const sideTop = named.get('side-topcorner');
    const sideBottom = named.get('side-bottomcorner');
    if (!topLeft || !bottomRight || !sideTop || !sideBottom) return null;
    return {
      ...base,
      type: 'cuboid',
      left: topLeft.x,
      top: topLeft.y,
      width: bottomRight.x - topLeft.x,
      height: bottomRight.y - topLeft.y,
      sideX: (sideTop.x + sideBottom.x) / 2,
      sideTop: sideTop.y,
      sideBottom: sideBottom.y,
    };
  },
};
