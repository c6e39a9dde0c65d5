/**
 * Shapes of the dashboard part of the app API (docs/app-api.md, Dashboard). Times are ISO 8601.
 * Keep in step with the server's presenters/dashboard.presenter.ts and the doc.
 */
import type { UserRole } from './types.ts';

export type TaskStatus = 'pending' | 'completed' | 'canceled' | 'error';
export type WorkState = 'queued' | 'in_progress' | 'review' | 'reviewing' | 'completed' | 'canceled' | 'error';

/** Task counts by wire status, and their sum. */
export interface StatusCounts {
  pending: number;
  completed: number;
  error: number;
  canceled: number;
  total: number;
}

export interface ProjectProgress {
  id: string;
  name: string;
  type: string;
  created_at: string;
  archived: boolean;
  counts: StatusCounts;
  pipeline?: string;
  consensus_attempts?: number;
  studio?: boolean;
}

export interface BatchProgress {
  id: string;
  name: string;
  project: string;
  status: string;
  created_at: string;
  counts: StatusCounts;
  completed_at?: string;
  priority?: number;
  callback?: string;
}

export interface BatchPage {
  batches: BatchProgress[];
  total: number;
  limit: number;
  offset: number;
  has_more: boolean;
}

export type ThroughputBucket = 'hour' | 'day';

export interface Throughput {
  bucket: ThroughputBucket;
  start_time: string;
  end_time: string;
  points: Array<{ start: string; completed: number }>;
}

export interface ThroughputQuery {
  bucket?: ThroughputBucket;
  project?: string;
  start_time?: string;
  end_time?: string;
  tz_offset_minutes?: number;
}

/** A row of the task browser (no params or response). */
export interface TaskSummary {
  task_id: string;
  type: string;
  status: TaskStatus;
  work_state: WorkState;
  project: string;
  batch?: string;
  unique_id?: string;
  priority?: number;
  customer_review_status?: string;
  created_at: string;
  updated_at: string;
  completed_at?: string;
}

export interface TaskBrowserQuery {
  project?: string;
  batch?: string;
  status?: TaskStatus;
  work_state?: WorkState[];
  /** A task id, or a unique_id (or its beginning). */
  q?: string;
  limit?: number;
  next_token?: string;
}

export interface TaskBrowserPage {
  tasks: TaskSummary[];
  next_token: string | null;
}

export interface AuditEntry {
  audit_result: string;
  audited_by: string;
  audited_at: string;
  audit_time_secs: number;
  audit_source: string;
  comments?: string;
}

/** The v1 task object (contract 5.1) with the internal work state and browser-loadable attachment links. */
export interface FullTask {
  task_id: string;
  type: string;
  status: TaskStatus;
  work_state: WorkState;
  project: string;
  batch?: string;
  created_at: string;
  updated_at: string;
  completed_at?: string;
  instruction?: string;
  params: Record<string, unknown>;
  callback_url?: string;
  callback_succeeded?: boolean;
  response?: unknown;
  metadata: Record<string, unknown>;
  unique_id?: string;
  tags?: string[];
  priority?: number;
  customer_review_status?: string;
  customer_review_comments?: string[];
  prior_responses?: unknown[];
  audits?: AuditEntry[];
  attachment_url?: string;
  attachment_urls?: string[];
}

export interface Attempt {
  id: string;
  kind: 'label' | 'review' | 'gold';
  user_id: string;
  email?: string;
  round: number;
  attempt_no?: number;
  started_at: string;
  submitted_at: string;
  time_spent_secs: number;
  response?: unknown;
  score?: number;
  result?: string;
  comments?: string;
}

export interface TaskDetail {
  task: FullTask;
  /** What a fix starts from when it is not `task.response` (a completed chat task's stored `{threads}`). */
  editable_response?: unknown;
  attempts: Attempt[];
  work?: { round: number; attempts: number; review_reason?: string; agreement?: number };
  lease?: { user_id: string; email?: string; kind: string; started_at: string; expires_at: string };
}

export type AuditResult = 'accepted' | 'rejected' | 'fixed' | 'commented';

export interface AuditRequest {
  result: AuditResult;
  comments?: string;
  /** Required for `fixed`. */
  response?: unknown;
  /** Seconds from opening the task (or the last decision on it) to this one: the entry's `audit_time_secs`. */
  time_spent_secs?: number;
}

export interface LabelerStats {
  user_id: string;
  email: string;
  role: UserRole;
  tasks_labeled: number;
  reviews_done: number;
  gold_answered: number;
  review_outcomes: Partial<Record<AuditResult, number>>;
  /** The customer's audits of tasks they labeled, per result. */
  customer_audits: Partial<Record<AuditResult, number>>;
  mean_label_secs?: number;
  mean_review_secs?: number;
  gold_accuracy?: number;
  agreement?: number;
  agreement_tasks?: number;
}

export interface DeliveryAttempt {
  id: string;
  delivery_id: string;
  attempt: number;
  event: string;
  target: string;
  attempted_at: string;
  duration_ms: number;
  succeeded: boolean;
  status_code?: number;
  error?: string;
  response_body?: string;
}

export interface DeliveryLog {
  attempts: DeliveryAttempt[];
  next_token: string | null;
}

export interface QueuedDelivery {
  id: string;
  event: string;
  target: string;
  state: string;
  attempts: number;
  next_attempt_at: string;
  created_at: string;
  finished_at?: string;
}

export interface Teammate {
  id: string;
  email: string;
  role: UserRole;
  signed_up: boolean;
  created_at: string;
  first_name?: string;
  last_name?: string;
  invite_expires_at?: string;
  /** While a password-reset link issued by an admin is open (teammates who have signed up). */
  password_reset_expires_at?: string;
  /** While the teammate is locked out after repeated failed sign-ins. */
  locked_until?: string;
}

export interface Invitation {
  email: string;
  role: UserRole;
  token: string;
  /** `/ui/#/accept-invite?token=…`, relative to the server's origin. */
  invite_path: string;
  /** The full accept link under the server's public URL (TAGWRIGHT_PUBLIC_URL). */
  invite_url?: string;
  expires_at: string;
  /** Set for a password-reset link (the teammate has signed up before). */
  purpose?: 'password_reset';
}

export interface TeamResponse {
  teammates: Teammate[];
  invitations?: Invitation[];
}

export interface ApiKey {
  id: string;
  hint: string;
  environment: 'live' | 'test';
  created_at: string;
  label?: string;
  revoked_at?: string;
}
