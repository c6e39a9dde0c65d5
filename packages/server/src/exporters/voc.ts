import type { StoredTask } from '../repositories/task.repository.ts';
import { LabelRegistry, attachmentOf, decimal, imageFileName, imageTasksOf } from './geometry.ts';
import { emptyStats, type ExporterOptions, type FileSetExporter } from './types.ts';

/**
 * Pascal VOC: `Annotations/<task id>.xml` per image task with one `<object>` (name, bndbox xmin,
 * ymin, xmax, ymax in pixels, as the response has them) per box, polygon or ellipse;
 * `ImageSets/Main/default.txt` listing the task ids; `labels.txt`. `<filename>` is
 * `<task id><ext>` (save the attachment, in `<path>`, under that name in JPEGImages/); `<size>` is
 * the image size from the task's metadata or `imageSize`, 0 when unknown.
 */
export function vocExporter(options: ExporterOptions = {}): FileSetExporter {
  const stats = emptyStats();
  return {
    kind: 'files',
    stats,
    async *entries(pages: AsyncIterable<StoredTask[]>) {
      const labels = new LabelRegistry();
      for await (const page of pages) {
        let ids = '';
        for await (const { task, size, objects } of imageTasksOf(page, stats, labels, options.imageSize, options.results)) {
          stats.annotations += objects.length;
          const xml = [
            '<annotation>',
            '  <folder>JPEGImages</folder>',
            `  <filename>${escapeXml(imageFileName(task))}</filename>`,
            `  <path>${escapeXml(attachmentOf(task))}</path>`,
            `  <source><database>Tagwright</database><annotation>${escapeXml(task.project_name)}</annotation><image>${task.id}</image></source>`,
            `  <size><width>${size?.width ?? 0}</width><height>${size?.height ?? 0}</height><depth>3</depth></size>`,
            '  <segmented>0</segmented>',
            ...objects.map((object) => {
              labels.index(object.label);
              const box = [object.x, object.y, object.x + object.width, object.y + object.height].map((value) => decimal(value, 2));
              return (
                `  <object><name>${escapeXml(object.label)}</name><pose>Unspecified</pose><truncated>0</truncated><difficult>0</difficult>` +
                `<bndbox><xmin>${box[0]}</xmin><ymin>${box[1]}</ymin><xmax>${box[2]}</xmax><ymax>${box[3]}</ymax></bndbox></object>`
              );
            }),
            '</annotation>',
            '',
          ].join('\n');
          yield { kind: 'file', path: `Annotations/${task.id}.xml`, content: xml };
          ids += `${task.id}\n`;
        }
        if (ids !== '') yield { kind: 'line', path: 'ImageSets/Main/default.txt', content: ids };
      }
      yield { kind: 'file', path: 'labels.txt', content: labels.entries.map((entry) => `${entry.name}\n`).join('') };
    },
  };
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}
