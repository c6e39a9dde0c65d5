import type { Environment } from './projects_batches.ts';

/** Row types of the outbox migration. Times are epoch milliseconds. */
export type OutboxState = 'pending' | 'delivering' | 'succeeded' | 'failed' | 'superseded' | 'skipped';

export interface OutboxTable {
  id: string;
  account_id: string;
  environment: Environment;
  subject_type: 'task' | 'batch';
  subject_id: string;
  /** completed, error, audit, pending (recall), batch_completed. */
  event: string;
  /** URL or email address. */
  target: string;
  /** JSON body to send, built when the event happened. */
  payload: string;
  state: OutboxState;
  /** Attempts made so far. */
  attempts: number;
  next_attempt_at: number;
  /** While a worker holds the row: until when its claim lasts (a crashed worker's claim expires). */
  claimed_until: number | null;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
}

export interface DeliveryAttemptsTable {
  id: string;
  outbox_id: string;
  account_id: string;
  subject_type: 'task' | 'batch';
  subject_id: string;
  event: string;
  target: string;
  attempt: number;
  attempted_at: number;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
  /** Cut to a few KiB. */
  response_body: string | null;
}

export interface OutboxTables {
  outbox: OutboxTable;
  delivery_attempts: DeliveryAttemptsTable;
}
