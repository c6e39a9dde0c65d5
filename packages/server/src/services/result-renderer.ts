import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { FormatError } from '@tagwright/formats';
import type { Database } from '../db/schema.ts';
import { InvalidRequest } from '../domain/errors.ts';
import { isPlainObject } from '../domain/lenient.ts';
import { familyOf } from '../families/index.ts';
import type { Task } from '../repositories/task.repository.ts';
import type { FileStore } from '../storage/file-store.ts';
import type { PublicUrl } from './public-url.ts';
import type { CompletionRecorder } from './task-lifecycle.ts';

/** Responses rendered ahead of their transaction that are kept for it, and for how long. */
const PREPARED_ENTRIES = 64;
const PREPARED_MS = 10 * 60_000;

/**
 * Writes a response's result files (masks, annotation files) when it becomes a task's response:
 * on completion and on a fix, through the family's `renderResults` (task-types §1.2). A response
 * the family has already rendered, or a family without result files, passes through unchanged.
 *
 * Rendering takes a second or so for a large mask, too long to hold a transaction's locks (SQLite
 * has one writer): callers that know the response a transaction will store call `prepare` before
 * opening it, and `record`, inside, finds the files written. Nothing depends on it for correctness:
 * a response not prepared (another process, a consensus merge that came out differently, an entry
 * dropped) is rendered inside the transaction as before. Files are written before the commit, so a
 * rolled-back or crashed completion leaves only unreferenced files, never a stored response whose
 * files are missing.
 */
export class ResultRenderer implements CompletionRecorder {
  /** Rendered responses by task and response content (see `keyOf`), oldest first. */
  private readonly prepared = new Map<string, { rendered: unknown; expires: number }>();

  constructor(
    private readonly files: FileStore,
    private readonly publicUrl: PublicUrl,
  ) {}

  /** Only task types with result files (masks) are rendered. */
  recordsAsIs(task: Pick<Task, 'type'>): boolean {
    return !familyOf(task.type)?.renderResults;
  }

  record(_trx: Kysely<Database>, task: Task, response: unknown): Promise<unknown> {
    const family = familyOf(task.type);
    if (!family?.renderResults || !isPlainObject(response)) return Promise.resolve(response);
    const hit = this.prepared.get(keyOf(task.id, response));
    if (hit && hit.expires > Date.now()) return Promise.resolve(hit.rendered);
    return this.render(task, response);
  }

  /**
   * Renders the response a coming transaction will store, outside it; a malformed one is a 400
   * naming the problem. The entry is kept (not taken) so a transaction retried as a deadlock victim finds it too.
   */
  async prepare(task: Pick<Task, 'id' | 'type' | 'params'>, response: unknown): Promise<void> {
    const family = familyOf(task.type);
    if (!family?.renderResults || !isPlainObject(response)) return;
    const key = keyOf(task.id, response);
    if (this.prepared.has(key)) return;
    let rendered: unknown;
    try {
      rendered = await this.render(task, response);
    } catch (error) {
      if (error instanceof FormatError) throw new InvalidRequest(error.message);
      throw error;
    }
    if (rendered === response) return;
    const now = Date.now();
    for (const [old, entry] of this.prepared) {
      if (this.prepared.size < PREPARED_ENTRIES && entry.expires > now) break;
      this.prepared.delete(old);
    }
    this.prepared.set(key, { rendered, expires: now + PREPARED_MS });
  }

  async render(task: Pick<Task, 'id' | 'type' | 'params'>, response: unknown): Promise<unknown> {
    const family = familyOf(task.type);
    if (!family?.renderResults || !isPlainObject(response)) return response;
    return family.renderResults({ files: this.files, publicBase: this.publicUrl.base, taskId: task.id }, task.type, task.params, response);
  }
}

/**
 * A response's identity across a read from the database: its task and a digest of its JSON (the
 * transaction may store an equal object read back from a row or merged again, not the same one).
 */
function keyOf(taskId: string, response: Record<string, unknown>): string {
  return `${taskId}:${createHash('sha256').update(JSON.stringify(response)).digest('base64url')}`;
}
