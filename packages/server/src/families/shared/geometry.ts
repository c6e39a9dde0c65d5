/**
 * Plane geometry shared by the families that compare shapes (image now; masks and video frames
 * next): box and polygon IoU, point and line similarity. Pure functions, pixels in, 0..1 out.
 */

export type Point = { x: number; y: number };
export type Geometry =
  | { kind: 'box'; left: number; top: number; width: number; height: number }
  | { kind: 'region'; vertices: Point[] }
  | { kind: 'line'; vertices: Point[] }
  | { kind: 'point'; x: number; y: number };

/** The axis-aligned box around some points. */
export function boxAround(points: readonly Point[]): Geometry {
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const left = Math.min(...xs);
  const top = Math.min(...ys);
  return { kind: 'box', left, top, width: Math.max(...xs) - left, height: Math.max(...ys) - top };
}

/** Similarity of two shapes, 0..1: IoU for regions, distance-based for points and lines; 0 across kinds or labels. */
export function shapeSimilarity(a: Geometry, b: Geometry): number {
  const regionA = a.kind === 'box' || a.kind === 'region';
  const regionB = b.kind === 'box' || b.kind === 'region';
  if (regionA && regionB) {
    if (a.kind === 'box' && b.kind === 'box') return boxIou(a, b);
    return polygonIou(asPolygon(a), asPolygon(b));
  }
  if (a.kind === 'point' && b.kind === 'point') return Math.max(0, 1 - Math.hypot(a.x - b.x, a.y - b.y) / POINT_TOLERANCE);
  if (a.kind === 'line' && b.kind === 'line') return lineSimilarity(a.vertices, b.vertices);
  return 0;
}

/** Points further apart than this (pixels) are different points. */
const POINT_TOLERANCE = 20;

export function boxIou(a: { left: number; top: number; width: number; height: number }, b: typeof a): number {
  const width = Math.min(a.left + a.width, b.left + b.width) - Math.max(a.left, b.left);
  const height = Math.min(a.top + a.height, b.top + b.height) - Math.max(a.top, b.top);
  const intersection = width > 0 && height > 0 ? width * height : 0;
  const union = a.width * a.height + b.width * b.height - intersection;
  if (union <= 0) return a.left === b.left && a.top === b.top && a.width === b.width && a.height === b.height ? 1 : 0;
  return intersection / union;
}

function asPolygon(geometry: Geometry): Point[] {
  if (geometry.kind === 'region') return geometry.vertices;
  if (geometry.kind === 'box') {
    const { left, top, width, height } = geometry;
    return [
      { x: left, y: top },
      { x: left + width, y: top },
      { x: left + width, y: top + height },
      { x: left, y: top + height },
    ];
  }
  return [];
}

/** Scanlines across the union's height; enough for IoU within about a percent on ordinary shapes. */
const SCANLINES = 128;

/**
 * IoU of two simple polygons (convex or not), integrated over horizontal scanlines: on each line the
 * inside intervals of both polygons (even-odd rule) are intersected and united exactly.
 */
export function polygonIou(a: readonly Point[], b: readonly Point[]): number {
  if (a.length < 3 || b.length < 3) return 0;
  const top = Math.min(...a.map((p) => p.y), ...b.map((p) => p.y));
  const bottom = Math.max(...a.map((p) => p.y), ...b.map((p) => p.y));
  if (!(bottom > top)) return 0;
  const step = (bottom - top) / SCANLINES;
  let intersection = 0;
  let union = 0;
  for (let line = 0; line < SCANLINES; line++) {
    const y = top + (line + 0.5) * step;
    const inA = insideIntervals(a, y);
    const inB = insideIntervals(b, y);
    const both = intersectIntervals(inA, inB);
    const lengthA = totalLength(inA);
    const lengthB = totalLength(inB);
    const lengthBoth = totalLength(both);
    intersection += lengthBoth;
    union += lengthA + lengthB - lengthBoth;
  }
  return union > 0 ? intersection / union : 0;
}

function insideIntervals(polygon: readonly Point[], y: number): Array<[number, number]> {
  const crossings: number[] = [];
  for (let i = 0; i < polygon.length; i++) {
    const p = polygon[i];
    const q = polygon[(i + 1) % polygon.length];
    if (p.y <= y !== q.y <= y) crossings.push(p.x + ((y - p.y) / (q.y - p.y)) * (q.x - p.x));
  }
  crossings.sort((m, n) => m - n);
  const intervals: Array<[number, number]> = [];
  for (let i = 0; i + 1 < crossings.length; i += 2) intervals.push([crossings[i], crossings[i + 1]]);
  return intervals;
}

function intersectIntervals(a: Array<[number, number]>, b: Array<[number, number]>): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const start = Math.max(a[i][0], b[j][0]);
    const end = Math.min(a[i][1], b[j][1]);
    if (end > start) out.push([start, end]);
    if (a[i][1] < b[j][1]) i++;
    else j++;
  }
  return out;
}

function totalLength(intervals: Array<[number, number]>): number {
  return intervals.reduce((sum, [start, end]) => sum + (end - start), 0);
}

/** Lines agree when each one's vertices lie near the other: 1 − mean distance / (10 % of the larger extent). */
function lineSimilarity(a: readonly Point[], b: readonly Point[]): number {
  const extent = (points: readonly Point[]) => {
    const box = boxAround(points) as { width: number; height: number };
    return Math.hypot(box.width, box.height);
  };
  const tolerance = Math.max(2, 0.1 * Math.max(extent(a), extent(b)));
  const meanDistance = (from: readonly Point[], to: readonly Point[]) => from.reduce((sum, p) => sum + distanceToPolyline(p, to), 0) / from.length;
  const distance = (meanDistance(a, b) + meanDistance(b, a)) / 2;
  return Math.max(0, 1 - distance / tolerance);
}

function distanceToPolyline(p: Point, line: readonly Point[]): number {
  if (line.length === 1) return Math.hypot(p.x - line[0].x, p.y - line[0].y);
  let best = Infinity;
  for (let i = 0; i + 1 < line.length; i++) {
    const a = line[i];
    const b = line[i + 1];
    const dx = b.x - a.x;
    const dy = b.y - a.y;
    const length2 = dx * dx + dy * dy;
    const t = length2 === 0 ? 0 : Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / length2));
    best = Math.min(best, Math.hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy)));
  }
  return best;
}

