import type { Vec } from '../geometry.ts';
import type { RasterWriter } from './raster-writer.ts';

/** Reads RGBA pixels of a region of the image (the view backs it with a canvas). */
export interface PixelSource {
  width: number;
  height: number;
  readRegion(x: number, y: number, width: number, height: number): Uint8ClampedArray;
}

/** CIELAB of an sRGB colour: SLIC measures colour distance there, where it tracks what people see. */
function toLab(r: number, g: number, b: number): [number, number, number] {
  const linear = (channel: number) => {
    const c = channel / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const [lr, lg, lb] = [linear(r), linear(g), linear(b)];
  const f = (t: number) => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116);
  const x = f((lr * 0.4124 + lg * 0.3576 + lb * 0.1805) / 0.95047);
  const y = f(lr * 0.2126 + lg * 0.7152 + lb * 0.0722);
  const z = f((lr * 0.0193 + lg * 0.1192 + lb * 0.9505) / 1.08883);
  return [116 * y - 16, 500 * (x - y), 200 * (y - z)];
}

/**
 * SLIC superpixels (Achanta et al. 2012) of an RGBA region: cluster centres on a grid `step`
 * apart, each pixel assigned to the nearest centre within 2·step by colour and distance
 * (`compactness` trades one for the other), a few iterations. Returns a label per pixel.
 */
export function slic(rgba: Uint8ClampedArray, width: number, height: number, step: number, compactness = 10, iterations = 5): Int32Array {
  const size = width * height;
  const lab = new Float32Array(size * 3);
  for (let index = 0; index < size; index++) {
    const [l, a, b] = toLab(rgba[index * 4], rgba[index * 4 + 1], rgba[index * 4 + 2]);
    lab[index * 3] = l;
    lab[index * 3 + 1] = a;
    lab[index * 3 + 2] = b;
  }
  const centres: number[][] = [];
  for (let y = step / 2; y < height; y += step) {
    for (let x = step / 2; x < width; x += step) {
      const index = Math.floor(y) * width + Math.floor(x);
      centres.push([lab[index * 3], lab[index * 3 + 1], lab[index * 3 + 2], x, y]);
    }
  }
  const labels = new Int32Array(size).fill(-1);
  const distances = new Float32Array(size);
  const weight = (compactness / step) ** 2;
  for (let iteration = 0; iteration < iterations; iteration++) {
    distances.fill(Infinity);
    centres.forEach(([cl, ca, cb, cx, cy], centre) => {
      const x0 = Math.max(0, Math.floor(cx - step));
      const x1 = Math.min(width - 1, Math.ceil(cx + step));
      const y0 = Math.max(0, Math.floor(cy - step));
      const y1 = Math.min(height - 1, Math.ceil(cy + step));
      for (let y = y0; y <= y1; y++) {
        for (let x = x0; x <= x1; x++) {
          const index = y * width + x;
          const dl = lab[index * 3] - cl;
          const da = lab[index * 3 + 1] - ca;
          const db = lab[index * 3 + 2] - cb;
          const d = dl * dl + da * da + db * db + ((x - cx) ** 2 + (y - cy) ** 2) * weight;
          if (d < distances[index]) {
            distances[index] = d;
            labels[index] = centre;
          }
        }
      }
    });
    const sums = centres.map(() => [0, 0, 0, 0, 0, 0]);
    for (let index = 0; index < size; index++) {
      const sum = sums[labels[index]];
      if (!sum) continue;
      sum[0] += lab[index * 3];
      sum[1] += lab[index * 3 + 1];
      sum[2] += lab[index * 3 + 2];
      sum[3] += index % width;
      sum[4] += Math.floor(index / width);
      sum[5]++;
    }
    sums.forEach((sum, centre) => {
      if (sum[5] > 0) centres[centre] = [sum[0] / sum[5], sum[1] / sum[5], sum[2] / sum[5], sum[3] / sum[5], sum[4] / sum[5]];
    });
  }
  return labels;
}

interface Window {
  x: number;
  y: number;
  width: number;
  height: number;
  labels: Int32Array;
}

/**
 * The superpixel-fill tool's model: superpixels are computed lazily for a window around where the
 * labeler clicks (a whole 12-megapixel image would take seconds), cached per window, and a click
 * fills the connected piece of the superpixel under it.
 */
export class SuperpixelCache {
  private readonly windows = new Map<string, Window>();

  constructor(private readonly source: PixelSource) {}

  private windowAt(point: Vec, step: number): Window {
    const span = Math.max(128, step * 8);
    // Windows sit on a half-span grid; take the one whose centre is nearest, so the point is well inside.
    const half = span / 2;
    const x = Math.max(0, Math.min(this.source.width - span, Math.round((point.x - half) / half) * half));
    const y = Math.max(0, Math.min(this.source.height - span, Math.round((point.y - half) / half) * half));
    const key = `${x},${y},${step}`;
    let window = this.windows.get(key);
    if (!window) {
      const width = Math.min(span, this.source.width - Math.max(0, x));
      const height = Math.min(span, this.source.height - Math.max(0, y));
      const left = Math.max(0, x);
      const top = Math.max(0, y);
      const labels = slic(this.source.readRegion(left, top, width, height), width, height, step);
      window = { x: left, y: top, width, height, labels };
      this.windows.set(key, window);
    }
    return window;
  }

  /** Fills the superpixel piece under `point` with `value`; returns how many pixels it covered. */
  fill(writer: RasterWriter, point: Vec, step: number, value: number): number {
    const px = Math.floor(point.x);
    const py = Math.floor(point.y);
    if (px < 0 || py < 0 || px >= this.source.width || py >= this.source.height) return 0;
    const window = this.windowAt(point, Math.max(4, Math.round(step)));
    const { labels, width, height } = window;
    const start = (py - window.y) * width + (px - window.x);
    const target = labels[start];
    const seen = new Uint8Array(width * height);
    const stack = [start];
    seen[start] = 1;
    let filled = 0;
    while (stack.length > 0) {
      const index = stack.pop()!;
      const x = index % width;
      const y = (index - x) / width;
      writer.fillSpan(window.y + y, window.x + x, window.x + x, value);
      filled++;
      for (const next of [x > 0 ? index - 1 : -1, x < width - 1 ? index + 1 : -1, y > 0 ? index - width : -1, y < height - 1 ? index + width : -1]) {
        if (next >= 0 && !seen[next] && labels[next] === target) {
          seen[next] = 1;
          stack.push(next);
        }
      }
    }
    return filled;
  }
}
