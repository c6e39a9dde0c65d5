import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { StoredTask } from '../repositories/task.repository.ts';
import { LabelRegistry, attachmentOf, imageFileName, imageTasksOf } from './geometry.ts';
import { writeWithBackpressure } from './sinks.ts';
import { PIECE_CHARS, emptyStats, type ExporterOptions, type StreamExporter } from './types.ts';

/**
 * COCO object detection JSON: one image per image task (`file_name` `<task id><ext>`, `coco_url` the
 * attachment, `width`/`height` when known, `tagwright_task_id`), one annotation per box, polygon or
 * ellipse (`bbox` [x, y, width, height] in pixels, polygons also as `segmentation`), and the
 * categories, numbered from 1 in the order the tasks declare their labels.
 *
 * Streamed in one pass with flat memory: the annotations are written as the tasks are read, the
 * images list waits in a temporary file and follows them, and the categories (one per distinct
 * label) close the object. JSON readers do not depend on key order.
 */
export function cocoExporter(options: ExporterOptions = {}): StreamExporter {
  const stats = emptyStats();
  return {
    kind: 'stream',
    contentType: 'application/json; charset=utf-8',
    extension: 'json',
    stats,
    async *write(pages: AsyncIterable<StoredTask[]>) {
      const dir = await fs.promises.mkdtemp(path.join(options.tempDir ?? os.tmpdir(), 'tagwright-coco-'));
      const imagesFile = path.join(dir, 'images.json');
      const images = fs.createWriteStream(imagesFile);
      try {
        const info = { description: 'Tagwright task export', version: '1.0', contributor: 'Tagwright', date_created: new Date().toISOString() };
        yield `{"info":${JSON.stringify(info)},"licenses":[],"annotations":[`;
        const labels = new LabelRegistry();
        let imageId = 0;
        let annotationId = 0;
        for await (const page of pages) {
          let annotationsText = '';
          let imagesText = '';
          for await (const { task, size, objects } of imageTasksOf(page, stats, labels, options.imageSize, options.results)) {
            imageId += 1;
            const image = { id: imageId, file_name: imageFileName(task), coco_url: attachmentOf(task), ...size, tagwright_task_id: task.id };
            imagesText += (imageId === 1 ? '' : ',') + JSON.stringify(image);
            if (imagesText.length >= PIECE_CHARS) {
              await writeWithBackpressure(images, imagesText);
              imagesText = '';
            }
            for (const object of objects) {
              annotationId += 1;
              const annotation = {
                id: annotationId,
                image_id: imageId,
                category_id: labels.index(object.label) + 1,
                bbox: [object.x, object.y, object.width, object.height],
                area: object.area,
                iscrowd: 0,
                segmentation: object.rle ?? (object.polygon ? [object.polygon] : []),
              };
              annotationsText += (annotationId === 1 ? '' : ',') + JSON.stringify(annotation);
            }
            if (annotationsText.length >= PIECE_CHARS) {
              yield annotationsText;
              annotationsText = '';
            }
          }
          stats.annotations = annotationId;
          if (imagesText !== '') await writeWithBackpressure(images, imagesText);
          if (annotationsText !== '') yield annotationsText;
        }
        await new Promise<void>((resolve, reject) => images.end((error?: Error | null) => (error ? reject(error) : resolve())));
        yield '],"images":[';
        for await (const chunk of fs.createReadStream(imagesFile)) yield chunk as Buffer;
        const categories = labels.entries.map((entry, index) => ({ id: index + 1, name: entry.name, supercategory: entry.parent ?? '' }));
        yield `],"categories":${JSON.stringify(categories)}}\n`;
      } finally {
        images.destroy();
        await fs.promises.rm(dir, { recursive: true, force: true });
      }
    },
  };
}
