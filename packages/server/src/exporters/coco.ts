import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { StoredTask } from '../repositories/task.repository.ts';
import { LabelRegistry, attachmentOf, imageFileName, imageTasksOf } from './geometry.ts';
import { writeWithBackpressure } from './sinks.ts';
import { KeypointCategories, cocoShape, keypointFields, pointsFrame } from './coco-keypoints.ts';
import { PIECE_CHARS, emptyStats, type ExporterOptions, type StreamExporter } from './types.ts';

/**
 * COCO object detection JSON: one image per image task (`file_name` `<task id><ext>`, `coco_url` the
 * attachment, `width`/`height` when known, `tagwright_task_id`), one annotation per box, polygon or
 * ellipse (`bbox` [x, y, width, height] in pixels, polygons also as `segmentation`), and the
 * categories, numbered from 1 in the order the tasks declare their labels. A rotated box is written
 * as CVAT writes one (`bbox` the unrotated box, `attributes.rotation` in degrees clockwise) with its
 * turned corners as `segmentation`; keypoint skeletons in COCO's keypoint form (coco-keypoints.ts).
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
        const skeletons = new KeypointCategories();
        for await (const page of pages) {
          let annotationsText = '';
          let imagesText = '';
          for await (const { task, size, objects, keypoints } of imageTasksOf(page, stats, labels, options.imageSize, options.results)) {
            imageId += 1;
            const image = { id: imageId, file_name: imageFileName(task), coco_url: attachmentOf(task), ...size, tagwright_task_id: task.id };
            imagesText += (imageId === 1 ? '' : ',') + JSON.stringify(image);
            if (imagesText.length >= PIECE_CHARS) {
              await writeWithBackpressure(images, imagesText);
              imagesText = '';
            }
            const linked = new Map(keypoints.flatMap((instance) => (instance.target ? [[instance.target, instance] as const] : [])));
            for (const object of objects) {
              annotationId += 1;
              const instance = object.uuid ? linked.get(object.uuid) : undefined;
              if (instance) linked.delete(object.uuid!);
              const annotation = {
                id: annotationId,
                image_id: imageId,
                category_id: labels.index(object.label) + 1,
                ...cocoShape(object),
                iscrowd: 0,
                ...(instance ? keypointFields(instance, skeletons.get(object.label, instance)) : {}),
              };
              annotationsText += (annotationId === 1 ? '' : ',') + JSON.stringify(annotation);
            }
            // Keypoints linked to no box of the response are annotations of their own, framed by their points.
            for (const instance of keypoints) {
              if (instance.target && !linked.has(instance.target)) continue;
              const fields = keypointFields(instance, skeletons.get(instance.category, instance));
              if (fields.num_keypoints === 0) continue;
              annotationId += 1;
              const bbox = pointsFrame(instance);
              const annotation = { id: annotationId, image_id: imageId, category_id: labels.index(instance.category) + 1, bbox, area: bbox[2] * bbox[3], segmentation: [], iscrowd: 0, ...fields };
              annotationsText += (annotationId === 1 ? '' : ',') + JSON.stringify(annotation);
            }
            stats.skippedShapes -= keypoints.reduce((sum, instance) => sum + instance.points.filter(Boolean).length, 0);
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
        const categories = labels.entries.map((entry, index) => ({ id: index + 1, name: entry.name, supercategory: entry.parent ?? '', ...skeletons.fields(entry.name) }));
        yield `],"categories":${JSON.stringify(categories)}}\n`;
      } finally {
        images.destroy();
        await fs.promises.rm(dir, { recursive: true, force: true });
      }
    },
  };
}
