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

/**
 * Renders Scale's segmentation PNGs (task-types §3.3) and hands each to `write`: combined (RGBA in
 * label colours), indexed (8-bit grey, 16-bit past 255 indexes), extended (index in R + 256·G +
 * 65536·B, alpha 255), unlabeled (opaque black where no label), and one RGBA mask per index.
 *
 * Memory stays flat in the number of indexes: one RGBA frame is reused for every per-index mask,
 * and only the index's bounding box is painted and cleared each time.
 */
export async function renderMaskPngs(mask: DecodedMask, write: PngSink, fileStem: (entry: MaskIndex) => string): Promise<RenderedMask> {
  const { width, height, values } = mask;
  const size = width * height;
  const maxIndex = mask.indexes.reduce((max, entry) => Math.max(max, entry.index), 0);
  const counts = new Float64Array(maxIndex + 1);
  const left = new Int32Array(maxIndex + 1).fill(width);
  const right = new Int32Array(maxIndex + 1).fill(-1);
  const top = new Int32Array(maxIndex + 1).fill(height);
  const bottom = new Int32Array(maxIndex + 1).fill(-1);
  for (let y = 0, offset = 0; y < height; y++) {
    for (let x = 0; x < width; x++, offset++) {
      const index = values[offset];
      counts[index]++;
      if (x < left[index]) left[index] = x;
      if (x > right[index]) right[index] = x;
      if (y < top[index]) top[index] = y;
      bottom[index] = y;
    }
  }
  const colors = new Uint32Array(maxIndex + 1);
  for (const entry of mask.indexes) colors[entry.index] = rgba(entry.color);

  const frameBytes = Buffer.alloc(size * 4);
  const frame = new Uint32Array(frameBytes.buffer, frameBytes.byteOffset, size);

  for (let offset = 0; offset < size; offset++) frame[offset] = colors[values[offset]];
  const image = await write('combined.png', await encode(frameBytes, width, height, 4));

  for (let offset = 0; offset < size; offset++) frame[offset] = (values[offset] | 0xff000000) >>> 0;
  const extendedIndexedImage = await write('extended.png', await encode(frameBytes, width, height, 4));

  const black = rgba('#000000');
  for (let offset = 0; offset < size; offset++) frame[offset] = values[offset] === 0 ? black : 0;
  const unlabeled = await write('unlabeled.png', await encode(frameBytes, width, height, 4));

  const indexedImage = await write('indexed.png', maxIndex > 255 ? await encode(values, width, height, 1) : await encode(Buffer.from(values), width, height, 1));

  frame.fill(0);
  const labeled = new Map<number, string>();
  for (const entry of mask.indexes) {
    const { index } = entry;
    const color = colors[index];
    for (let y = top[index]; y <= bottom[index]; y++) {
      for (let offset = y * width + left[index], end = y * width + right[index]; offset <= end; offset++) if (values[offset] === index) frame[offset] = color;
    }
    labeled.set(index, await write(`${fileStem(entry)}.png`, await encode(frameBytes, width, height, 4)));
    for (let y = top[index]; y <= bottom[index]; y++) frame.fill(0, y * width + left[index], y * width + right[index] + 1);
  }
  const pixelCounts = new Map(mask.indexes.map((entry) => [entry.index, counts[entry.index]]));
  return { unlabeled, combined: { image, indexedImage, extendedIndexedImage }, labeled, pixelCounts };
}
