/**
 * Tagwright's streamed task exports (`GET /app/api/exports/tasks`, docs/import-export.md): one file
 * (JSONL, CSV, COCO, video frames as JSONL) or a tar of a folder (YOLO, Pascal VOC, masks, MOT).
 * Tagwright only; Scale has no such endpoint.
 */
import type { RawAnswer, RequestOptions, Transport } from '../core/transport.ts';
import type { TaskStatus } from '../types.ts';
import { timestamp, type TaskFilters } from './tasks.ts';

/** The formats of this SDK's release; a newer server may offer more, which `format` also accepts. */
export const EXPORT_FORMATS = ['jsonl', 'csv', 'coco', 'yolo', 'voc', 'masks', 'mot', 'video-frames'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number] | (string & {});

/** The task list's filters (`GET tasks`), except that `status` may also be `any`. */
export interface TaskExportParams
  extends Pick<TaskFilters, 'projectName' | 'batchName' | 'taskType' | 'reviewStatus' | 'tags' | 'createdAfter' | 'createdBefore' | 'completedAfter' | 'completedBefore' | 'updatedAfter' | 'updatedBefore'> {
  format: ExportFormat;
  /** Default `completed`; `any` exports every status. */
  status?: TaskStatus | 'any';
  /** `WIDTHxHEIGHT` for images whose metadata has no size (YOLO needs one to normalise). */
  imageSize?: string;
}

/** An export whose body has not been read yet. */
export interface TaskExport {
  /** Tasks that matched when the export started (`X-Total-Tasks`). */
  total: number;
  /** The file name the server suggests (`tasks-2026-12-07.jsonl`, `tasks-2026-12-07-yolo.tar`). */
  filename: string;
  /** `application/x-tar` for the folder formats. */
  contentType: string;
  /** The file's bytes as the server writes them; read it once (a web ReadableStream, async-iterable in Node). */
  body: ReadableStream<Uint8Array>;
}

export class Exports {
  constructor(private readonly transport: Transport) {}

  /**
   * Starts an export of the key's environment and resolves once the server has checked the
   * filters (a bad one rejects with ScaleInvalidRequest before any byte is sent).
   */
  async tasks(params: TaskExportParams, options?: RequestOptions): Promise<TaskExport> {
    const reviewStatus = params.reviewStatus === undefined ? undefined : ([] as string[]).concat(params.reviewStatus).join(',');
    const answer = await this.transport.request<RawAnswer>({
      method: 'GET',
      api: 'app',
      path: '/app/api/exports/tasks',
      raw: true,
      query: {
        format: params.format,
        project: params.projectName,
        batch: params.batchName,
        status: params.status,
        type: params.taskType,
        created_after: timestamp(params.createdAfter),
        created_before: timestamp(params.createdBefore),
        completed_after: timestamp(params.completedAfter),
        completed_before: timestamp(params.completedBefore),
        updated_after: timestamp(params.updatedAfter),
        updated_before: timestamp(params.updatedBefore),
        customer_review_status: reviewStatus,
        tags: params.tags,
        image_size: params.imageSize,
      },
      options,
    });
    const disposition = answer.headers.get('content-disposition') ?? '';
    return {
      total: Number(answer.headers.get('x-total-tasks') ?? 0),
      filename: /filename="([^"]+)"/.exec(disposition)?.[1] ?? `tasks-${params.format}`,
      contentType: answer.headers.get('content-type') ?? 'application/octet-stream',
      body: answer.body,
    };
  }
}
