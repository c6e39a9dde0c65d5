import os from 'node:os';
import { loadSharp } from './load-sharp.ts';

/** One index of a mask, as the renderer needs it. */
export interface MaskIndex {
  index: number;
  color: string;
  /** The response's label; an instance label has several indexes. */
  label: string;
  instance: boolean;
}

/** A checked mask: row-major indexes (0 = unlabeled) and what each index is. */
export interface DecodedMask {
  width: number;
  height: number;
  values: Uint16Array;
  indexes: readonly MaskIndex[];
}

/** Where rendered files go: `write(name, png)` stores one and answers its URL. */
export type PngSink = (name: string, png: Buffer) => Promise<string>;

export interface RenderedMask {
  /** URL per file role. */
  unlabeled: string;
  combined: { image: string; indexedImage: string; extendedIndexedImage: string };
  /** URL per index, in `indexes` order. */
  labeled: Map<number, string>;
  /** Pixel count per index. */
  pixelCounts: Map<number, number>;
}

/**
 * PNG settings, chosen by measurement (docs/workbench.md, "Segmentation"): sharp (libvips + libspng)
 * encoded a 12-megapixel RGBA mask 10–20× faster than pngjs and fast-png. No adaptive filtering: it
 * cost 10× the time for a few percent. zlib level 3: sharp's zlib (zlib-ng) runs levels 2–3 with its
 * fast matcher and 4–6 with lazy matching, and on these masks (long runs of one colour) level 3 wrote
 * files within 2 % of level 6's in a quarter of the time; level 1 (zlib-ng's "quick" deflate) was no
 * faster and wrote files 8× larger.
 */
const PNG_OPTIONS = { compressionLevel: 3, adaptiveFiltering: false } as const;

/**
 * PNG encodes in flight at once. libvips encodes each on a libuv worker thread (zlib is single-threaded
 * per image), so the main thread paints the next frame while others encode, and with two or more
 * cores encodes run side by side. Each encode in flight holds one RGBA frame (48 MB at 12 megapixels),
 * so memory is bounded by this number, never by the number of instances.
 */
const PARALLEL_ENCODES = Math.min(4, Math.max(2, os.availableParallelism()));

/** RGBA frames a render may hold at once, in bytes: a 64-megapixel mask (256 MB a frame) is encoded one frame at a time. */
const FRAME_BUDGET_BYTES = 256 * 1024 * 1024;

/** How long frames stay pooled after the last render. */
const FRAME_IDLE_MS = 30_000;

/**
 * RGBA frames kept between renders, all zero. Writing to freshly allocated memory faults its pages
 * in one by one, and on this project's test machine (a sandboxed VM) that cost 0.5–0.8 s per 48 MB
 * frame, more than all the PNG encodes of a 20-instance mask; a frame that stays allocated is
 * faulted in once. Freed after FRAME_IDLE_MS without a render, so an idle server holds nothing.
 */
const framePool = { size: 0, free: [] as Buffer[], timer: undefined as NodeJS.Timeout | undefined };

function takeFrame(bytes: number): Buffer {
  if (framePool.size !== bytes) {
    framePool.size = bytes;
    framePool.free = [];
  }
  return framePool.free.pop() ?? Buffer.alloc(bytes);
}

function giveFrame(frame: Buffer): void {
  if (frame.length === framePool.size) framePool.free.push(frame);
  clearTimeout(framePool.timer);
  framePool.timer = setTimeout(() => (framePool.free = []), FRAME_IDLE_MS);
  framePool.timer.unref();
}

const rgba = (color: string, alpha = 255): number => {
  const value = parseInt(color.slice(1), 16);
  // Little-endian RGBA in one 32-bit word: R in the lowest byte.
  return ((alpha << 24) | ((value & 0xff) << 16) | (value & 0xff00) | ((value >> 16) & 0xff)) >>> 0;
};

async function encode(pixels: Buffer | Uint16Array, width: number, height: number, channels: 1 | 4): Promise<Buffer> {
  const sharp = await loadSharp();
  // sharp takes the sample depth from the array type: a Uint16Array is read as 16-bit samples.
  const wide = pixels instanceof Uint16Array;
  const image = sharp(pixels, { raw: { width, height, channels } });
  // One channel would otherwise be written as RGB: ask for a grey PNG (colour type 0).
  const grey = channels === 1 ? image.toColourspace(wide ? 'grey16' : 'b-w') : image;
  return grey.png(PNG_OPTIONS).toBuffer();
}

/**
 * Runs jobs with at most `limit` in flight; `add` waits for a free slot before it starts the job (so
 * the job's frame is taken only then). The first failure is thrown by the next `add` or by `drain`.
 */
class EncodeQueue {
  private readonly inFlight = new Set<Promise<void>>();
  private failure: unknown;

  constructor(private readonly limit: number) {}

  async add(job: () => Promise<void>): Promise<void> {
    while (this.inFlight.size >= this.limit) await Promise.race(this.inFlight);
    if (this.failure) throw this.failure;
    const running: Promise<void> = job()
      .catch((error) => void (this.failure ??= error))
      .finally(() => this.inFlight.delete(running));
    this.inFlight.add(running);
  }

  async drain(): Promise<void> {
    await Promise.all(this.inFlight);
    if (this.failure) throw this.failure;
  }
}

/** Row-major runs of equal values (a run may continue from one row into the next). */
interface Runs {
  count: number;
  starts: Uint32Array;
  lengths: Uint32Array;
  values: Uint16Array;
}

function runsOf(values: Uint16Array): Runs {
  let capacity = 1 << 16;
  let starts = new Uint32Array(capacity);
  let lengths = new Uint32Array(capacity);
  let runValues = new Uint16Array(capacity);
  let count = 0;
  let start = 0;
  for (let offset = 1; offset <= values.length; offset++) {
    if (offset < values.length && values[offset] === values[start]) continue;
    if (count === capacity) {
      capacity *= 2;
      const grow = <T extends Uint32Array | Uint16Array>(old: T, fresh: T): T => (fresh.set(old), fresh);
      starts = grow(starts, new Uint32Array(capacity));
      lengths = grow(lengths, new Uint32Array(capacity));
      runValues = grow(runValues, new Uint16Array(capacity));
    }
    starts[count] = start;
    lengths[count] = offset - start;
    runValues[count] = values[start];
    count++;
    start = offset;
  }
  return { count, starts, lengths, values: runValues };
}

/**
 * Renders Scale's segmentation PNGs (task-types §3.3) and hands each to `write`: combined (RGBA in
 * label colours), indexed (8-bit grey, 16-bit past 255 indexes), extended (index in R + 256·G +
 * 65536·B, alpha 255), unlabeled (opaque black where no label), and one RGBA mask per index.
 *
 * The raster is read once into runs, and every frame is painted run by run (memset speed), so the
 * cost is the PNG encoding. Memory stays flat in the number of indexes: one RGBA frame is reused
 * for every per-index mask, painted along that index's runs and cleared along them after.
 */
export async function renderMaskPngs(mask: DecodedMask, write: PngSink, fileStem: (entry: MaskIndex) => string): Promise<RenderedMask> {
  const { width, height, values } = mask;
  const size = width * height;
  const runs = runsOf(values);
  const maxIndex = mask.indexes.reduce((max, entry) => Math.max(max, entry.index), 0);
  const counts = new Float64Array(Math.max(maxIndex, 0) + 1);
  // Runs grouped by index (a counting sort), so each per-index mask touches only its own runs.
  const runsPerIndex = new Uint32Array(maxIndex + 2);
  for (let run = 0; run < runs.count; run++) {
    counts[runs.values[run]] += runs.lengths[run];
    runsPerIndex[runs.values[run] + 1]++;
  }
  for (let index = 1; index < runsPerIndex.length; index++) runsPerIndex[index] += runsPerIndex[index - 1];
  const byIndex = new Uint32Array(runs.count);
  const cursor = runsPerIndex.slice();
  for (let run = 0; run < runs.count; run++) byIndex[cursor[runs.values[run]]++] = run;

  const colors = new Uint32Array(maxIndex + 1);
  for (const entry of mask.indexes) colors[entry.index] = rgba(entry.color);
  const black = rgba('#000000');
  const queue = new EncodeQueue(Math.max(1, Math.min(PARALLEL_ENCODES, Math.floor(FRAME_BUDGET_BYTES / (size * 4)))));
  // A frame (all zero: fully transparent) is taken from the pool, painted, encoded, cleared along what was painted and given back.
  const wordsOf = (frameBytes: Buffer) => new Uint32Array(frameBytes.buffer, frameBytes.byteOffset, size);

  /** Paints a frame with `color` of each run's value (0 leaves the run transparent) along `which` runs, encodes and writes it, then clears those runs. */
  const renderFrame = (name: string, color: (value: number) => number, which: Iterable<number>, done: (url: string) => void) =>
    queue.add(async () => {
      const frameBytes = takeFrame(size * 4);
      const frame = wordsOf(frameBytes);
      const painted: number[] = [];
      for (const run of which) {
        const value = color(runs.values[run]);
        if (value === 0) continue;
        frame.fill(value, runs.starts[run], runs.starts[run] + runs.lengths[run]);
        painted.push(run);
      }
      try {
        done(await write(name, await encode(frameBytes, width, height, 4)));
      } finally {
        for (const run of painted) frame.fill(0, runs.starts[run], runs.starts[run] + runs.lengths[run]);
        giveFrame(frameBytes);
      }
    });
  const everyRun = { *[Symbol.iterator]() { for (let run = 0; run < runs.count; run++) yield run; } };
  const runsOfIndex = (index: number) => ({ *[Symbol.iterator]() { for (let position = runsPerIndex[index]; position < runsPerIndex[index + 1]; position++) yield byIndex[position]; } });

  let image = '';
  let extendedIndexedImage = '';
  let unlabeled = '';
  let indexedImage = '';
  await renderFrame('combined.png', (value) => colors[value], everyRun, (url) => (image = url));
  await renderFrame('extended.png', (value) => (value | 0xff000000) >>> 0, everyRun, (url) => (extendedIndexedImage = url));
  await renderFrame('unlabeled.png', (value) => (value === 0 ? black : 0), runsOfIndex(0), (url) => (unlabeled = url));
  await queue.add(async () => {
    let indexedPixels: Buffer | Uint16Array = values;
    if (maxIndex <= 255) {
      indexedPixels = Buffer.alloc(size);
      for (let run = 0; run < runs.count; run++) indexedPixels.fill(runs.values[run], runs.starts[run], runs.starts[run] + runs.lengths[run]);
    }
    indexedImage = await write('indexed.png', await encode(indexedPixels, width, height, 1));
  });

  const labeled = new Map<number, string>();
  for (const entry of mask.indexes) {
    await renderFrame(`${fileStem(entry)}.png`, () => colors[entry.index], runsOfIndex(entry.index), (url) => labeled.set(entry.index, url));
  }
  await queue.drain();
  // In mask order, whatever order the encodes finished in.
  const ordered = new Map(mask.indexes.map((entry) => [entry.index, labeled.get(entry.index)!]));
  const pixelCounts = new Map(mask.indexes.map((entry) => [entry.index, counts[entry.index]]));
  return { unlabeled, combined: { image, indexedImage, extendedIndexedImage }, labeled: ordered, pixelCounts };
}
