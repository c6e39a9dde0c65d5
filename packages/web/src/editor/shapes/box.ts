import { interpolateGeometry } from '@tagwright/formats';
import { boundsOf, normaliseAngle, rectContains, rotateAround, roundCoordinate, snapAngle, type Rect, type Vec } from '../geometry.ts';
import type { BoxShape, Handle } from '../types.ts';
import { finite, pointsAttribute, type ShapeBase, type ShapeUtil, type SizeRules } from './shape-util.ts';

/** Shift-drag on the rotation handle snaps to 15°. */
const ROTATION_SNAP = Math.PI / 12;

/** Corner and edge handles, named by the sides they move. */
const HANDLE_IDS = ['top-left', 'top', 'top-right', 'right', 'bottom-right', 'bottom', 'bottom-left', 'left'] as const;

/** A box from two dragged corners. */
export function boxFromCorners(base: ShapeBase<'box'>, a: Vec, b: Vec): BoxShape {
  return { ...base, type: 'box', ...rectFromPoints(a, b), rotation: 0 };
}

const centerOf = (rect: Rect): Vec => ({ x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 });

/** Corners of the (rotated) box, clockwise from the image of the unrotated top-left: TL, TR, BR, BL. */
export function boxVertices(shape: BoxShape): Vec[] {
  const { left, top, width, height } = shape;
  const corners = [
    { x: left, y: top },
    { x: left + width, y: top },
    { x: left + width, y: top + height },
    { x: left, y: top + height },
  ];
  if (shape.rotation === 0) return corners;
  const center = centerOf(shape);
  return corners.map((corner) => rotateAround(corner, center, shape.rotation));
}

/** A point in the box's own frame: the unrotated box's coordinates. */
const toBoxFrame = (shape: BoxShape, point: Vec): Vec => (shape.rotation === 0 ? point : rotateAround(point, centerOf(shape), -shape.rotation));

/**
 * Resizes in the box's own frame: the side or corner opposite the handle stays where it is on the
 * image, so the centre moves and the unrotated left/top are recomputed from it.
 */
function resizeRotated(shape: BoxShape, handleId: string, point: Vec, rules: SizeRules): BoxShape {
  const resized = resizeRect(shape, handleId, toBoxFrame(shape, point), rules);
  if (shape.rotation === 0) return { ...shape, ...resized };
  const center = rotateAround(centerOf(resized), centerOf(shape), shape.rotation);
  return { ...shape, width: resized.width, height: resized.height, left: center.x - resized.width / 2, top: center.y - resized.height / 2 };
}

/** Where the rotation handle sits: above the middle of the top edge, turned with the box. */
function rotationHandlePoint(shape: BoxShape): Vec {
  const center = centerOf(shape);
  const above = { x: center.x, y: shape.top - Math.max(12, shape.height * 0.2) };
  return rotateAround(above, center, shape.rotation);
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
  bounds: (shape) => (shape.rotation === 0 ? { left: shape.left, top: shape.top, width: shape.width, height: shape.height } : boundsOf(boxVertices(shape))),
  hitTest: (shape, point, tolerance) => rectContains(shape, toBoxFrame(shape, point), tolerance),
  handles: (shape, rules) => {
    const center = centerOf(shape);
    const handles = rectHandles(shape).map((handle) => (shape.rotation === 0 ? handle : { ...handle, point: rotateAround(handle.point, center, shape.rotation) }));
    return rules?.canRotate ? [...handles, { id: 'rotate', kind: 'rotate', point: rotationHandlePoint(shape) }] : handles;
  },
  dragHandle: (shape, handleId, point, rules, options) => {
    if (handleId !== 'rotate') return resizeRotated(shape, handleId, point, rules);
    const center = centerOf(shape);
    const angle = Math.atan2(point.y - center.y, point.x - center.x) + Math.PI / 2;
    return { ...shape, rotation: normaliseAngle(options?.snap ? snapAngle(angle, ROTATION_SNAP) : angle) };
  },
  translate: (shape, delta) => ({ ...shape, left: shape.left + delta.x, top: shape.top + delta.y }),
  render: (shape) =>
    shape.rotation === 0
      ? [{ kind: 'rect', x: shape.left, y: shape.top, width: shape.width, height: shape.height }]
      : [{ kind: 'polygon', points: pointsAttribute(boxVertices(shape)) }],
  labelAnchor: (shape) => {
    const bounds = boxUtil.bounds(shape);
    return { x: bounds.left, y: bounds.top };
  },
  // min_width/min_height apply to the unrotated size (task-types.md §2.3).
  sizeProblem: (shape, rules) => rectSizeProblem(shape, rules, 'A box'),
  toScaleFields: (shape, options) => {
    // integer_pixels is ignored for rotated boxes (§2.1): rounding left/top would move their corners.
    const round = options.integerPixels && shape.rotation === 0 ? Math.round : roundCoordinate;
    const fields: Record<string, unknown> = { left: round(shape.left), top: round(shape.top), width: round(shape.width), height: round(shape.height) };
    if (!options.canRotate) return fields;
    return {
      ...fields,
      rotation: Math.round(shape.rotation * 1e6) / 1e6,
      vertices: boxVertices(shape).map((vertex) => ({ x: roundCoordinate(vertex.x), y: roundCoordinate(vertex.y) })),
    };
  },
  interpolate: interpolateGeometry,
  fromScaleFields: (annotation, base) => {
    const left = finite(annotation.left);
    const top = finite(annotation.top);
    const width = finite(annotation.width);
    const height = finite(annotation.height);
    if (left === undefined || top === undefined || width === undefined || height === undefined) return null;
    return { ...base, type: 'box', left, top, width, height, rotation: normaliseAngle(finite(annotation.rotation) ?? 0) };
  },
};

/** The box turned by `delta` radians about its centre (keyboard rotation). */
export function rotateBox(shape: BoxShape, delta: number): BoxShape {
  return { ...shape, rotation: normaliseAngle(shape.rotation + delta) };
}
