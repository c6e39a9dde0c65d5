import type { Vec } from '../../geometry.ts';
import { boxFromCorners, cuboidFromCorners, ellipseFromCorners, type ShapeBase } from '../../shapes/index.ts';
import type { Shape } from '../../types.ts';

/** Geometries drawn by dragging out a rectangle. */
export type DragGeometry = 'box' | 'ellipse' | 'cuboid';

/** Builds the shape a drag from `a` to `b` describes. */
export function shapeFromDrag(geometry: DragGeometry, base: ShapeBase<DragGeometry>, a: Vec, b: Vec): Shape {
  if (geometry === 'ellipse') return ellipseFromCorners(base as ShapeBase<'ellipse'>, a, b);
  if (geometry === 'cuboid') return cuboidFromCorners(base as ShapeBase<'cuboid'>, a, b);
  return boxFromCorners(base as ShapeBase<'box'>, a, b);
}
