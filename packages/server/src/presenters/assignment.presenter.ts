import type { Lease } from '../repositories/queue.repository.ts';
import type { Assignment } from '../services/queue.service.ts';
import type { RecentSubmission } from '../services/submission-reopen.ts';
import { toIso } from '../domain/time.ts';

/** A lease on the wire (docs/app-api.md): `{lease_id, task_id, kind, expires_at}`. */
export function presentLease(lease: Lease): Record<string, unknown> {
  return { lease_id: lease.id, task_id: lease.task_id, kind: lease.kind, expires_at: toIso(lease.expires_at) };
}

/**
 * One unit of work for the workbench: the lease, the task as the workbench needs it (with
 * browser-loadable attachment URLs), the caller's draft, and for review the response under review.
 * Optional fields are omitted when unset.
 */
export function presentAssignment(assignment: Assignment): Record<string, unknown> {
  const { task, links } = assignment;
  const wireTask: Record<string, unknown> = { task_id: task.id, type: task.type, project: task.project_name };
  if (task.batch_name !== null) wireTask.batch = task.batch_name;
  if (task.instruction !== null) wireTask.instruction = task.instruction;
  wireTask.params = task.params;
  const attachment = links?.attachment_url ?? externalUrl(task.params.attachment);
  if (attachment !== undefined) wireTask.attachment_url = attachment;
  if (links?.attachment_urls !== undefined) wireTask.attachment_urls = links.attachment_urls;
  else if (Array.isArray(task.params.attachments) && task.params.attachments.some((value) => externalUrl(value) !== undefined)) {
    wireTask.attachment_urls = task.params.attachments.map((value) => (typeof value === 'string' ? value : ''));
  }
  if (task.priority !== null) wireTask.priority = task.priority;
  wireTask.created_at = toIso(task.created_at);

  const wire: Record<string, unknown> = { lease: presentLease(assignment.lease), task: wireTask };
  if (assignment.draft) wire.draft = { response: assignment.draft.response, saved_at: toIso(assignment.draft.updated_at) };
  if (assignment.lease.kind === 'review') wire.response = assignment.response ?? null;
  if (assignment.reviewComments !== undefined) wire.review_comments = assignment.reviewComments;
  return wire;
}

/** One of the caller's recent submissions (`GET queue/recent`): `closed_because` and `reason` only when it can no longer be reopened. */
export function presentRecentSubmission(entry: RecentSubmission): Record<string, unknown> {
  const wire: Record<string, unknown> = { task_id: entry.task_id, project: entry.project, type: entry.type, submitted_at: toIso(entry.submitted_at), reopenable: entry.reopenable };
  if (entry.closed_because !== undefined) wire.closed_because = entry.closed_because;
  if (entry.reason !== undefined) wire.reason = entry.reason;
  return wire;
}

/** External http(s) attachments are passed through as they are. */
function externalUrl(value: unknown): string | undefined {
  return typeof value === 'string' && /^https?:\/\//i.test(value) ? value : undefined;
}
