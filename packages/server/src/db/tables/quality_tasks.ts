import type { Generated } from 'kysely';
import type { Environment } from './projects_batches.ts';
import type { TaskStatus } from './tasks.ts';

/** Row types of the quality-tasks migration (0007). Times are epoch milliseconds; JSON is stored as text. */
export type QualityTaskKind = 'evaluation' | 'training';

/** Evaluation (gold) and training (onboarding) tasks, contract 4.5; never listed by `GET tasks`. */
export interface QualityTasksTable {
  id: string;
  account_id: string;
  environment: Environment;
  kind: QualityTaskKind;
  project_id: string;
  batch_id: string | null;
  type: string;
  instruction: string | null;
  /** JSON object: type-specific inputs after inheritance, as for customer tasks. */
  params: string;
  callback_url: string | null;
  /** JSON object. */
  metadata: string;
  unique_id: string | null;
  /** JSON array of strings, or null when none were given. */
  tags: string | null;
  priority: number | null;
  project_param_version: number | null;
  /** JSON value, or null when none was given (training tasks). */
  expected_response: string | null;
  /** JSON value of a review-phase evaluation task's initial response. */
  initial_response: string | null;
  created_at: number;
  updated_at: number;
}

/**
 * Maintained task counters: how many customer tasks each (account, environment, project, batch,
 * type, status) holds, so `GET tasks` totals on the common filters never count rows.
 */
export interface TaskCountsTable {
  account_id: string;
  environment: Environment;
  project_id: string;
  /** The batch id, or '' for tasks outside any batch. */
  batch_key: string;
  type: string;
  status: TaskStatus;
  /** Which of the counter's rows (migration 0011): concurrent writers add to different ones; readers sum them. */
  shard: Generated<number>;
  /** May be negative in one shard (a task counted in one shard can leave its status through another); the sum is the count. */
  n: number;
}

export interface QualityTaskTables {
  quality_tasks: QualityTasksTable;
  task_counts: TaskCountsTable;
}
