import type { StoredTask } from '../repositories/task.repository.ts';
import { PIECE_CHARS, emptyStats, type StreamExporter } from './types.ts';
import { presentStoredTaskJson } from '../presenters/task.presenter.ts';

/**
 * JSON Lines: one v1 task object (as `GET task/{id}` answers, presenters/task.presenter.ts) per
 * line. `tagwright import` reads it back.
 *
 * The line is written straight from the stored row by the task presenter's presentStoredTaskJson
 * (also what `GET task/{id}` answers), without parsing its JSON columns.
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
          text += presentStoredTaskJson(row) + '\n';
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

/** The line of one stored task: presentStoredTaskJson, under the name test/import-export/jsonl.test.ts checks it by. */
export const taskJsonLine = presentStoredTaskJson;
