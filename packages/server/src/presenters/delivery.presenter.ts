import type { DeliveryAttemptRow, OutboxRow } from '../repositories/outbox.repository.ts';
import type { AttemptList } from '../services/callback.service.ts';
import { toIso } from '../domain/time.ts';

/**
 * One logged callback attempt. `succeeded` is true for a 2xx answer or an accepted email; optional
 * fields are omitted when unset.
 */
export function presentDeliveryAttempt(attempt: DeliveryAttemptRow): Record<string, unknown> {
  const succeeded = attempt.status_code !== null ? attempt.status_code >= 200 && attempt.status_code < 300 : attempt.error === null;
  const wire: Record<string, unknown> = {
    id: attempt.id,
    delivery_id: attempt.outbox_id,
    attempt: attempt.attempt,
    event: attempt.event,
    target: attempt.target,
    attempted_at: toIso(attempt.attempted_at),
    duration_ms: attempt.duration_ms,
    succeeded,
  };
  if (attempt.status_code !== null) wire.status_code = attempt.status_code;
  if (attempt.error !== null) wire.error = attempt.error;
  if (attempt.response_body !== null) wire.response_body = attempt.response_body;
  return wire;
}

/** A page of the delivery log: `next_token` is null on the last page. */
export function presentAttemptList(list: AttemptList): Record<string, unknown> {
  return { attempts: list.attempts.map(presentDeliveryAttempt), next_token: list.nextToken ?? null };
}

/** A queued delivery (outbox row): its state and when it is next due. */
export function presentQueuedDelivery(row: OutboxRow): Record<string, unknown> {
  const wire: Record<string, unknown> = {
    id: row.id,
    event: row.event,
    target: row.target,
    state: row.state,
    attempts: row.attempts,
    next_attempt_at: toIso(row.next_attempt_at),
    created_at: toIso(row.created_at),
  };
  if (row.finished_at !== null) wire.finished_at = toIso(row.finished_at);
  return wire;
}
