import type { StoredTask } from '../repositories/task.repository.ts';
import { csvRecord } from '../domain/csv.ts';
import { LabelRegistry, attachmentOf, decimal, imageFileName, imageTasksOf, type ImageObject } from './geometry.ts';
import { emptyStats, type ExporterOptions, type FileSetExporter } from './types.ts';

/**
 * YOLO detection labels: `labels/<task id>.txt` per image task with one `class cx cy w h` line per
 * box, polygon or ellipse (its bounding box clipped to the image, normalised to 0..1 by the image
 * size), `classes.txt` (class names, line n is class n), `data.yaml` (the names for Ultralytics), and
 * `images.csv` mapping each task to its image file name and attachment URL (images are not
 * downloaded). Normalising needs the image size: from the task's metadata, else `imageSize`; a task
 * with neither gets no label file and is counted in `missingSize`. A rotated box is written as the
 * bounding box of its turned corners.
 *
 * With `obb` (format `yolo-obb`), Ultralytics' oriented-box layout instead: one
 * `class x1 y1 x2 y2 x3 y3 x4 y4` line per box, its corners TL, TR, BR, BL (turned, for a rotated
 * box) normalised by the image size; polygons, ellipses and masks have no such form and are skipped.
 */
export function yoloExporter(options: ExporterOptions = {}, obb = false): FileSetExporter {
  const stats = emptyStats();
  return {
    kind: 'files',
    stats,
    async *entries(pages: AsyncIterable<StoredTask[]>) {
      const labels = new LabelRegistry();
      yield { kind: 'line', path: 'images.csv', content: csvRecord(['task_id', 'image_file', 'label_file', 'attachment', 'width', 'height']) };
      for await (const page of pages) {
        let manifest = '';
        for await (const { task, size, objects } of imageTasksOf(page, stats, labels, options.imageSize, options.results)) {
          if (!size) {
            manifest += csvRecord([task.id, imageFileName(task), '', attachmentOf(task), '', '']);
            continue;
          }
          let lines = '';
          for (const object of objects) {
            const values = obb ? obbValues(object, size) : detectionValues(object, size);
            if (!values) {
              stats.skippedShapes += 1;
              continue;
            }
            lines += `${labels.index(object.label)} ${values.map((value) => decimal(value, 6)).join(' ')}\n`;
            stats.annotations += 1;
          }
          const labelFile = `labels/${task.id}.txt`;
          yield { kind: 'file', path: labelFile, content: lines };
          manifest += csvRecord([task.id, imageFileName(task), labelFile, attachmentOf(task), String(size.width), String(size.height)]);
        }
        if (manifest !== '') yield { kind: 'line', path: 'images.csv', content: manifest };
      }
      const names = labels.entries.map((entry) => entry.name);
      yield { kind: 'file', path: 'classes.txt', content: names.map((name) => `${name}\n`).join('') };
      const yaml = [
        `# Written by tagwright export --format ${obb ? 'yolo-obb' : 'yolo'}. Images are not downloaded: save each attachment of`,
        '# images.csv as images/<image_file>; its labels are labels/<task_id>.txt.',
        'path: .',
        'train: images',
        'val: images',
        `nc: ${names.length}`,
        'names:',
        ...names.map((name, index) => `  ${index}: ${JSON.stringify(name)}`),
        '',
      ].join('\n');
      yield { kind: 'file', path: 'data.yaml', content: yaml };
    },
  };
}

type Size = { width: number; height: number };

/** `cx cy w h` of the object's bounding box clipped to the image, normalised; undefined when nothing of it is inside. */
function detectionValues(object: ImageObject, size: Size): number[] | undefined {
  const x0 = Math.max(0, object.x);
  const y0 = Math.max(0, object.y);
  const x1 = Math.min(size.width, object.x + object.width);
  const y1 = Math.min(size.height, object.y + object.height);
  if (x1 <= x0 || y1 <= y0) return undefined;
  return [(x0 + x1) / 2 / size.width, (y0 + y1) / 2 / size.height, (x1 - x0) / size.width, (y1 - y0) / size.height];
}

/** A box's four corners, normalised (not clipped: a turned corner may lie outside); undefined for other shapes or a box wholly outside. */
function obbValues(object: ImageObject, size: Size): number[] | undefined {
  if (object.kind !== 'box' || !detectionValues(object, size)) return undefined;
  const corners = object.rotated?.corners ?? [
    { x: object.x, y: object.y },
    { x: object.x + object.width, y: object.y },
    { x: object.x + object.width, y: object.y + object.height },
    { x: object.x, y: object.y + object.height },
  ];
  return corners.flatMap((corner) => [corner.x / size.width, corner.y / size.height]);
}
