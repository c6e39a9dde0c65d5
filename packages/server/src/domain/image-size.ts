/** An image's size in pixels. */
export interface ImageSize {
  width: number;
  height: number;
}

function positiveNumber(value: unknown): number | undefined {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) && number > 0 ? number : undefined;
}

/**
 * The image size a task's metadata states (`width`/`height`, or `image_width`/`image_height`;
 * numbers or numeric strings), as the exporters read it (docs/import-export.md); undefined when it
 * states none. The server does not download attachments, so this is the only size it knows.
 */
export function statedImageSize(metadata: Record<string, unknown>): ImageSize | undefined {
  const width = positiveNumber(metadata.width) ?? positiveNumber(metadata.image_width);
  const height = positiveNumber(metadata.height) ?? positiveNumber(metadata.image_height);
  return width !== undefined && height !== undefined ? { width, height } : undefined;
}
