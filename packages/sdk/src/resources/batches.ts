/** v1 batches: create, retrieve, status, finalize, metadata, list and prioritize. Batches are addressed by name. */
import { OffsetPage, PagePromise } from '../core/pagination.ts';
import { pathSegment, type RequestOptions, type Transport } from '../core/transport.ts';
import type { Batch, BatchStatus, BatchStatusCounts, JsonObject, TaskPriority, Timestamp } from '../types.ts';

export interface BatchCreateParams {
  /** Name of the project the batch belongs to. */
  project: string;
  batchName: string;
  /** URL or email notified when the batch completes. */
  callback?: string;
  calibrationBatch?: boolean;
  selfLabelBatch?: boolean;
  metadata?: JsonObject;
}

/** Filters of `GET batches`, named as the Python SDK's `get_batches` keywords. */
export interface BatchListParams {
  projectName?: string;
  batchStatus?: BatchStatus;
  createdAfter?: Timestamp;
  createdBefore?: Timestamp;
  excludeArchived?: boolean;
  /** Adds the task counts by status to each batch. */
  detailed?: boolean;
  /** Page size, 1 to 100 (server default 100). */
  limit?: number;
  /** Start after this many batches. */
  offset?: number;
}

/** One page of `GET batches`: `docs`, `totalDocs`, `hasMore`; iterate it for every batch. */
export class BatchPage extends OffsetPage<Batch> {}

function timestamp(value: Timestamp | undefined): string | undefined {
  return value instanceof Date ? value.toISOString() : value;
}

function batchPath(name: string, action?: string): string {
  return `batches/${pathSegment(name)}${action ? `/${action}` : ''}`;
}

export class Batches {
  constructor(private readonly transport: Transport) {}

  /** Creates a batch; `ScaleDuplicateResource` if the name is taken. */
  create(params: BatchCreateParams, options?: RequestOptions): Promise<Batch> {
    // All six fields are sent, defaults included, as the Python SDK sends them (contract 4.2).
    const body = {
      project: params.project,
      name: params.batchName,
      callback: params.callback ?? '',
      calibration_batch: params.calibrationBatch ?? false,
      self_label_batch: params.selfLabelBatch ?? false,
      metadata: params.metadata ?? {},
    };
    return this.transport.request({
      method: 'POST',
      path: 'batches',
      body,
      options,
      // A retry that collides with the batch its own lost first attempt created gets that batch.
      recoverConflict: () => this.retrieve(params.batchName, { ...options, idempotencyKey: undefined }),
    });
  }

  retrieve(batchName: string, options?: RequestOptions): Promise<Batch> {
    return this.transport.request({ method: 'GET', path: batchPath(batchName), options });
  }

  /** Task counts by status (`pending` and `tasks_pending` spellings both present). */
  status(batchName: string, options?: RequestOptions): Promise<BatchStatusCounts> {
    return this.transport.request({ method: 'GET', path: batchPath(batchName, 'status'), options });
  }

  /** Moves a staging batch to in_progress; on any other batch it changes nothing. */
  finalize(batchName: string, options?: RequestOptions): Promise<Batch> {
    return this.transport.request({ method: 'POST', path: batchPath(batchName, 'finalize'), options });
  }

  /** Replaces the batch's metadata as a whole. */
  setMetadata(batchName: string, metadata: JsonObject, options?: RequestOptions): Promise<Batch> {
    return this.transport.request({ method: 'POST', path: batchPath(batchName, 'setMetadata'), body: metadata, options });
  }

  /** Sets the batch's priority (10, 20 or 30). */
  prioritize(batchName: string, priority: TaskPriority, options?: RequestOptions): Promise<{ result: string }> {
    return this.transport.request({ method: 'POST', path: batchPath(batchName, 'prioritize'), body: { priority }, options });
  }

  /** Lists batches, newest first: await for one page, `for await` for every batch across pages. */
  list(params: BatchListParams = {}, options?: RequestOptions): PagePromise<BatchPage, Batch> {
    const query = {
      project: params.projectName,
      status: params.batchStatus,
      start_time: timestamp(params.createdAfter),
      end_time: timestamp(params.createdBefore),
      exclude_archived: params.excludeArchived,
      detailed: params.detailed,
      limit: params.limit,
      offset: params.offset,
    };
    return new PagePromise(this.transport, { method: 'GET', path: 'batches', query, options }, BatchPage);
  }
}
