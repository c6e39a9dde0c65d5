import { interpolateGeometry } from '@tagwright/formats';
import { distance, roundCoordinate } from '../geometry.ts';
import { finite, type ShapeUtil } from './shape-util.ts';

/** Drawn radius of a point, in screen pixels; hit tests add it to the tolerance. */
export const POINT_RADIUS_PX = 4;

export const pointUtil: ShapeUtil<'point'> = {
  type: 'point',
  bounds: (shape) => ({ left: shape.x, top: shape.y, width: 0, height: 0 }),
  // The tolerance already covers a few screen pixels, which is about the drawn radius.
  hitTest: (shape, point, tolerance) => distance(shape, point) <= tolerance * 1.5,
  // A point is moved by dragging it; it has no handles.
  handles: () => [],
  dragHandle: (shape) => shape,
  translate: (shape, delta) => ({ ...shape, x: shape.x + delta.x, y: shape.y + delta.y }),
  render: (shape) => [{ kind: 'point', cx: shape.x, cy: shape.y }],
  sizeProblem: () => null,
  labelAnchor: (shape) => ({ x: shape.x, y: shape.y }),
  toScaleFields: (shape) => ({ x: roundCoordinate(shape.x), y: roundCoordinate(shape.y) }),
  interpolate: interpolateGeometry,
  fromScaleFields: (annotation, base) => {
    const x = finite(annotation.x);
    const y = finite(annotation.y);
    return x === undefined || y === undefined ? null : { ...base, type: 'point', x, y };
  },
};
