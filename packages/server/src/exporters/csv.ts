import { taskFromStored, type StoredTask, type Task } from '../repositories/task.repository.ts';
import { csvRecord, csvText } from '../domain/csv.ts';
import { isPlainObject } from '../domain/lenient.ts';
import { toIso } from '../domain/time.ts';
import { attachmentOf } from '../domain/attachment.ts';
import { familyOf } from '../families/index.ts';
import { fieldAnswers } from '../families/shared/csv.ts';
import type { CsvCells } from '../families/types.ts';
import { PIECE_CHARS, emptyStats, type StreamExporter } from './types.ts';

const LEADING = ['task_id', 'type', 'status', 'project', 'batch', 'unique_id', 'attachment', 'created_at', 'completed_at', 'category'];
const TRAILING = ['response', 'metadata'];

/**
 * CSV, one row per task: task_id, type, status, project, batch, unique_id, attachment, created_at,
 * completed_at, category (categorization), one `fields.<key>` column per answer field (where each
 * family keeps them: `response.annotations` of textcollection, `response.fields` of the others),
 * and the whole response and metadata as JSON. The field columns are those the first page of tasks
 * defines or answers, since a streamed file cannot go back to widen its header; a field first seen
 * later is still in the `response` column. Lists and objects are written as JSON text.
 */
export function csvExporter(): StreamExporter {
  const stats = emptyStats();
  return {
    kind: 'stream',
    contentType: 'text/csv; charset=utf-8',
    extension: 'csv',
    stats,
    async *write(pages: AsyncIterable<StoredTask[]>) {
      let fields: string[] | undefined;
      /** Characters per row so far (a first guess until a batch is written). */
      let rowChars = 512;
      for await (const stored of pages) {
        const page = stored.map(taskFromStored);
        if (!fields) {
          fields = fieldKeys(page);
          yield csvRecord([...LEADING, ...fields.map((key) => `fields.${key}`), ...TRAILING]);
        }
        // Rows go to csv-stringify in batches sized to make pieces of about PIECE_CHARS.
        let batch: string[][] = [];
        for (const task of page) {
          batch.push(row(task, fields));
          if (batch.length * rowChars >= PIECE_CHARS) {
            const text = csvText(batch);
            rowChars = Math.max(1, text.length / batch.length);
            batch = [];
            yield text;
          }
        }
        stats.tasks += page.length;
        if (batch.length > 0) yield csvText(batch);
      }
      if (!fields) yield csvRecord([...LEADING, ...TRAILING]);
    },
  };
}

function row(task: Task, fields: readonly string[]): string[] {
  const response = isPlainObject(task.response) && (task.status === 'completed' || task.status === 'error') ? task.response : undefined;
  const cells = response && csvCellsOf(task.type, response);
  const answers = cells?.answers ?? {};
  return [
    task.id,
    task.type,
    task.status,
    task.project_name,
    task.batch_name ?? '',
    task.unique_id ?? '',
    attachmentOf(task),
    toIso(task.created_at),
    task.status === 'completed' && task.completed_at !== null ? toIso(task.completed_at) : '',
    cell(cells?.category),
    ...fields.map((key) => cell(answers[key])),
    response ? JSON.stringify(response) : '',
    JSON.stringify(task.metadata),
  ];
}

/** The category cell and field answers of a response, as its family reads them (default: no category, `response.fields`). */
function csvCellsOf(type: string, response: Record<string, unknown>): CsvCells {
  const cellsOf = familyOf(type)?.csvCells;
  return cellsOf ? cellsOf(type, response) : { answers: fieldAnswers(response) };
}

function cell(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** Answer field keys of the page's tasks: defined in params (`fields`), then answered (`response.annotations`/`fields`), first seen first. */
function fieldKeys(page: readonly Task[]): string[] {
  const keys = new Set<string>();
  for (const task of page) {
    const defined = task.params.fields;
    if (Array.isArray(defined)) {
      for (const field of defined) if (isPlainObject(field) && typeof field.field_id === 'string') keys.add(field.field_id);
    } else if (isPlainObject(defined)) {
      for (const key of Object.keys(defined)) keys.add(key);
    }
    const answers = isPlainObject(task.response) ? csvCellsOf(task.type, task.response).answers : undefined;
    if (answers) for (const key of Object.keys(answers)) keys.add(key);
  }
  return [...keys];
}
