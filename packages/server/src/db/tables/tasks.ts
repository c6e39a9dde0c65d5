import type { Environment } from './projects_batches.ts';

/** Row types of the tasks migration. Times are epoch milliseconds; JSON is stored as text. */
export type TaskStatus = 'pending' | 'completed' | 'canceled' | 'error';

/**
 * Finer internal state behind the wire status (contract 5.3): `queued` and `in_progress` are both
 * `pending` on the wire. The workbench issue may add states; the wire carries only TaskStatus.
 * The work queue (docs/work-queue.md) uses `review` for "waiting for a reviewer" and `reviewing`
 * for "a reviewer holds a lease on it".
 */
export type WorkState = 'queued' | 'in_progress' | 'review' | 'reviewing' | 'completed' | 'canceled' | 'error';

export interface TasksTable {
  id: string;
  account_id: string;
  environment: Environment;
  project_id: string;
  batch_id: string | null;
  type: string;
  status: TaskStatus;
  work_state: WorkState;
  instruction: string | null;
  /** JSON object: type-specific inputs, stored exactly as sent (after inheritance). */
  params: string;
  callback_url: string | null;
  callback_succeeded: number | null;
  /** JSON object, when completed or error. */
  response: string | null;
  /** JSON object. */
  metadata: string;
  unique_id: string | null;
  /** JSON array of strings; null means the task has never had tags (no `tags` key on the wire). */
  tags: string | null;
  priority: number | null;
  project_param_version: number | null;
  customer_review_status: string | null;
  /** JSON array of strings. */
  customer_review_comments: string | null;
  /** JSON array of responses, oldest first. */
  prior_responses: string | null;
  /** JSON array of audit entries (contract 5.5). */
  audits: string | null;
  created_at: number;
  updated_at: number;
  completed_at: number | null;
}

export interface TaskTagsTable {
  task_id: string;
  tag: string;
}

export interface IdempotencyKeysTable {
  account_id: string;
  environment: Environment;
  idempotency_key: string;
  task_id: string;
  created_at: number;
}

export interface TaskTables {
  tasks: TasksTable;
  task_tags: TaskTagsTable;
  idempotency_keys: IdempotencyKeysTable;
}
