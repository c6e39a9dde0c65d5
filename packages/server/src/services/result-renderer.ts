import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { isPlainObject } from '../domain/lenient.ts';
import { familyOf } from '../families/index.ts';
import type { Task } from '../repositories/task.repository.ts';
import type { FileStore } from '../storage/file-store.ts';
import type { PublicUrl } from './public-url.ts';
import type { CompletionRecorder } from './task-lifecycle.ts';

/**
 * Writes a response's result files (masks, annotation files) when it becomes a task's response:
 * on completion and on a fix, through the family's `renderResults` (task-types §1.2). A response
 * the family has already rendered, or a family without result files, passes through unchanged.
 * Runs inside the completing transaction, so a rolled-back completion leaves only unreferenced files.
 */
export class ResultRenderer implements CompletionRecorder {
  constructor(
    private readonly files: FileStore,
    private readonly publicUrl: PublicUrl,
  ) {}

  record(_trx: Kysely<Database>, task: Task, response: unknown): Promise<unknown> {
    return this.render(task, response);
  }

  async render(task: Pick<Task, 'id' | 'type' | 'params'>, response: unknown): Promise<unknown> {
    const family = familyOf(task.type);
    if (!family?.renderResults || !isPlainObject(response)) return response;
    return family.renderResults({ files: this.files, publicBase: this.publicUrl.base, taskId: task.id }, task.type, task.params, response);
  }
}
