import { interpolateGeometry } from '@tagwright/formats';
import { distanceToPath, pointInPolygon } from '../geometry.ts';
import { readVertices, pointsAttribute, type ShapeUtil } from './shape-util.ts';
import { moveVertex, pathBounds, pathLabelAnchor, serialiseVertices, translateVertices, vertexCountProblem, vertexHandles } from './path-helpers.ts';

export const polygonUtil: ShapeUtil<'polygon'> = {
  type: 'polygon',
  bounds: pathBounds,
  hitTest: (shape, point, tolerance) => pointInPolygon(point, shape.vertices) || distanceToPath(point, shape.vertices, true) <= tolerance,
  handles: vertexHandles,
  dragHandle: (shape, handleId, point) => moveVertex(shape, handleId, point),
  translate: translateVertices,
  labelAnchor: pathLabelAnchor,
  render: (shape) => [{ kind: 'polygon', points: pointsAttribute(shape.vertices) }],
  sizeProblem: (shape, rules) => vertexCountProblem(shape, rules, 'A polygon'),
  toScaleFields: (shape) => ({ vertices: serialiseVertices(shape.vertices) }),
  interpolate: interpolateGeometry,
  fromScaleFields: (annotation, base) => {
    const vertices = readVertices(annotation.vertices);
    return vertices && vertices.length > 0 ? { ...base, type: 'polygon', vertices } : null;
  },
};
