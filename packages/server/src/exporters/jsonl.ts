import type { StoredTask } from '../repositories/task.repository.ts';
import { PIECE_CHARS, emptyStats, type StreamExporter } from './types.ts';

/**
 * JSON Lines: one v1 task object (as `GET task/{id}` answers, presenters/task.presenter.ts) per
 * line. `tagwright import` reads it back.
 *
 * The line is written straight from the stored row: its JSON columns are already JSON text
 * (written by JSON.stringify), so parsing them only to serialise them again would cost most of an
 * export's time and memory. taskJsonLine must keep presentTask's keys, order and omissions; a test
 * compares the two on tasks in every state.
 */
export function jsonlExporter(): StreamExporter {
  const stats = emptyStats();
  return {
    kind: 'stream',
    contentType: 'application/x-ndjson; charset=utf-8',
    extension: 'jsonl',
    stats,
    async *write(pages: AsyncIterable<StoredTask[]>) {
      for await (const page of pages) {
        let text = '';
        for (const row of page) {
          text += taskJsonLine(row) + '\n';
          if (text.length >= PIECE_CHARS) {
            yield text;
            text = '';
          }
        }
        stats.tasks += page.length;
        if (text !== '') yield text;
      }
    },
  };
}

/** JSON.stringify(presentTask(task)) for a stored row, without parsing its JSON columns. */
export function taskJsonLine(row: StoredTask): string {
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
    lastIso = new Date(millis).toISOString();
  }
  return lastIso;
}
