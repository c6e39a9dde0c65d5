import { interpolateGeometry } from '@tagwright/formats';
import { distance, roundCoordinate, rotateAround, type Vec } from '../geometry.ts';
import type { EllipseShape } from '../types.ts';
import { finite, readVertices, type ShapeBase, type ShapeUtil } from './shape-util.ts';

/** An axis-aligned ellipse inscribed in the dragged rectangle. */
export function ellipseFromCorners(base: ShapeBase<'ellipse'>, a: Vec, b: Vec): EllipseShape {
  return {
    ...base,
    type: 'ellipse',
    x: (a.x + b.x) / 2,
    y: (a.y + b.y) / 2,
    rx: Math.abs(a.x - b.x) / 2,
    ry: Math.abs(a.y - b.y) / 2,
    rotation: 0,
  };
}

/** The four extremal points Scale returns: top, right, bottom, left of the (rotated) ellipse. */
export function extremalVertices(shape: EllipseShape): Vec[] {
  const center = { x: shape.x, y: shape.y };
  return [
    { x: shape.x, y: shape.y - shape.ry },
    { x: shape.x + shape.rx, y: shape.y },
    { x: shape.x, y: shape.y + shape.ry },
    { x: shape.x - shape.rx, y: shape.y },
  ].map((point) => rotateAround(point, center, shape.rotation));
}

/** The point in the ellipse's own (unrotated, centred) frame. */
function toLocal(shape: EllipseShape, point: Vec): Vec {
  const local = rotateAround(point, { x: shape.x, y: shape.y }, -shape.rotation);
  return { x: local.x - shape.x, y: local.y - shape.y };
}

export const ellipseUtil: ShapeUtil<'ellipse'> = {
  type: 'ellipse',
  bounds: (shape) => {
    // Exact bounds of a rotated ellipse.
    const cos = Math.cos(shape.rotation);
    const sin = Math.sin(shape.rotation);
    const halfWidth = Math.hypot(shape.rx * cos, shape.ry * sin);
    const halfHeight = Math.hypot(shape.rx * sin, shape.ry * cos);
    return { left: shape.x - halfWidth, top: shape.y - halfHeight, width: 2 * halfWidth, height: 2 * halfHeight };
  },
  hitTest: (shape, point, tolerance) => {
    const local = toLocal(shape, point);
    const rx = shape.rx + tolerance;
    const ry = shape.ry + tolerance;
    return (local.x * local.x) / (rx * rx) + (local.y * local.y) / (ry * ry) <= 1;
  },
  handles: (shape) => {
    const [top, right, bottom] = extremalVertices(shape);
    const center = { x: shape.x, y: shape.y };
    const rotateHandle = rotateAround({ x: shape.x, y: shape.y - shape.ry - Math.max(12, shape.ry * 0.25) }, center, shape.rotation);
    return [
      { id: 'ry-top', kind: 'resize', point: top },
      { id: 'rx', kind: 'resize', point: right },
      { id: 'ry', kind: 'resize', point: bottom },
      { id: 'rotate', kind: 'rotate', point: rotateHandle },
    ];
  },
  dragHandle: (shape, handleId, point, rules) => {
    if (handleId === 'rotate') {
      return { ...shape, rotation: Math.atan2(point.y - shape.y, point.x - shape.x) + Math.PI / 2 };
    }
    const local = toLocal(shape, point);
    if (handleId === 'rx') return { ...shape, rx: Math.max(Math.abs(local.x), rules.minWidth / 2) };
    return { ...shape, ry: Math.max(Math.abs(local.y), rules.minHeight / 2) };
  },
  translate: (shape, delta) => ({ ...shape, x: shape.x + delta.x, y: shape.y + delta.y }),
  labelAnchor: (shape) => {
    const bounds = ellipseUtil.bounds(shape);
    return { x: bounds.left, y: bounds.top };
  },
  render: (shape) => [
    { kind: 'ellipse', cx: shape.x, cy: shape.y, rx: shape.rx, ry: shape.ry, rotationDegrees: (shape.rotation * 180) / Math.PI },
  ],
  sizeProblem: (shape, rules) => {
    if (shape.rx * 2 < rules.minWidth || shape.ry * 2 < rules.minHeight) {
      return `An ellipse must be at least ${rules.minWidth}×${rules.minHeight} px across.`;
    }
    return shape.rx > 0 && shape.ry > 0 ? null : 'An ellipse has no area.';
  },
  // Scale returns ellipses as their four extremal vertices.
  toScaleFields: (shape) => ({
    vertices: extremalVertices(shape).map((vertex) => ({ x: roundCoordinate(vertex.x), y: roundCoordinate(vertex.y) })),
  }),
  interpolate: interpolateGeometry,
  fromScaleFields: (annotation, base) => {
    const vertices = readVertices(annotation.vertices);
    if (vertices && vertices.length === 4) {
      const [top, right, bottom, left] = vertices;
      const center = { x: (top.x + bottom.x) / 2, y: (top.y + bottom.y) / 2 };
      return {
        ...base,
        type: 'ellipse',
        x: center.x,
        y: center.y,
        rx: distance(left, right) / 2,
        ry: distance(top, bottom) / 2,
        rotation: Math.atan2(right.y - center.y, right.x - center.x),
      };
    }
    // Also accept a centre-and-radii form, which some exporters write.
    const x = finite(annotation.x);
    const y = finite(annotation.y);
    const rx = finite(annotation.rx);
    const ry = finite(annotation.ry);
    if (x === undefined || y === undefined || rx === undefined || ry === undefined) return null;
    return { ...base, type: 'ellipse', x, y, rx, ry, rotation: finite(annotation.rotation) ?? 0 };
  },
};
