import { isPlainObject } from '../../domain/lenient.ts';
import { segmentLabels } from '@tagwright/formats';
import type { Task } from '../../repositories/task.repository.ts';
import type { ExportRow, ExportRows, ResultReader } from '../types.ts';
import { areaAndBox, cocoRlesOf } from './coco-rle.ts';
import { loadSharp } from './load-sharp.ts';

/** The index raster of a rendered response, read back from its PNG (extendedIndexedImage when present: exact for any index). */
async function indexRaster(combined: Record<string, unknown>, results: ResultReader): Promise<{ width: number; height: number; values: Uint32Array } | undefined> {
  const extended = typeof combined.extendedIndexedImage === 'string' ? await results(combined.extendedIndexedImage) : undefined;
  const png = extended ?? (typeof combined.indexedImage === 'string' ? await results(combined.indexedImage) : undefined);
  if (!png) return undefined;
  const sharp = await loadSharp();
  if (extended) {
    const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const values = new Uint32Array(info.width * info.height);
    for (let offset = 0; offset < values.length; offset++) values[offset] = data[offset * 4] + 256 * data[offset * 4 + 1] + 65536 * data[offset * 4 + 2];
    return { width: info.width, height: info.height, values };
  }
  const { data, info } = await sharp(png).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, values: Uint32Array.from(data) };
}

/**
 * A completed segmentation task as export rows: one mask per labelMapping index (a label, or one
 * instance), as COCO RLE with its area and bounding box; instance attributes come along. Read from
 * the response's own PNGs, so the export is exactly what the customer's URLs serve.
 */
export async function segmentationExportRows(task: Task, results: ResultReader): Promise<ExportRows> {
  const labels = segmentLabels(task.params.labels, task.params.instance_labels).map((label) => ({ name: label.value }));
  const response = task.response;
  const mapping = isPlainObject(response) ? response.labelMapping : undefined;
  const combined = isPlainObject(response) && isPlainObject(response.annotations) ? response.annotations.combined : undefined;
  if (!isPlainObject(mapping) || !isPlainObject(combined)) return { labels, rows: [], unreadable: 0 };
  const entries: Array<{ label: string; index: number; attributes?: Record<string, unknown> }> = [];
  for (const [label, value] of Object.entries(mapping)) {
    for (const entry of Array.isArray(value) ? value : [value]) {
      if (isPlainObject(entry) && typeof entry.index === 'number') {
        entries.push({ label, index: entry.index, attributes: isPlainObject(entry.attributes) ? entry.attributes : undefined });
      }
    }
  }
  const raster = await indexRaster(combined, results);
  if (!raster) return { labels, rows: [], unreadable: entries.length };
  const rles = cocoRlesOf(raster.width, raster.height, raster.values, entries.map((entry) => entry.index));
  const image = typeof task.params.attachment === 'string' ? task.params.attachment : '';
  const rows: ExportRow[] = [];
  for (const entry of entries) {
    const { area, bbox } = areaAndBox(raster.width, raster.height, raster.values, entry.index);
    if (area === 0) continue;
    const row: ExportRow = { image, label: entry.label, geometry: { kind: 'mask', rle: rles.get(entry.index)!, area, bbox } };
    if (entry.attributes) row.attributes = entry.attributes;
    rows.push(row);
  }
  return { labels, rows, unreadable: 0, raster: { width: raster.width, height: raster.height } };
}
