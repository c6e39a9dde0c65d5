/**
 * Row types of the work-queue migration (0009): leases, attempts, skips, drafts, per-task pipeline
 * state and labelers' gold scores. Times are epoch milliseconds; JSON is stored as text.
 */
export type WorkKind = 'label' | 'review';

/** Where a leased task lives: a customer task (`tasks`) or a gold task (`quality_tasks`, kind evaluation). */
export type TaskSource = 'task' | 'gold';

/**
 * A time-limited hold of one task by one user for one kind of work. A customer task has at most one
 * lease row at a time (partial unique index on task_id where task_source = 'task'); a gold task has
 * at most one per user.
 */
export interface TaskLeasesTable {
  /** The lease_id the workbench sends back. */
  id: string;
  account_id: string;
  task_id: string;
  task_source: TaskSource;
  user_id: string;
  kind: WorkKind;
  started_at: number;
  expires_at: number;
}

export type AttemptKind = 'label' | 'review' | 'gold';

/** One finished piece of work: a labeler's response, a reviewer's decision, or a gold answer with its score. */
export interface TaskAttemptsTable {
  id: string;
  account_id: string;
  project_id: string;
  /** tasks.id, or quality_tasks.id for gold attempts. */
  task_id: string;
  user_id: string;
  kind: AttemptKind;
  /** The pipeline round (a rejected task starts a new round); 0 for gold. */
  round: number;
  /** 1-based within (task, kind, round); null for gold (many labelers answer one gold task). */
  attempt_no: number | null;
  /** JSON: the submitted (label, gold) or fixed (review) response; null otherwise. */
  response: string | null;
  started_at: number;
  submitted_at: number;
  time_spent_ms: number;
  /** Gold only: agreement with expected_response, 0..1. */
  score: number | null;
  /** Review only: accepted, rejected, fixed or commented. */
  result: string | null;
  /** Review only: the reviewer's comment. */
  comments: string | null;
}

/** A task given back with a reason; the same user is not handed it again during the skip cool-down. */
export interface TaskSkipsTable {
  id: string;
  task_id: string;
  task_source: TaskSource;
  user_id: string;
  kind: WorkKind;
  reason: string;
  skipped_at: number;
}

/** A user's work in progress on a task (replaced on every save, deleted on submit). */
export interface TaskDraftsTable {
  task_id: string;
  user_id: string;
  /** JSON. */
  response: string;
  updated_at: number;
}

/** One part of a user's draft (migration 0017): the JSON at `path` (a JSON pointer) as of the writer's `revision`. */
export interface TaskDraftPartsTable {
  task_id: string;
  user_id: string;
  path: string;
  /** JSON. */
  value: string;
  revision: number;
  updated_at: number;
}

/** Pipeline state of a customer task that has seen work: its round, attempts so far, and the response awaiting review. */
export interface TaskWorkTable {
  task_id: string;
  round: number;
  /** Label attempts submitted in the current round. */
  attempts: number;
  /** JSON: the response a reviewer is asked to judge (work_state review/reviewing); null otherwise. */
  pending_response: string | null;
  /** Why the task is in review: `required` (the task asks for review) or `disagreement` (consensus below threshold). */
  review_reason: string | null;
  /** Consensus agreement of the last finished round, 0..1. */
  agreement: number | null;
  updated_at: number;
}

/** Running gold score of a labeler in a project. */
export interface LabelerQualityTable {
  user_id: string;
  project_id: string;
  account_id: string;
  gold_attempts: number;
  score_sum: number;
  updated_at: number;
}

export interface QueueTables {
  task_leases: TaskLeasesTable;
  task_attempts: TaskAttemptsTable;
  task_skips: TaskSkipsTable;
  task_drafts: TaskDraftsTable;
  task_draft_parts: TaskDraftPartsTable;
  task_work: TaskWorkTable;
  labeler_quality: LabelerQualityTable;
}
