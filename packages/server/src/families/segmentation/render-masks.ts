import sharp from 'sharp';

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
 * encoded a 12-megapixel RGBA mask 10–20× faster than pngjs and fast-png. zlib level 6 without
 * adaptive filtering: on mostly-transparent masks it was both smaller and faster than level 1,
 * and adaptive filtering cost 10× the time for a few percent.
 */
const PNG_OPTIONS = { compressionLevel: 6, adaptiveFiltering: false } as const;

// libvips keeps recent operations cached (50 MB by default) for pipelines that re-read an input;
// every mask here is encoded once, so the cache only adds memory that grows with the instances.
sharp.cache(false);

const rgba = (color: string, alpha = 255): number => {
  const value = parseInt(color.slice(1), 16);
  // Little-endian RGBA in one 32-bit word: R in the lowest byte.
  return ((alpha << 24) | ((value & 0xff) << 16) | (value & 0xff00) | ((value >> 16) & 0xff)) >>> 0;
};

function encode(pixels: Buffer | Uint16Array, width: number, height: number, channels: 1 | 4): Promise<Buffer> {
  // sharp takes the sample depth from the array type: a Uint16Array is read as 16-bit samples.
  const wide = pixels instanceof Uint16Array;
  const image = sharp(pixels, { raw: { width, height, channels } });
  // One channel would otherwise be written as RGB: ask for a grey PNG (colour type 0).
  const grey = channels === 1 ? image.toColourspace(wide ? 'grey16' : 'b-w') : image;
  return grey.png(PNG_OPTIONS).toBuffer();
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
  const frameBytes = Buffer.alloc(size * 4);
  const frame = new Uint32Array(frameBytes.buffer, frameBytes.byteOffset, size);
  const paint = (color: (value: number) => number) => {
    for (let run = 0; run < runs.count; run++) frame.fill(color(runs.values[run]), runs.starts[run], runs.starts[run] + runs.lengths[run]);
  };

  paint((value) => colors[value]);
  const image = await write('combined.png', await encode(frameBytes, width, height, 4));
  paint((value) => (value | 0xff000000) >>> 0);
  const extendedIndexedImage = await write('extended.png', await encode(frameBytes, width, height, 4));
  const black = rgba('#000000');
  paint((value) => (value === 0 ? black : 0));
  const unlabeled = await write('unlabeled.png', await encode(frameBytes, width, height, 4));

  let indexedPixels: Buffer | Uint16Array = values;
  if (maxIndex <= 255) {
    indexedPixels = Buffer.alloc(size);
    for (let run = 0; run < runs.count; run++) indexedPixels.fill(runs.values[run], runs.starts[run], runs.starts[run] + runs.lengths[run]);
  }
  const indexedImage = await write('indexed.png', await encode(indexedPixels, width, height, 1));

  frame.fill(0);
  const labeled = new Map<number, string>();
  for (const entry of mask.indexes) {
    const { index } = entry;
    const paintRuns = (color: number) => {
      for (let position = runsPerIndex[index]; position < runsPerIndex[index + 1]; position++) {
        const run = byIndex[position];
        frame.fill(color, runs.starts[run], runs.starts[run] + runs.lengths[run]);
      }
    };
    paintRuns(colors[index]);
    labeled.set(index, await write(`${fileStem(entry)}.png`, await encode(frameBytes, width, height, 4)));
    paintRuns(0);
  }
  const pixelCounts = new Map(mask.indexes.map((entry) => [entry.index, counts[entry.index]]));
  return { unlabeled, combined: { image, indexedImage, extendedIndexedImage }, labeled, pixelCounts };
}
