import type { Task } from '../repositories/task.repository.ts';
import { presentTask } from '../presenters/task.presenter.ts';
import { emptyStats, type StreamExporter } from './types.ts';

/** JSON Lines: one v1 task object (as `GET task/{id}` answers) per line. `tagwright import` reads it back. */
export function jsonlExporter(): StreamExporter {
  const stats = emptyStats();
  return {
    kind: 'stream',
    contentType: 'application/x-ndjson; charset=utf-8',
    extension: 'jsonl',
    stats,
    async *write(pages: AsyncIterable<Task[]>) {
      for await (const page of pages) {
        let text = '';
        for (const task of page) text += JSON.stringify(presentTask(task)) + '\n';
        stats.tasks += page.length;
        yield text;
      }
    },
  };
}
