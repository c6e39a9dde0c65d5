/**
 * The index raster as the browser sends it (submit and drafts): row-major runs of
 * `(value, length)`, each number an unsigned LEB128 varint, the bytes base64-encoded. A painted
 * 12-megapixel mask is tens of kilobytes this way, against 12 MB as raw bytes (and 48 MB as RGBA).
 */
export interface EncodedMask {
  width: number;
  height: number;
  /** base64 of the varint runs. */
  rle: string;
}

/** Collects runs into varint bytes. */
export class RunWriter {
  private bytes = new Uint8Array(1024);
  private length = 0;
  private value = -1;
  private run = 0;

  /** Appends `count` pixels of `value`. */
  push(value: number, count: number): void {
    if (count <= 0) return;
    if (value === this.value) {
      this.run += count;
      return;
    }
    this.flush();
    this.value = value;
    this.run = count;
  }

  private flush(): void {
    if (this.run === 0) return;
    this.varint(this.value);
    this.varint(this.run);
  }

  private varint(number: number): void {
    if (this.length + 10 > this.bytes.length) {
      const grown = new Uint8Array(this.bytes.length * 2);
      grown.set(this.bytes);
      this.bytes = grown;
    }
    while (number >= 0x80) {
      this.bytes[this.length++] = (number % 0x80) | 0x80;
      number = Math.floor(number / 0x80);
    }
    this.bytes[this.length++] = number;
  }

  /** The runs as base64. */
  finish(): string {
    this.flush();
    this.run = 0;
    return toBase64(this.bytes.subarray(0, this.length));
  }
}

/** Encodes a row-major array of values. */
export function encodeIndexRle(width: number, height: number, values: ArrayLike<number>): EncodedMask {
  const writer = new RunWriter();
  for (let index = 0; index < width * height; index++) writer.push(values[index], 1);
  return { width, height, rle: writer.finish() };
}

/** Why an encoded mask cannot be decoded; the message names what is wrong. */
export class MaskDecodeError extends Error {}

/**
 * Decodes runs into a row-major array, checking that they cover exactly width × height pixels and
 * that no value exceeds `maxValue`. Throws MaskDecodeError with the first problem found.
 */
export function decodeIndexRle(mask: EncodedMask, maxValue = 0xffff): Uint16Array {
  const total = mask.width * mask.height;
  const out = new Uint16Array(total);
  const bytes = fromBase64(mask.rle);
  let position = 0;
  let offset = 0;
  const varint = (): number => {
    let result = 0;
    let scale = 1;
    for (;;) {
      if (offset >= bytes.length) throw new MaskDecodeError('mask.rle ends in the middle of a run');
      const byte = bytes[offset++];
      result += (byte & 0x7f) * scale;
      if (byte < 0x80) return result;
      scale *= 0x80;
      if (scale > 2 ** 35) throw new MaskDecodeError('mask.rle holds a number too large for a run');
    }
  };
  while (offset < bytes.length) {
    const value = varint();
    const run = varint();
    if (value > maxValue) throw new MaskDecodeError(`mask.rle uses index ${value}, which is not in labelMapping (largest index ${maxValue})`);
    if (position + run > total) throw new MaskDecodeError(`mask.rle covers more than the ${mask.width}×${mask.height} pixels of the mask`);
    out.fill(value, position, position + run);
    position += run;
  }
  if (position !== total) throw new MaskDecodeError(`mask.rle covers ${position} pixels, but the mask is ${mask.width}×${mask.height} = ${total}`);
  return out;
}

const CHUNK = 0x8000;

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let index = 0; index < bytes.length; index += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(index, index + CHUNK));
  }
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    throw new MaskDecodeError('mask.rle is not base64');
  }
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index);
  return bytes;
}
