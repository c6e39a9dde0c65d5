import type { Vec } from '../geometry.ts';
import type { RasterWriter, WriteFilter } from './raster-writer.ts';

/**
 * Pixel coverage rule shared by every painting operation: pixel (x, y) is covered when its centre
 * (x + 0.5, y + 0.5) is inside the shape. The server renders exactly what the raster holds, so
 * this only decides what the labeler sees under the cursor.
 */

/** Paints a disc of `diameter` image pixels centred on `center`. */
export function stampDisc(writer: RasterWriter, center: Vec, diameter: number, value: number, filter: WriteFilter = 'all'): void {
  const radius = Math.max(0.5, diameter / 2);
  const top = Math.ceil(center.y - radius - 0.5);
  const bottom = Math.floor(center.y + radius - 0.5);
  for (let y = top; y <= bottom; y++) {
    const dy = y + 0.5 - center.y;
    const half = Math.sqrt(Math.max(0, radius * radius - dy * dy));
    writer.fillSpan(y, Math.ceil(center.x - half - 0.5), Math.floor(center.x + half - 0.5), value, filter);
  }
}

/** Paints the stroke from `from` to `to`: discs close enough together that the stroke has no gaps. */
export function strokeSegment(writer: RasterWriter, from: Vec, to: Vec, diameter: number, value: number, filter: WriteFilter = 'all'): void {
  const length = Math.hypot(to.x - from.x, to.y - from.y);
  const spacing = Math.max(0.5, diameter / 4);
  const steps = Math.max(1, Math.ceil(length / spacing));
  for (let step = 1; step <= steps; step++) {
    const t = step / steps;
    stampDisc(writer, { x: from.x + (to.x - from.x) * t, y: from.y + (to.y - from.y) * t }, diameter, value, filter);
  }
}

/** Fills a polygon (even-odd rule, so a self-crossing outline leaves its crossed parts open). */
export function fillPolygon(writer: RasterWriter, vertices: readonly Vec[], value: number, filter: WriteFilter = 'all'): void {
  if (vertices.length < 3) return;
  const top = Math.max(0, Math.floor(Math.min(...vertices.map((vertex) => vertex.y))));
  const bottom = Math.min(writer.height - 1, Math.ceil(Math.max(...vertices.map((vertex) => vertex.y))));
  const crossings: number[] = [];
  for (let y = top; y <= bottom; y++) {
    const scan = y + 0.5;
    crossings.length = 0;
    for (let index = 0; index < vertices.length; index++) {
      const a = vertices[index];
      const b = vertices[(index + 1) % vertices.length];
      // Half-open on y so a vertex on the scan line counts once.
      if ((a.y <= scan && b.y > scan) || (b.y <= scan && a.y > scan)) {
        crossings.push(a.x + ((scan - a.y) / (b.y - a.y)) * (b.x - a.x));
      }
    }
    crossings.sort((left, right) => left - right);
    for (let index = 0; index + 1 < crossings.length; index += 2) {
      writer.fillSpan(y, Math.ceil(crossings[index] - 0.5), Math.ceil(crossings[index + 1] - 0.5) - 1, value, filter);
    }
  }
}

/**
 * Flood fill: the 4-connected region of pixels sharing the value at `seed` becomes `value`.
 * Scanline algorithm (one stack entry per run, not per pixel), so a 12-megapixel region is fine.
 */
export function floodFill(writer: RasterWriter, seed: Vec, value: number): number {
  const startX = Math.floor(seed.x);
  const startY = Math.floor(seed.y);
  if (startX < 0 || startY < 0 || startX >= writer.width || startY >= writer.height) return 0;
  const target = writer.read(startX, startY);
  if (target === value) return 0;
  let filled = 0;
  const stack: number[] = [startX, startY];
  while (stack.length > 0) {
    const y = stack.pop()!;
    const x = stack.pop()!;
    if (writer.read(x, y) !== target) continue;
    let left = x;
    while (left > 0 && writer.read(left - 1, y) === target) left--;
    let right = x;
    while (right < writer.width - 1 && writer.read(right + 1, y) === target) right++;
    writer.fillSpan(y, left, right, value);
    filled += right - left + 1;
    for (const next of [y - 1, y + 1]) {
      if (next < 0 || next >= writer.height) continue;
      let inRun = false;
      for (let column = left; column <= right; column++) {
        const matches = writer.read(column, next) === target;
        if (matches && !inRun) stack.push(column, next);
        inRun = matches;
      }
    }
  }
  return filled;
}
