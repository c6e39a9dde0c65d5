import type { LabelMapping } from '@tagwright/formats';

/** Pixels of a PNG as stored: colour management and premultiplied alpha off, so index values survive. */
async function decodePng(url: string): Promise<{ width: number; height: number; data: Uint8ClampedArray }> {
  const response = await fetch(url, { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`could not load ${url}: HTTP ${response.status}`);
  const bitmap = await createImageBitmap(await response.blob(), { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d', { willReadFrequently: true })!;
  context.drawImage(bitmap, 0, 0);
  const { width, height } = bitmap;
  const { data } = context.getImageData(0, 0, width, height, { colorSpace: 'srgb' });
  // A closed bitmap reports 0×0: read its size first.
  bitmap.close();
  return { width, height, data };
}

/**
 * The index raster of a rendered response or a hypothesis (task-types §3.4 "Hypothesis import"):
 * `extendedIndexedImage` when present (exact for any index, alpha 255), else `indexedImage` (grey,
 * read from the red channel).
 */
export async function loadIndexRaster(combined: { indexedImage?: unknown; extendedIndexedImage?: unknown }): Promise<{ width: number; height: number; values: Uint16Array }> {
  const extended = typeof combined.extendedIndexedImage === 'string' ? combined.extendedIndexedImage : undefined;
  const url = extended ?? (typeof combined.indexedImage === 'string' ? combined.indexedImage : undefined);
  if (!url) throw new Error('the response names no index image');
  const { width, height, data } = await decodePng(url);
  const values = new Uint16Array(width * height);
  for (let offset = 0; offset < values.length; offset++) {
    values[offset] = extended ? data[offset * 4] + 256 * data[offset * 4 + 1] + 65536 * data[offset * 4 + 2] : data[offset * 4];
  }
  return { width, height, values };
}

/** A rendered response or hypothesis: labelMapping plus PNG URLs. */
export function renderedMask(response: unknown): { labelMapping: LabelMapping; combined: Record<string, unknown> } | undefined {
  if (!response || typeof response !== 'object') return undefined;
  const { labelMapping, annotations } = response as { labelMapping?: unknown; annotations?: { combined?: unknown } };
  if (!labelMapping || typeof labelMapping !== 'object' || !annotations?.combined || typeof annotations.combined !== 'object') return undefined;
  return { labelMapping: labelMapping as LabelMapping, combined: annotations.combined as Record<string, unknown> };
}

/** A draft (or a pending consensus response): labelMapping plus the inline mask. */
export function isDraft(response: unknown): response is { labelMapping: LabelMapping; mask: { width: number; height: number; rle: string } } {
  return !!response && typeof response === 'object' && 'mask' in response && 'labelMapping' in response;
}
