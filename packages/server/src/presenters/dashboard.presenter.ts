import type { ApiKeyRow, UserRow } from '../repositories/account.repository.ts';
import type { Batch, TaskStatusCounts } from '../repositories/batch.repository.ts';
import type { AttemptRecord, LeaseRecord, TaskSummary, TaskWorkRecord } from '../repositories/dashboard.repository.ts';
import type { BatchListResult } from '../services/batch.service.ts';
import type { LabelerStats, ProjectProgress, TaskBrowserPage, TaskDetail, Throughput } from '../services/dashboard.service.ts';
import { invitationPath, type Invitation } from '../services/team.service.ts';
import { presentTask } from './task.presenter.ts';
import { toIso } from '../domain/time.ts';

/** Task counts by status plus their total (the progress bar's denominator). */
function presentCounts(counts: TaskStatusCounts): Record<string, number> {
  return { ...counts, total: counts.pending + counts.completed + counts.error + counts.canceled };
}

/** `GET /app/api/dashboard/projects`. */
export function presentProjectProgress(list: ProjectProgress[]): Record<string, unknown> {
  return {
    projects: list.map(({ project, counts }) => {
      const wire: Record<string, unknown> = {
        id: project.id,
        name: project.name,
        type: project.type,
        created_at: toIso(project.created_at),
        archived: project.archived,
        counts: presentCounts(counts),
      };
      if (project.pipeline !== null) wire.pipeline = project.pipeline;
      if (project.consensus_attempts !== null) wire.consensus_attempts = project.consensus_attempts;
      if (project.studio) wire.studio = true;
      return wire;
    }),
  };
}

function presentBatchProgress(batch: Batch, counts: TaskStatusCounts | undefined): Record<string, unknown> {
  const wire: Record<string, unknown> = {
    id: batch.id,
    name: batch.name,
    project: batch.project_name,
    status: batch.status,
    created_at: toIso(batch.created_at),
    counts: presentCounts(counts ?? { pending: 0, completed: 0, error: 0, canceled: 0 }),
  };
  if (batch.completed_at !== null) wire.completed_at = toIso(batch.completed_at);
  if (batch.priority !== null) wire.priority = batch.priority;
  if (batch.callback) wire.callback = batch.callback;
  return wire;
}

/** `GET /app/api/dashboard/batches`. */
export function presentBatchProgressList(result: BatchListResult): Record<string, unknown> {
  const batches = result.batches.map((batch) => presentBatchProgress(batch, result.counts?.get(batch.id)));
  return { batches, total: result.total, limit: result.limit, offset: result.offset, has_more: result.offset + batches.length < result.total };
}

/** `GET /app/api/dashboard/throughput`. */
export function presentThroughput(throughput: Throughput): Record<string, unknown> {
  return {
    bucket: throughput.bucket,
    start_time: toIso(throughput.from),
    end_time: toIso(throughput.to),
    points: throughput.points.map((point) => ({ start: toIso(point.start), completed: point.completed })),
  };
}

function presentTaskSummary(task: TaskSummary): Record<string, unknown> {
  const wire: Record<string, unknown> = {
    task_id: task.id,
    type: task.type,
    status: task.status,
    work_state: task.work_state,
    project: task.project_name,
    created_at: toIso(task.created_at),
    updated_at: toIso(task.updated_at),
  };
  if (task.batch_name !== null) wire.batch = task.batch_name;
  if (task.unique_id !== null) wire.unique_id = task.unique_id;
  if (task.priority !== null) wire.priority = task.priority;
  if (task.customer_review_status !== null) wire.customer_review_status = task.customer_review_status;
  if (task.completed_at !== null && task.status === 'completed') wire.completed_at = toIso(task.completed_at);
  return wire;
}

/** `GET /app/api/dashboard/tasks`. */
export function presentTaskBrowserPage(page: TaskBrowserPage): Record<string, unknown> {
  return { tasks: page.tasks.map(presentTaskSummary), next_token: page.nextToken };
}

function presentAttempt(attempt: AttemptRecord): Record<string, unknown> {
  const wire: Record<string, unknown> = {
    id: attempt.id,
    kind: attempt.kind,
    user_id: attempt.user_id,
    round: attempt.round,
    started_at: toIso(attempt.started_at),
    submitted_at: toIso(attempt.submitted_at),
    time_spent_secs: Math.round(attempt.time_spent_ms / 100) / 10,
  };
  if (attempt.email !== null) wire.email = attempt.email;
  if (attempt.attempt_no !== null) wire.attempt_no = attempt.attempt_no;
  if (attempt.response !== null) wire.response = attempt.response;
  if (attempt.score !== null) wire.score = attempt.score;
  if (attempt.result !== null) wire.result = attempt.result;
  if (attempt.comments !== null) wire.comments = attempt.comments;
  return wire;
}

function presentWork(work: TaskWorkRecord): Record<string, unknown> {
  const wire: Record<string, unknown> = { round: work.round, attempts: work.attempts };
  if (work.review_reason !== null) wire.review_reason = work.review_reason;
  if (work.agreement !== null) wire.agreement = work.agreement;
  return wire;
}

function presentLease(lease: LeaseRecord): Record<string, unknown> {
  const wire: Record<string, unknown> = { user_id: lease.user_id, kind: lease.kind, started_at: toIso(lease.started_at), expires_at: toIso(lease.expires_at) };
  if (lease.email !== null) wire.email = lease.email;
  return wire;
}

/** `GET /app/api/dashboard/tasks/:taskId`: the v1 task object (with attachment links), plus its work history. */
export function presentTaskDetail(detail: TaskDetail): Record<string, unknown> {
  const wire: Record<string, unknown> = {
    task: { ...presentTask(detail.task, detail.links), work_state: detail.task.work_state },
    attempts: detail.attempts.map(presentAttempt),
  };
  // Only where it differs from task.response (a chat task's stored threads), so other tasks' detail stays as it was.
  if (detail.editableResponse !== detail.task.response) wire.editable_response = detail.editableResponse;
  if (detail.work) wire.work = presentWork(detail.work);
  if (detail.lease) wire.lease = presentLease(detail.lease);
  return wire;
}

/** `GET /app/api/dashboard/labelers`. Means are omitted when there is nothing to average. */
export function presentLabelerStats(stats: LabelerStats[]): Record<string, unknown> {
  return {
    labelers: stats.map((entry) => {
      const wire: Record<string, unknown> = {
        user_id: entry.user.id,
        email: entry.user.email,
        role: entry.user.role,
        tasks_labeled: entry.labels.attempts,
        reviews_done: entry.reviews.attempts,
        gold_answered: entry.gold.attempts,
        review_outcomes: entry.reviewOutcomes,
        customer_audits: entry.customerAudits,
      };
      if (entry.labels.attempts > 0) wire.mean_label_secs = Math.round(entry.labels.timeSpentMs / entry.labels.attempts / 100) / 10;
      if (entry.reviews.attempts > 0) wire.mean_review_secs = Math.round(entry.reviews.timeSpentMs / entry.reviews.attempts / 100) / 10;
      if (entry.gold.scored > 0) wire.gold_accuracy = entry.gold.scoreSum / entry.gold.scored;
      if (entry.agreement && entry.agreement.tasks > 0) {
        wire.agreement = entry.agreement.mean;
        wire.agreement_tasks = entry.agreement.tasks;
      }
      return wire;
    }),
  };
}

/**
 * A teammate as the admin pages show it: who, which role, whether they have signed up yet, an open
 * invitation or password-reset link, and a sign-in lock-out while it lasts.
 */
export function presentTeammateRow(user: UserRow, now = Date.now()): Record<string, unknown> {
  const wire: Record<string, unknown> = { id: user.id, email: user.email, role: user.role, signed_up: user.password_hash !== null, created_at: toIso(user.created_at) };
  if (user.first_name) wire.first_name = user.first_name;
  if (user.last_name) wire.last_name = user.last_name;
  if (user.password_hash === null && user.invite_expires_at !== null) wire.invite_expires_at = toIso(user.invite_expires_at);
  if (user.password_hash !== null && user.invite_expires_at !== null && user.invite_expires_at > now) wire.password_reset_expires_at = toIso(user.invite_expires_at);
  if (user.locked_until !== null && user.locked_until > now) wire.locked_until = toIso(user.locked_until);
  return wire;
}

/** The teammates list, plus the one-time invitation tokens created by this call (shown once). */
export function presentTeam(teammates: UserRow[], invitations: Invitation[] = [], baseUrl = ''): Record<string, unknown> {
  const now = Date.now();
  const wire: Record<string, unknown> = { teammates: teammates.map((user) => presentTeammateRow(user, now)) };
  if (invitations.length > 0) {
    wire.invitations = invitations.map((invitation) => ({
      email: invitation.user.email,
      role: invitation.user.role,
      token: invitation.token,
      invite_path: invitationPath(invitation),
      invite_url: `${baseUrl}${invitationPath(invitation)}`,
      expires_at: toIso(invitation.user.invite_expires_at!),
      ...(invitation.purpose === 'password_reset' ? { purpose: 'password_reset' } : {}),
    }));
  }
  return wire;
}

/** An API key in listings: its id, the first characters of the key, environment and state; never the key. */
export function presentApiKey(key: ApiKeyRow): Record<string, unknown> {
  const wire: Record<string, unknown> = { id: key.id, hint: key.key_hint, environment: key.environment, created_at: toIso(key.created_at) };
  if (key.label !== null) wire.label = key.label;
  if (key.revoked_at !== null) wire.revoked_at = toIso(key.revoked_at);
  return wire;
}
