import type { Batch } from '../../repositories/batch.repository.ts';
import type { V2Expansion } from '../../services/v2-references.ts';
import { toIso } from '../../domain/time.ts';
import { presentProjectRef } from './project.presenter.ts';

/**
 * The v2 Batch (contract 9.3): `id`, `name`, `project` (id, or Project when expanded), `created_at`,
 * `status` (with `cancelled`, two l's) and `metadata` always; `completed_at` and `callback` when set.
 */
export function presentV2Batch(batch: Batch, expansion: V2Expansion = {}): Record<string, unknown> {
  const wire: Record<string, unknown> = {
    id: batch.id,
    name: batch.name,
    project: presentProjectRef(batch.project_id, expansion.projects),
    created_at: toIso(batch.created_at),
    status: batch.status,
    metadata: batch.metadata,
  };
  if (batch.completed_at !== null) wire.completed_at = toIso(batch.completed_at);
  if (batch.callback) wire.callback = batch.callback;
  return wire;
}

/** `{batches, next_token?}`: `next_token` is absent on the last page, never "" (contract 6.3). */
export function presentV2BatchPage(batches: readonly Batch[], nextToken: string | undefined, expansion: V2Expansion): Record<string, unknown> {
  const wire: Record<string, unknown> = { batches: batches.map((batch) => presentV2Batch(batch, expansion)) };
  if (nextToken) wire.next_token = nextToken;
  return wire;
}

/** The answer of pause, resume and cancel: the updated batch and what happened. */
export function presentBatchOperation(batch: Batch, message: string): Record<string, unknown> {
  return { batch: presentV2Batch(batch), message };
}
