/**
 * The app API the workbench calls, under `/app/api` on the Tagwright server. Sessions are cookies
 * set by `POST /app/api/session/login`. Errors use the server's usual body `{status_code, error}`.
 * docs/app-api.md describes every endpoint; keep the two in step.
 */

export type UserRole = 'labeler' | 'member' | 'manager' | 'admin';

export interface SessionUser {
  id: string;
  email: string;
  role: UserRole;
  first_name?: string;
  last_name?: string;
}

/** `POST /app/api/session/login` body. */
export interface LoginRequest {
  email: string;
  password: string;
}

/** `POST /app/api/session/forgot_password` body. */
export interface ForgotPasswordRequest {
  email: string;
}

/** Its answer: one neutral message, the same whether or not the email belongs to a teammate. */
export interface ForgotPasswordResponse {
  message: string;
}

/** `POST /app/api/session/accept-invite` body: the one-time token from the invitation and the new password. */
export interface AcceptInviteRequest {
  token: string;
  /** At least 10 characters. */
  password: string;
  first_name?: string;
  last_name?: string;
}

/**
 * `POST /app/api/session/login`, `POST /app/api/session/accept-invite` and `GET /app/api/session`
 * answer. `csrfToken` must be sent back in the `x-csrf-token` header on every write.
 */
export interface SessionResponse {
  user: SessionUser;
  csrfToken: string;
  account: { id: string; name: string };
  /** ISO 8601: the absolute end of the session. */
  expires_at: string;
}

/** What the labeler is doing with a task: labeling it, or reviewing someone's response. */
export type WorkKind = 'label' | 'review';

/** A time-limited hold on one task for one user. */
export interface Lease {
  lease_id: string;
  task_id: string;
  kind: WorkKind;
  /** ISO 8601; renew before it passes. */
  expires_at: string;
}

/** A task as the workbench needs it (a subset of the v1 task object, plus browser-loadable URLs). */
export interface WorkbenchTask {
  task_id: string;
  type: string;
  project: string;
  batch?: string;
  instruction?: string;
  params: Record<string, unknown>;
  /** A URL the browser can load for `params.attachment` (server-held files get a signed URL). */
  attachment_url?: string;
  /** Same, one per entry of `params.attachments`, in order. */
  attachment_urls?: string[];
  priority?: number;
  created_at: string;
}

/** A saved work-in-progress response. */
export interface Draft {
  response: unknown;
  saved_at: string;
}

/** One unit of work handed out by the queue. */
export interface Assignment {
  lease: Lease;
  task: WorkbenchTask;
  /** The caller's own draft for this task, if one was saved before (e.g. after a reload). */
  draft?: Draft;
  /** Review only: the response being reviewed, and earlier reviewers' comments. */
  response?: unknown;
  review_comments?: string[];
}

/** `GET /app/api/queue/next?kind=label|review&project=<name>` answer; `assignment` is null when nothing is waiting. */
export interface QueueNextResponse {
  assignment: Assignment | null;
  /** With no assignment: why the queue is empty, in a message to show, and whom to ask. */
  empty?: EmptyQueue;
}

/** `GET /app/api/queue/progress?kind=&since=&project=`: what the caller submitted since the start of their day. */
export interface WorkProgress {
  kind: WorkKind;
  since: string;
  done: number;
  project?: { name: string; done: number };
}

/** `GET /app/api/queue/recent`: one of the caller's recent label submissions; `reason` says why it can no longer be reopened. */
export interface RecentSubmission {
  task_id: string;
  project: string;
  type: string;
  submitted_at: string;
  reopenable: boolean;
  /** Why it can no longer be reopened, as a stable code. */
  closed_because?: 'delivered' | 'ended' | 'reviewed' | 'too_late' | 'in_review' | 'in_use' | 'consensus_decided';
  reason?: string;
}

export interface EmptyQueue {
  reason: 'no_projects' | 'nothing_waiting';
  message: string;
  contacts: string[];
  projects: string[];
}

/** `GET /app/api/session/state`: the session answer when someone is signed in. */
export type SessionState = ({ signed_in: true } & SessionResponse) | { signed_in: false };

/** `GET /app/api/session/invitation?token=` answer. */
export interface InvitationInfo {
  email: string;
  team: string;
  purpose: 'invite' | 'password_reset';
  expires_at: string;
  password_min_length: number;
}

/** `GET /app/api/queue/projects` answer: the projects the caller may work on, with waiting counts. */
export interface QueueProjectsResponse {
  projects: Array<{ name: string; type: string; waiting_label: number; waiting_review: number }>;
}

/** `POST /app/api/tasks/:task_id/draft` body. */
export interface SaveDraftRequest {
  lease_id: string;
  response: unknown;
}

export interface SaveDraftResponse {
  saved_at: string;
}

/** One part of a draft: the JSON at a JSON pointer, as of an edit (docs/app-api.md, draft by the part). */
export interface DraftPart {
  path: string;
  value: unknown;
  /** The edit order: the server keeps a part only over an older one. */
  revision: number;
}

/** `PATCH /app/api/tasks/:task_id/draft` body. */
export interface SaveDraftPartsRequest {
  lease_id: string;
  parts: DraftPart[];
}

export interface SaveDraftPartsResponse {
  saved_at: string;
  /** Paths not stored because a newer edit of them was already saved (another tab). */
  stale: string[];
}

/** `POST /app/api/tasks/:task_id/submit` body. */
export interface SubmitRequest {
  lease_id: string;
  response: unknown;
  /** Wall-clock seconds from the task being handed out to this submit (idle time included). */
  time_spent_secs: number;
}

/**
 * `POST /app/api/tasks/:task_id/submit` answer: where the task went next. `review` means a reviewer
 * will see it; `queued` means more attempts are needed (consensus); `completed` means done.
 */
export interface SubmitResponse {
  task_id: string;
  next_state: 'completed' | 'review' | 'queued';
}

/** `POST /app/api/tasks/:task_id/skip` body. */
export interface SkipRequest {
  lease_id: string;
  reason: string;
}

/** `POST /app/api/leases/:lease_id/renew` answer. */
export interface RenewLeaseResponse {
  lease: Lease;
}

/** `POST /app/api/tasks/:task_id/review` body. `response` is required for `fixed`. */
export interface ReviewRequest {
  lease_id: string;
  result: 'accepted' | 'rejected' | 'fixed' | 'commented';
  comments?: string;
  response?: unknown;
  time_spent_secs: number;
}

export interface ReviewResponse {
  task_id: string;
  next_state: 'completed' | 'queued' | 'review';
}

/** The server's error body. */
export interface ErrorBody {
  status_code: number;
  error: string;
}

/** A model endpoint as a labeler sees it (`GET /app/api/tasks/:id/model-endpoints`): never its URL or key. */
export interface ModelEndpointInfo {
  name: string;
  model: string;
  parameters: Record<string, unknown>;
}

/** The model relay's request and `done` summary, shared with the server. */
export type { GenerateRequest, GenerationSummary } from '@tagwright/formats';

/** `POST /tasks/:id/files`: the entry for a chat file answer's value, and a signed link to show it (docs/chat.md). */
export interface UploadedChatFile {
  file: { url: string; mime_type: string; name: string; file_size_in_bytes?: number };
  file_id: string;
  preview_url: string;
}
