import { labelColorAt } from '@tagwright/formats';
import type { StoredTask } from '../repositories/task.repository.ts';
import { paintCocoRle } from '../families/segmentation/coco-rle.ts';
import { loadSharp } from '../families/segmentation/load-sharp.ts';
import { LabelRegistry, attachmentOf, imageTasksOf } from './geometry.ts';
import { emptyStats, type ExporterOptions, type FileSetExporter } from './types.ts';

/** A grey PNG of one sample per pixel: 8-bit, or 16-bit when the raster is a Uint16Array. */
async function greyPng(pixels: Uint8Array | Uint16Array, width: number, height: number): Promise<Buffer> {
  const sharp = await loadSharp();
  const wide = pixels instanceof Uint16Array;
  // Index masks are mostly long runs: zlib's fastest level already shrinks them to a few percent.
  return sharp(pixels, { raw: { width, height, channels: 1 } })
    .toColourspace(wide ? 'grey16' : 'b-w')
    .png({ compressionLevel: 1, adaptiveFiltering: false })
    .toBuffer();
}

const rgbText = (color: string) => [1, 3, 5].map((at) => parseInt(color.slice(at, at + 2), 16)).join(',');

/**
 * PNG index masks in the folder layout of Pascal VOC segmentation (which CVAT and Datumaro import
 * as "Segmentation mask"), one pair of PNGs per task whose answer is a mask:
 *
 * - `SegmentationClass/<task id>.png`: the class number of each pixel; 0 is unlabeled, class N is
 *   line N of `labelmap.txt` (Cityscapes' `labelIds` encoding). 8-bit grey, 16-bit past 255 classes.
 * - `SegmentationObject/<task id>.png`: the object number of each pixel, 1.. in the order of the
 *   task's labelMapping (one object per label with pixels, one per instance); 0 is unlabeled. 8-bit
 *   grey, 16-bit past 255 objects. An object's class is the class of its pixels.
 * - `ImageSets/Segmentation/default.txt`: the task ids; `attachments.txt`: `<task id> <attachment>`.
 * - `labelmap.txt`: `# label:color_rgb:parts:actions`, then `background:0,0,0::` and one line per
 *   class in the order the tasks declare their labels, coloured as the labels' first colour (§3.4).
 *
 * Masks are read back from each response's own PNGs (its family's export rows), one task in memory
 * at a time, and written as they are read. Tasks whose answer is not a mask are skipped.
 */
export function masksExporter(options: ExporterOptions = {}): FileSetExporter {
  const stats = emptyStats();
  return {
    kind: 'files',
    stats,
    async *entries(pages: AsyncIterable<StoredTask[]>) {
      const labels = new LabelRegistry();
      for await (const page of pages) {
        let ids = '';
        let attachments = '';
        for await (const { task, objects, raster } of imageTasksOf(page, stats, labels, undefined, options.results)) {
          if (!raster) {
            stats.images -= 1;
            stats.skippedTasks += 1;
            stats.skippedShapes += objects.length;
            continue;
          }
          const { width, height } = raster;
          const masks = objects.filter((object) => object.rle);
          stats.skippedShapes += objects.length - masks.length;
          stats.annotations += masks.length;
          // This task's labels are declared by now, so the class count is known before painting.
          const classes = labels.entries.length > 255 ? new Uint16Array(width * height) : new Uint8Array(width * height);
          const instances = masks.length > 255 ? new Uint16Array(width * height) : new Uint8Array(width * height);
          masks.forEach((object, position) => {
            paintCocoRle(object.rle!, classes, labels.index(object.label) + 1);
            paintCocoRle(object.rle!, instances, position + 1);
          });
          yield { kind: 'file', path: `SegmentationClass/${task.id}.png`, content: await greyPng(classes, width, height) };
          yield { kind: 'file', path: `SegmentationObject/${task.id}.png`, content: await greyPng(instances, width, height) };
          ids += `${task.id}\n`;
          attachments += `${task.id} ${attachmentOf(task)}\n`;
        }
        if (ids !== '') {
          yield { kind: 'line', path: 'ImageSets/Segmentation/default.txt', content: ids };
          yield { kind: 'line', path: 'attachments.txt', content: attachments };
        }
      }
      const lines = labels.entries.map((entry, index) => `${entry.name}:${rgbText(labelColorAt(index))}::\n`);
      yield { kind: 'file', path: 'labelmap.txt', content: ['# label:color_rgb:parts:actions\n', 'background:0,0,0::\n', ...lines].join('') };
    },
  };
}
