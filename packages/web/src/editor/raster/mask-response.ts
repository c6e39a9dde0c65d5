import { TILE_SIZE, type RasterRecord } from './tiled-raster.ts';
import { assignIndexes, RunWriter, type MaskDraft, type SegmentLabel } from '@tagwright/formats';
import type { SegmentRecord } from './segment.ts';

/** Encodes the raster with output indexes (task-types §3.4) and counts each segment's pixels. */
export function encodeMaskResponse(raster: RasterRecord, labels: readonly SegmentLabel[], segments: readonly SegmentRecord[]): MaskDraft {
  const maxValue = segments.reduce((max, segment) => Math.max(max, segment.value), 0);
  const counts = new Float64Array(maxValue + 1);
  const { outputIndexOf } = assignIndexes(labels, segments);
  const lut = new Uint16Array(maxValue + 1);
  for (const [value, index] of outputIndexOf) lut[value] = index;
  const writer = new RunWriter();
  for (let y = 0; y < raster.height; y++) {
    const tileRow = Math.floor(y / TILE_SIZE);
    const rowStart = (y % TILE_SIZE) * TILE_SIZE;
    for (let column = 0; column < raster.columns; column++) {
      const tile = raster.tiles[tileRow * raster.columns + column];
      const length = Math.min(TILE_SIZE, raster.width - column * TILE_SIZE);
      if (typeof tile === 'number') {
        const value = tile <= maxValue ? tile : 0;
        counts[value] += length;
        writer.push(lut[value], length);
        continue;
      }
      // Runs inside a tile row, so one push per run rather than per pixel.
      let runValue = tile[rowStart];
      let runLength = 0;
      for (let x = 0; x < length; x++) {
        const value = tile[rowStart + x];
        if (value === runValue) {
          runLength++;
          continue;
        }
        const safe = runValue <= maxValue ? runValue : 0;
        counts[safe] += runLength;
        writer.push(lut[safe], runLength);
        runValue = value;
        runLength = 1;
      }
      const safe = runValue <= maxValue ? runValue : 0;
      counts[safe] += runLength;
      writer.push(lut[safe], runLength);
    }
  }
  const pixelCounts = new Map(segments.map((segment) => [segment.value, counts[segment.value]]));
  const { labelMapping } = assignIndexes(labels, segments, pixelCounts);
  return { labelMapping, mask: { width: raster.width, height: raster.height, rle: writer.finish() } };
}
