import type { StoredTask } from '../repositories/task.repository.ts';
import { PIECE_CHARS, emptyStats, type StreamExporter } from './types.ts';
import { presentStoredTaskJson } from '../presenters/task.presenter.ts';

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

/** JSON.stringify(presentTask(task)) for a stored row, without parsing its JSON columns (the task presenter's, shared with `GET task/{id}`). */
export const taskJsonLine = presentStoredTaskJson;
