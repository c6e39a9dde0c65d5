import type { GeometryType, Shape, ShapeOfType } from '../types.ts';
import type { ShapeUtil } from './shape-util.ts';
import { boxUtil } from './box.ts';
import { polygonUtil } from './polygon.ts';
import { lineUtil } from './line.ts';
import { pointUtil } from './point.ts';
import { ellipseUtil } from './ellipse.ts';
import { cuboidUtil } from './cuboid.ts';

const SHAPE_UTILS: { [T in GeometryType]: ShapeUtil<T> } = {
  box: boxUtil,
  polygon: polygonUtil,
  line: lineUtil,
  point: pointUtil,
  ellipse: ellipseUtil,
  cuboid: cuboidUtil,
};

/** The module that knows how to hit test, draw and serialise shapes of this geometry. */
export function utilFor<T extends GeometryType>(type: T): ShapeUtil<T> {
  return SHAPE_UTILS[type];
}

/** The util for a shape whose type is only known at run time. */
export function utilOf(shape: Shape): ShapeUtil<GeometryType> {
  return SHAPE_UTILS[shape.type] as unknown as ShapeUtil<GeometryType>;
}

export type { ShapeUtil, ShapeBase, SizeRules } from './shape-util.ts';
export { boxFromCorners } from './box.ts';
export { ellipseFromCorners } from './ellipse.ts';
export { cuboidFromCorners } from './cuboid.ts';
export type { ShapeOfType };
