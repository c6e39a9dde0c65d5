import type { StoredTask, Task } from '../repositories/task.repository.ts';
import { toIso } from '../domain/time.ts';

/**
 * Server-held attachments resolved to signed download URLs (contract 5.9). Filled only by
 * `include_attachment_url`; external http(s) attachments never get one.
 */
export interface AttachmentLinks {
  attachment_url?: string;
  attachment_urls?: string[];
}

/**
 * The v1 task object (contract 5.1). Always: `task_id`, `type`, `status`, `project`, `created_at`,
 * `updated_at`, `params`, `metadata`. Every other field is omitted, never null, while unset; a task
 * that never had tags has no `tags` key.
 */
export function presentTask(task: Task, links?: AttachmentLinks): Record<string, unknown> {
  const wire: Record<string, unknown> = {
    task_id: task.id,
    type: task.type,
    status: task.status,
    project: task.project_name,
  };
  if (task.batch_name !== null) wire.batch = task.batch_name;
  wire.created_at = toIso(task.created_at);
  wire.updated_at = toIso(task.updated_at);
  if (task.status === 'completed' && task.completed_at !== null) wire.completed_at = toIso(task.completed_at);
  if (task.instruction !== null) wire.instruction = task.instruction;
  wire.params = task.params;
  if (task.callback_url !== null) wire.callback_url = task.callback_url;
  if (task.callback_succeeded !== null) wire.callback_succeeded = task.callback_succeeded;
  // A recalled task keeps its last response stored for the rework, but the wire shows a response only when completed or error.
  if ((task.status === 'completed' || task.status === 'error') && task.response !== null) wire.response = task.response;
  wire.metadata = task.metadata;
  if (task.unique_id !== null) wire.unique_id = task.unique_id;
  if (task.tags !== null) wire.tags = task.tags;
  if (task.priority !== null) wire.priority = task.priority;
  if (task.project_param_version !== null) wire.project_param_version = task.project_param_version;
  if (task.customer_review_status !== null) wire.customer_review_status = task.customer_review_status;
  if (task.customer_review_comments !== null) wire.customer_review_comments = task.customer_review_comments;
  if (task.prior_responses !== null) wire.prior_responses = task.prior_responses;
  if (task.audits !== null) wire.audits = task.audits;
  if (links?.attachment_url !== undefined) wire.attachment_url = links.attachment_url;
  if (links?.attachment_urls !== undefined) wire.attachment_urls = links.attachment_urls;
  return wire;
}

/**
 * JSON.stringify(presentTask(task)) for a stored row (`GET task/{id}`, JSONL exports), written
 * without parsing its JSON columns: they hold JSON.stringify output already, so parsing them only to
 * serialise them again would cost most of the work. Must keep presentTask's keys, order and
 * omissions; test/import-export/jsonl.test.ts compares the two on tasks in every state.
 */
export function presentStoredTaskJson(row: StoredTask): string {
  let line = `{"task_id":${JSON.stringify(row.id)},"type":${JSON.stringify(row.type)},"status":${JSON.stringify(row.status)},"project":${JSON.stringify(row.project_name)}`;
  if (row.batch_name !== null) line += `,"batch":${JSON.stringify(row.batch_name)}`;
  line += `,"created_at":"${iso(row.created_at)}","updated_at":"${iso(row.updated_at)}"`;
  if (row.status === 'completed' && row.completed_at !== null) line += `,"completed_at":"${iso(row.completed_at)}"`;
  if (row.instruction !== null) line += `,"instruction":${JSON.stringify(row.instruction)}`;
  line += `,"params":${row.params}`;
  if (row.callback_url !== null) line += `,"callback_url":${JSON.stringify(row.callback_url)}`;
  if (row.callback_succeeded !== null) line += `,"callback_succeeded":${row.callback_succeeded ? 'true' : 'false'}`;
  if ((row.status === 'completed' || row.status === 'error') && row.response !== null) line += `,"response":${row.response}`;
  line += `,"metadata":${row.metadata}`;
  if (row.unique_id !== null) line += `,"unique_id":${JSON.stringify(row.unique_id)}`;
  if (row.tags !== null) line += `,"tags":${row.tags}`;
  if (row.priority !== null) line += `,"priority":${row.priority}`;
  if (row.project_param_version !== null) line += `,"project_param_version":${row.project_param_version}`;
  if (row.customer_review_status !== null) line += `,"customer_review_status":${JSON.stringify(row.customer_review_status)}`;
  if (row.customer_review_comments !== null) line += `,"customer_review_comments":${row.customer_review_comments}`;
  if (row.prior_responses !== null) line += `,"prior_responses":${row.prior_responses}`;
  if (row.audits !== null) line += `,"audits":${row.audits}`;
  return line + '}';
}

// Consecutive tasks often share an instant (created_at, updated_at and completed_at of a test task).
let lastMillis = NaN;
let lastIso = '';

function iso(millis: number): string {
  if (millis !== lastMillis) {
    lastMillis = millis;
    lastIso = toIso(millis);
  }
  return lastIso;
}

/** `limited_response=true` (contract 5.8): exactly these keys; Tagwright has no task versions, so no `otherVersion`. */
export function presentLimitedTask(task: Task): Record<string, unknown> {
  return { task_id: task.id, status: task.status, metadata: task.metadata, project: task.project_name };
}

/** The v1 task list envelope (contract 6.1). `next_token` is null on the last page, never "". */
export function presentTaskPage(page: {
  docs: Record<string, unknown>[];
  total: number;
  limit: number;
  offset: number;
  hasMore: boolean;
  nextToken: string | null;
}): Record<string, unknown> {
  return {
    docs: page.docs,
    total: page.total,
    limit: page.limit,
    offset: page.offset,
    has_more: page.hasMore,
    next_token: page.hasMore ? page.nextToken : null,
  };
}
