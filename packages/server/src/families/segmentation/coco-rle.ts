/**
 * COCO's run-length encoding as pycocotools reads it (`mask.decode`, `frPyObjects`): the binary
 * mask in column-major order (down each column, left to right), run lengths alternating 0s and 1s
 * starting with 0s, written as pycocotools' compressed counts string (6-bit characters from '0',
 * 5 data bits plus a continuation bit, each count after the second as a difference from the count
 * two back).
 */
export interface CocoRle {
  /** [height, width], as COCO writes it. */
  size: [number, number];
  counts: string;
}

/** One COCO RLE per index of a row-major index raster, computed in one column-major pass. */
export function cocoRlesOf(width: number, height: number, values: ArrayLike<number>, indexes: readonly number[]): Map<number, CocoRle> {
  const wanted = new Set(indexes);
  const runs = new Map<number, number[]>(indexes.map((index) => [index, []]));
  // Where each index's current run (of 0s or 1s) started, in column-major position.
  const runStart = new Map<number, number>(indexes.map((index) => [index, 0]));
  let previous = -1;
  let position = 0;
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++, position++) {
      const value = values[y * width + x];
      if (value === previous) continue;
      if (wanted.has(previous)) {
        runs.get(previous)!.push(position - runStart.get(previous)!);
        runStart.set(previous, position);
      }
      if (wanted.has(value)) {
        runs.get(value)!.push(position - runStart.get(value)!);
        runStart.set(value, position);
      }
      previous = value;
    }
  }
  const out = new Map<number, CocoRle>();
  for (const index of indexes) {
    const counts = runs.get(index)!;
    counts.push(position - runStart.get(index)!);
    out.set(index, { size: [height, width], counts: countsToString(counts) });
  }
  return out;
}

/** pycocotools' rleToString. */
export function countsToString(counts: readonly number[]): string {
  let text = '';
  for (let index = 0; index < counts.length; index++) {
    let x = counts[index];
    if (index > 2) x -= counts[index - 2];
    let more = true;
    while (more) {
      let c = x & 0x1f;
      x = Math.floor(x / 32);
      more = c & 0x10 ? x !== -1 : x !== 0;
      if (more) c |= 0x20;
      text += String.fromCharCode(c + 48);
    }
  }
  return text;
}

/** pycocotools' rleFrString. */
export function countsFromString(text: string): number[] {
  const counts: number[] = [];
  let position = 0;
  while (position < text.length) {
    let x = 0;
    let shift = 1;
    let more = true;
    while (more) {
      const c = text.charCodeAt(position++) - 48;
      x += (c & 0x1f) * shift;
      more = (c & 0x20) !== 0;
      shift *= 32;
      if (!more && c & 0x10) x -= shift;
    }
    if (counts.length > 2) x += counts[counts.length - 2];
    counts.push(x);
  }
  return counts;
}

/** Decodes a COCO RLE into a row-major 0/1 mask. */
export function decodeCocoRle(rle: CocoRle): Uint8Array {
  const [height, width] = rle.size;
  const out = new Uint8Array(width * height);
  let position = 0;
  let bit = 0;
  for (const count of countsFromString(rle.counts)) {
    if (bit) {
      for (let at = position; at < position + count; at++) out[(at % height) * width + Math.floor(at / height)] = 1;
    }
    position += count;
    bit ^= 1;
  }
  return out;
}

/** Paints `value` into a row-major raster (of the RLE's size) wherever the COCO RLE is 1. */
export function paintCocoRle(rle: CocoRle, target: { [offset: number]: number }, value: number): void {
  const [height, width] = rle.size;
  let position = 0;
  let bit = 0;
  for (const count of countsFromString(rle.counts)) {
    if (bit) {
      // Column-major runs: walk down the column, wrapping to the top of the next one.
      let x = Math.floor(position / height);
      let y = position % height;
      for (let left = count; left > 0; left--) {
        target[y * width + x] = value;
        if (++y === height) {
          y = 0;
          x++;
        }
      }
    }
    position += count;
    bit ^= 1;
  }
}

/** Area and bounding box [x, y, width, height] of one index, for the COCO annotation. */
export function areaAndBox(width: number, height: number, values: ArrayLike<number>, index: number): { area: number; bbox: [number, number, number, number] } {
  let area = 0;
  let left = width;
  let right = -1;
  let top = height;
  let bottom = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (values[y * width + x] !== index) continue;
      area++;
      if (x < left) left = x;
      if (x > right) right = x;
      if (y < top) top = y;
      bottom = y;
    }
  }
  return area === 0 ? { area, bbox: [0, 0, 0, 0] } : { area, bbox: [left, top, right - left + 1, bottom - top + 1] };
}
