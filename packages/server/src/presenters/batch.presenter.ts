import type { Batch, TaskStatusCounts } from '../repositories/batch.repository.ts';
import type { BatchListResult } from '../services/batch.service.ts';
import { toIso } from '../domain/time.ts';

/**
 * The v1 batch object (contract 4.2): `id`, `name`, `project` (name), `status`, `created_at` and
 * `metadata` always; the rest only when set.
 */
export function presentBatch(batch: Batch): Record<string, unknown> {
  const wire: Record<string, unknown> = {
    id: batch.id,
    name: batch.name,
    project: batch.project_name,
    status: batch.status,
    created_at: toIso(batch.created_at),
    metadata: batch.metadata,
  };
  if (batch.callback) wire.callback = batch.callback;
  if (batch.completed_at !== null) wire.completed_at = toIso(batch.completed_at);
  if (batch.calibration_batch) wire.calibration_batch = true;
  if (batch.self_label_batch) wire.self_label_batch = true;
  if (batch.priority !== null) wire.priority = batch.priority;
  if (batch.callback_succeeded !== null) wire.callback_succeeded = batch.callback_succeeded;
  return wire;
}

/** Task counts under both spellings the clients read: `pending` and `tasks_pending`, and so on. */
export function presentCounts(counts: TaskStatusCounts): Record<string, number> {
  return {
    pending: counts.pending,
    completed: counts.completed,
    error: counts.error,
    canceled: counts.canceled,
    tasks_pending: counts.pending,
    tasks_completed: counts.completed,
    tasks_error: counts.error,
    tasks_canceled: counts.canceled,
  };
}

/** `GET batches/{name}/status`: the batch status and its task counts (contract 4.2). */
export function presentBatchStatus(batch: Batch, counts: TaskStatusCounts): Record<string, unknown> {
  return { status: batch.status, ...presentCounts(counts) };
}

/**
 * `GET batches`: `{docs, totalDocs, limit, offset, has_more}` (contract 6.2); with `detailed`, each
 * batch also carries its task counts.
 */
export function presentBatchList(result: BatchListResult): Record<string, unknown> {
  const docs = result.batches.map((batch) => {
    const counts = result.counts?.get(batch.id);
    return counts ? { ...presentBatch(batch), ...presentCounts(counts) } : presentBatch(batch);
  });
  return {
    docs,
    totalDocs: result.total,
    limit: result.limit,
    offset: result.offset,
    has_more: result.offset + docs.length < result.total,
  };
}
