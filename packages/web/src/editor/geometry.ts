/** Plain 2-D geometry used by shapes, tools and the viewport. Points are in image pixels unless noted. */
export interface Vec {
  x: number;
  y: number;
}

export interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

export const vec = (x: number, y: number): Vec => ({ x, y });
export const add = (a: Vec, b: Vec): Vec => ({ x: a.x + b.x, y: a.y + b.y });
export const sub = (a: Vec, b: Vec): Vec => ({ x: a.x - b.x, y: a.y - b.y });
export const distance = (a: Vec, b: Vec): number => Math.hypot(a.x - b.x, a.y - b.y);

/** The rectangle spanned by two corners, whichever way round they were dragged. */
export function rectFromCorners(a: Vec, b: Vec): Rect {
  return {
    left: Math.min(a.x, b.x),
    top: Math.min(a.y, b.y),
    width: Math.abs(a.x - b.x),
    height: Math.abs(a.y - b.y),
  };
}

export function rectContains(rect: Rect, point: Vec, tolerance = 0): boolean {
  return (
    point.x >= rect.left - tolerance &&
    point.x <= rect.left + rect.width + tolerance &&
    point.y >= rect.top - tolerance &&
    point.y <= rect.top + rect.height + tolerance
  );
}

/** Shortest distance from a point to the segment a–b. */
export function distanceToSegment(point: Vec, a: Vec, b: Vec): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const lengthSquared = dx * dx + dy * dy;
  if (lengthSquared === 0) return distance(point, a);
  const t = Math.max(0, Math.min(1, ((point.x - a.x) * dx + (point.y - a.y) * dy) / lengthSquared));
  return distance(point, { x: a.x + t * dx, y: a.y + t * dy });
}

/** Distance from a point to an open (line) or closed (polygon) chain of vertices. */
export function distanceToPath(point: Vec, vertices: readonly Vec[], closed: boolean): number {
  if (vertices.length === 0) return Infinity;
  if (vertices.length === 1) return distance(point, vertices[0]);
  let best = Infinity;
  const segmentCount = closed ? vertices.length : vertices.length - 1;
  for (let index = 0; index < segmentCount; index++) {
    best = Math.min(best, distanceToSegment(point, vertices[index], vertices[(index + 1) % vertices.length]));
  }
  return best;
}

/** Even–odd ray casting; works for concave and self-touching polygons. */
export function pointInPolygon(point: Vec, vertices: readonly Vec[]): boolean {
  let inside = false;
  for (let i = 0, j = vertices.length - 1; i < vertices.length; j = i++) {
    const a = vertices[i];
    const b = vertices[j];
    if (a.y > point.y !== b.y > point.y && point.x < ((b.x - a.x) * (point.y - a.y)) / (b.y - a.y) + a.x) {
      inside = !inside;
    }
  }
  return inside;
}

/** Rotates `point` around `center` by `angle` radians (clockwise on screen, since y points down). */
export function rotateAround(point: Vec, center: Vec, angle: number): Vec {
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const dx = point.x - center.x;
  const dy = point.y - center.y;
  return { x: center.x + dx * cos - dy * sin, y: center.y + dx * sin + dy * cos };
}

/** Bounding rectangle of a set of points. */
export function boundsOf(points: readonly Vec[]): Rect {
  if (points.length === 0) return { left: 0, top: 0, width: 0, height: 0 };
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const point of points) {
    minX = Math.min(minX, point.x);
    minY = Math.min(minY, point.y);
    maxX = Math.max(maxX, point.x);
    maxY = Math.max(maxY, point.y);
  }
  return { left: minX, top: minY, width: maxX - minX, height: maxY - minY };
}

export function rectsIntersect(a: Rect, b: Rect): boolean {
  return a.left <= b.left + b.width && b.left <= a.left + a.width && a.top <= b.top + b.height && b.top <= a.top + a.height;
}

export const clamp = (value: number, min: number, max: number): number => Math.min(max, Math.max(min, value));

/** Rounds to 1/100 px so saved responses don't carry float noise like 10.000000000002. */
export const roundCoordinate = (value: number): number => Math.round(value * 100) / 100;

const TURN = 2 * Math.PI;

/** An angle in radians, normalised to [0, 2π). */
export function normaliseAngle(angle: number): number {
  const turned = angle % TURN;
  const positive = turned < 0 ? turned + TURN : turned;
  // 2π - ε rounds to 2π in floating point; that is 0.
  return positive >= TURN ? 0 : positive;
}

/** Snaps an angle to the nearest multiple of `step` radians. */
export const snapAngle = (angle: number, step: number): number => Math.round(angle / step) * step;
