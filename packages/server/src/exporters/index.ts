import { cocoExporter } from './coco.ts';
import { csvExporter } from './csv.ts';
import { jsonlExporter } from './jsonl.ts';
import { vocExporter } from './voc.ts';
import { masksExporter } from './masks.ts';
import { yoloExporter } from './yolo.ts';
import { motExporter, videoFramesExporter } from './video.ts';
import { chatTrainingExporter } from './chat.ts';
import type { ExportFormat, Exporter, ExporterOptions } from './types.ts';

export { EXPORT_FORMATS } from './types.ts';
export type { ExportEntry, ExportFormat, ExportStats, Exporter, ExporterOptions, FileSetExporter, StreamExporter } from './types.ts';

/** The writer of one export format. */
export function createExporter(format: ExportFormat, options: ExporterOptions = {}): Exporter {
  switch (format) {
    case 'jsonl':
      return jsonlExporter();
    case 'csv':
      return csvExporter();
    case 'coco':
      return cocoExporter(options);
    case 'yolo':
      return yoloExporter(options);
    case 'yolo-obb':
      return yoloExporter(options, true);
    case 'voc':
      return vocExporter(options);
    case 'masks':
      return masksExporter(options);
    case 'mot':
      return motExporter(options);
    case 'video-frames':
      return videoFramesExporter(options);
    case 'chat-preference':
    case 'chat-sft':
      return chatTrainingExporter(format, options.conversations);
  }
}
