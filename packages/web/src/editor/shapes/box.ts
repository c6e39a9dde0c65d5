import { interpolateGeometry } from '../time/keyframes.ts';
import { rectContains, roundCoordinate, type Rect, type Vec } from '../geometry.ts';
import type { BoxShape, Handle } from '../types.ts';
import { finite, type ShapeBase, type ShapeUtil, type SizeRules } from './shape-util.ts';

/** Corner and edge handles, named by the sides they move. */
const HANDLE_IDS = ['top-left', 'top', 'top-right', 'right', 'bottom-right', 'bottom', 'bottom-left', 'left'] as const;

/** A box from two dragged corners. */
export function boxFromCorners(base: ShapeBase<'box'>, a: Vec, b: Vec): BoxShape {
  return { ...base, type: 'box', ...rectFromPoints(a, b) };
}

function rectFromPoints(a: Vec, b: Vec): Rect {
  return { left: Math.min(a.x, b.x), top: Math.min(a.y, b.y), width: Math.abs(a.x - b.x), height: Math.abs(a.y - b.y) };
}

/**
 * Moves one side of a span to `moving` while `fixed` stays, flipping if dragged past it, and keeps
 * at least `minimum` by pushing the moving side away from the fixed one.
 */
export function resizeSpan(fixed: number, moving: number, minimum: number): [number, number] {
  if (Math.abs(moving - fixed) >= minimum) return [Math.min(fixed, moving), Math.max(fixed, moving)];
  return moving < fixed ? [fixed - minimum, fixed] : [fixed, fixed + minimum];
}

/** Drags a named handle of a rectangle (shared by box and the cuboid's front face). */
export function resizeRect(rect: Rect, handleId: string, point: Vec, rules: Pick<SizeRules, 'minWidth' | 'minHeight'>): Rect {
  let { left, top, width, height } = rect;
  const right = left + width;
  const bottom = top + height;
  if (handleId.includes('left')) [left, width] = spanToStartSize(resizeSpan(right, point.x, rules.minWidth));
  if (handleId.includes('right')) [left, width] = spanToStartSize(resizeSpan(left, point.x, rules.minWidth));
  if (handleId.startsWith('top')) [top, height] = spanToStartSize(resizeSpan(bottom, point.y, rules.minHeight));
  if (handleId.startsWith('bottom')) [top, height] = spanToStartSize(resizeSpan(top, point.y, rules.minHeight));
  return { left, top, width, height };
}

const spanToStartSize = ([start, end]: [number, number]): [number, number] => [start, end - start];

export function rectHandles(rect: Rect): Handle[] {
  const { left, top, width, height } = rect;
  const xs = { left, center: left + width / 2, right: left + width };
  const ys = { top, middle: top + height / 2, bottom: top + height };
  const positions: Record<(typeof HANDLE_IDS)[number], Vec> = {
    'top-left': { x: xs.left, y: ys.top },
    top: { x: xs.center, y: ys.top },
    'top-right': { x: xs.right, y: ys.top },
    right: { x: xs.right, y: ys.middle },
    'bottom-right': { x: xs.right, y: ys.bottom },
    bottom: { x: xs.center, y: ys.bottom },
    'bottom-left': { x: xs.left, y: ys.bottom },
    left: { x: xs.left, y: ys.middle },
  };
  return HANDLE_IDS.map((id) => ({ id, kind: 'resize', point: positions[id] }));
}

export function rectSizeProblem(rect: Rect, rules: SizeRules, noun: string): string | null {
  if (rect.width < rules.minWidth || rect.height < rules.minHeight) {
    return `${noun} must be at least ${rules.minWidth}×${rules.minHeight} px (it is ${Math.round(rect.width)}×${Math.round(rect.height)}).`;
  }
  if (rect.width <= 0 || rect.height <= 0) return `${noun} has no area.`;
  return null;
}

export const boxUtil: ShapeUtil<'box'> = {
  type: 'box',
  bounds: (shape) => ({ left: shape.left, top: shape.top, width: shape.width, height: shape.height }),
  hitTest: (shape, point, tolerance) => rectContains(shape, point, tolerance),
  handles: (shape) => rectHandles(shape),
  dragHandle: (shape, handleId, point, rules) => ({ ...shape, ...resizeRect(shape, handleId, point, rules) }),
  translate: (shape, delta) => ({ ...shape, left: shape.left + delta.x, top: shape.top + delta.y }),
  render: (shape) => [{ kind: 'rect', x: shape.left, y: shape.top, width: shape.width, height: shape.height }],
  sizeProblem: (shape, rules) => rectSizeProblem(shape, rules, 'A box'),
  toScaleFields: (shape, options) => {
    const round = options.integerPixels ? Math.round : roundCoordinate;
    return { left: round(shape.left), top: round(shape.top), width: round(shape.width), height: round(shape.height) };
  },
  interpolate: interpolateGeometry,
  fromScaleFields: (annotation, base) => {
    const left = finite(annotation.left);
    const top = finite(annotation.top);
    const width = finite(annotation.width);
    const height = finite(annotation.height);
    if (left === undefined || top === undefined || width === undefined || height === undefined) return null;
    return { ...base, type: 'box', left, top, width, height };
  },
};
