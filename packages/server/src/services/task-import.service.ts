import type { Db } from '../db/connect.ts';
import type { Caller } from './account.service.ts';
import { TaskRepository } from '../repositories/task.repository.ts';
import { DomainError, InvalidRequest } from '../domain/errors.ts';
import { buildNewTask, readCreateRequest, type PlacedTask, type PreparedTask, type TaskService } from './task.service.ts';
import type { TaskLifecycle } from './task-lifecycle.ts';
import { DEFAULT_IMPORT_CHUNK, MAX_IMPORT_CHUNK, type ImportRecord } from './import-records.ts';

export { DEFAULT_IMPORT_CHUNK, MAX_IMPORT_CHUNK };
/** Errors kept (with their line numbers) in the summary; every error is still counted and passed to `onError`. */
const KEPT_ERRORS = 1000;

export interface ImportOptions {
  /** Type of records that carry no `type` field. */
  type?: string;
  /** Project of records that name no project (and no batch). */
  project?: string;
  /** Batch of records that name no batch. */
  batch?: string;
  /** Check every record and report what would happen, writing nothing. */
  dryRun?: boolean;
  /** Tasks per transaction (1 to 1,000; default 500). */
  chunkSize?: number;
  /** Called after each chunk with the running totals. */
  onProgress?(progress: ImportProgress): void;
  /** Called for every record that is not imported because it is invalid. */
  onError?(error: ImportError): void;
}

export interface ImportProgress {
  /** Records read so far (blank lines are not records). */
  records: number;
  created: number;
  /** Left out because their unique_id already names a task (or an earlier record of the file). */
  skipped: number;
  failed: number;
}

export interface ImportError {
  line: number;
  message: string;
}

export interface ImportSummary extends ImportProgress {
  dryRun: boolean;
  /** Created tasks that test mode completed at once. */
  completed: number;
  /** The first 1,000 errors, in file order. */
  errors: ImportError[];
  elapsedMs: number;
}

interface Pending {
  line: number;
  prepared: PreparedTask;
}

/**
 * Bulk task creation (docs/import-export.md). Every record goes through the same reading,
 * placement, parameter inheritance and validation as `POST task/{type}`; valid tasks are then
 * written in chunks, each one transaction through TaskLifecycle.createTasks (multi-row inserts, tag
 * rows, counters, test-mode completion with callbacks and batch completion, set-based). An import is
 * resumable: a task whose unique_id already exists is skipped and counted, not an error, so running
 * the same file again creates only what is missing.
 */
export class TaskImportService {
  constructor(
    private readonly db: Db,
    private readonly tasks: TaskService,
    private readonly lifecycle: TaskLifecycle,
    /** Called after a chunk that queued callbacks. */
    private readonly notifyWork: () => void,
  ) {}

  /** Imports the records for the caller's account and environment; invalid records are reported and skipped. */
  async importTasks(caller: Caller, records: AsyncIterable<ImportRecord>, options: ImportOptions = {}): Promise<ImportSummary> {
    const started = Date.now();
    const chunkSize = options.chunkSize ?? DEFAULT_IMPORT_CHUNK;
    if (!Number.isInteger(chunkSize) || chunkSize < 1 || chunkSize > MAX_IMPORT_CHUNK) {
      throw new InvalidRequest(`Invalid chunk size ${chunkSize}: use a whole number from 1 to ${MAX_IMPORT_CHUNK}.`);
    }
    const dryRun = options.dryRun ?? false;
    const summary: ImportSummary = { records: 0, created: 0, skipped: 0, failed: 0, completed: 0, dryRun, errors: [], elapsedMs: 0 };
    const fail = (line: number, message: string) => {
      summary.failed += 1;
      const error = { line, message };
      if (summary.errors.length < KEPT_ERRORS) summary.errors.push(error);
      options.onError?.(error);
    };
    const placements = new Map<string, PlacedTask | Promise<PlacedTask>>();
    /** Dry runs only: unique_ids seen earlier in the file, which a real run would skip. */
    const seenUniqueIds = new Set<string>();
    let chunk: Pending[] = [];

    const flush = async () => {
      if (chunk.length === 0) return;
      const pending = chunk;
      chunk = [];
      try {
        if (dryRun) summary.skipped += await this.countDuplicates(caller, pending, seenUniqueIds);
        else {
          const created = await this.lifecycle.transaction(this.db.kysely, (trx) => this.lifecycle.createTasks(trx, pending.map((entry) => entry.prepared)));
          const completed = created.filter((task) => task.status === 'completed').length;
          summary.created += created.length;
          summary.completed += completed;
          summary.skipped += pending.length - created.length;
          if (completed > 0) this.notifyWork();
        }
      } catch (error) {
        // A rule checked when writing (a batch cancelled or finalized meanwhile): the whole chunk is refused.
        if (!(error instanceof DomainError)) throw error;
        for (const entry of pending) fail(entry.line, error.message);
      }
      options.onProgress?.(progressOf(summary));
    };

    for await (const record of records) {
      summary.records += 1;
      if (record.error !== undefined) {
        fail(record.line, record.error);
        continue;
      }
      try {
        const prepared = this.prepare(caller, record.body, options, placements);
        chunk.push({ line: record.line, prepared: prepared instanceof Promise ? await prepared : prepared });
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        fail(record.line, error.message);
        continue;
      }
      if (chunk.length >= chunkSize) await flush();
    }
    await flush();
    summary.elapsedMs = Date.now() - started;
    return summary;
  }

  /**
   * One record through `POST task/{type}`'s checks. Placements are looked up once per (type,
   * project, batch); once known, the record is prepared without awaiting anything.
   */
  private prepare(
    caller: Caller,
    record: Record<string, unknown>,
    options: ImportOptions,
    placements: Map<string, PlacedTask | Promise<PlacedTask>>,
  ): PreparedTask | Promise<PreparedTask> {
    const { type: recordType, ...body } = record;
    const type = recordType ?? options.type;
    if (type === undefined || type === null || type === '') {
      throw new InvalidRequest("Missing required field 'type': each task needs its type (a 'type' field in the record, or a default type for the import).");
    }
    if (typeof type !== 'string') throw new InvalidRequest("Invalid value for 'type': expected a task type name (string).");
    if (body.project === undefined && body.batch === undefined && options.project !== undefined) body.project = options.project;
    if (body.batch === undefined && options.batch !== undefined) body.batch = options.batch;
    const request = readCreateRequest(type, body);
    const key = `${request.type}\u0000${request.placement.project ?? '\u0001'}\u0000${request.placement.batch ?? '\u0001'}`;
    const known = placements.get(key);
    if (known !== undefined && !(known instanceof Promise)) return buildNewTask(caller, request, known, Date.now());
    const placing =
      known ??
      this.tasks.place(caller, request.type, request.placement, { dryRun: options.dryRun }).then((placed) => {
        placements.set(key, placed);
        return placed;
      });
    placements.set(key, placing);
    return placing.then((placed) => buildNewTask(caller, request, placed, Date.now()));
  }

  /** Dry runs: how many of these tasks a real run would skip (unique_id taken already, or earlier in the file). */
  private async countDuplicates(caller: Caller, pending: readonly Pending[], seen: Set<string>): Promise<number> {
    const uniqueIds = pending.map((entry) => entry.prepared.task.unique_id).filter((id): id is string => id !== null);
    if (uniqueIds.length === 0) return 0;
    const taken = await new TaskRepository(this.db.kysely, this.db.dialect).takenUniqueIds(caller.account.id, caller.environment, uniqueIds);
    let duplicates = 0;
    for (const uniqueId of uniqueIds) {
      if (taken.has(uniqueId) || seen.has(uniqueId)) duplicates += 1;
      seen.add(uniqueId);
    }
    return duplicates;
  }
}

function progressOf(summary: ImportSummary): ImportProgress {
  return { records: summary.records, created: summary.created, skipped: summary.skipped, failed: summary.failed };
}
