import { interpolateGeometry } from '@tagwright/formats';
import { distanceToPath } from '../geometry.ts';
import { readVertices, pointsAttribute, type ShapeUtil } from './shape-util.ts';
import { moveVertex, pathBounds, pathLabelAnchor, serialiseVertices, translateVertices, vertexCountProblem, vertexHandles } from './path-helpers.ts';

export const lineUtil: ShapeUtil<'line'> = {
  type: 'line',
  bounds: pathBounds,
  hitTest: (shape, point, tolerance) => distanceToPath(point, shape.vertices, false) <= tolerance,
  handles: vertexHandles,
  dragHandle: (shape, handleId, point) => moveVertex(shape, handleId, point),
  translate: translateVertices,
  labelAnchor: pathLabelAnchor,
  render: (shape) => [{ kind: 'polyline', points: pointsAttribute(shape.vertices) }],
  sizeProblem: (shape, rules) => vertexCountProblem(shape, rules, 'A line'),
  toScaleFields: (shape) => ({ vertices: serialiseVertices(shape.vertices) }),
  interpolate: interpolateGeometry,
  fromScaleFields: (annotation, base) => {
    const vertices = readVertices(annotation.vertices);
    return vertices && vertices.length > 0 ? { ...base, type: 'line', vertices } : null;
  },
};
