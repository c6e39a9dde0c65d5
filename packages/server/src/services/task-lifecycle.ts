import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { DialectHelpers } from '../db/dialect.ts';
import type { TaskStatus, WorkState } from '../db/tables/tasks.ts';
import { StaleProject, TaskRepository, statusChangeDeltas, type AuditEntry, type CheckedInsert, type NewTask, type ProjectCheck, type Task, type TaskPatch } from '../repositories/task.repository.ts';
import { BatchRepository, type Batch } from '../repositories/batch.repository.ts';
import { AccountRepository } from '../repositories/account.repository.ts';
import { OutboxRepository, type CallbackEvent } from '../repositories/outbox.repository.ts';
import { DeliveryRepository } from '../repositories/delivery.repository.ts';
import { TaskAuditRepository } from '../repositories/task-audit.repository.ts';
import { WorkRecordRepository } from '../repositories/work-record.repository.ts';
import { insertCheckedGroup } from '../repositories/task-create-group.ts';
import { newId } from '../domain/ids.ts';
import { presentTask } from '../presenters/task.presenter.ts';
import { presentBatch } from '../presenters/batch.presenter.ts';
import { Conflict, InvalidRequest } from '../domain/errors.ts';
import { toIso } from '../domain/time.ts';

/** Who made a review change, as recorded in `audits` (contract 5.5). */
export interface Auditor {
  email: string;
  /** `customer` for API and customer-UI audits, `internal` for Tagwright reviewers. */
  source: 'customer' | 'internal';
  /** Time spent, for UI reviews; 0 for API audits. */
  timeSecs?: number;
}

/** A live task with no batch and no tags built from a remembered project, for createUnbatchedCheckedTask(s). */
export interface CheckedTaskCreate {
  task: Task;
  project: ProjectCheck;
}

/** Work states of a pending task (queued, held by a labeler, waiting for or in review); all are `pending` on the wire. */
export type ActiveWorkState = Exclude<WorkState, 'completed' | 'canceled' | 'error'>;

/**
 * THE task state machine (contract 5.3). Every change of a task's `status` or `work_state` goes
 * through one of these functions, inside the caller's transaction, so that with the change they
 * also: keep the task counters right, queue the callback (contract 8.3) in the outbox, and decide
 * batch completion (contract 4.2, 8.7).
 *
 * Callers (API service, workbench, review) must:
 * - pass a transaction, preferably from `lifecycle.transaction(db.kysely, trx => ...)`, which
 *   retries deadlock victims, and call `services.onWorkQueued()` after it commits so the worker
 *   sends the callbacks at once;
 * - not hold a row lock on the task when calling: these functions lock the batch first, then the
 *   task (one order everywhere, so two writers never deadlock), and re-read the task under the lock;
 * - catch nothing: a state that does not allow the change is an InvalidRequest (400).
 */
export class TaskLifecycle {
  /** Transactions in which these functions queued a callback (see `queuedCallbacks`). */
  private readonly withCallbacks = new WeakSet<object>();

  constructor(
    private readonly dialect: DialectHelpers,
    /** Turns a completing or fixing response into what the task keeps (chat tasks store their threads as rows). */
    private readonly recorder?: CompletionRecorder,
    /**
     * Writes the result files (masks) of responses that are stored without passing `recorder`: a
     * test-mode response, and the labelers' response a reviewer's fix moves to `prior_responses`.
     */
    private readonly results?: CompletionRecorder,
  ) {}

  /**
   * Writes the result files (masks) of a response that a transaction about to start will store,
   * before it starts, so the rendering holds no lock; the recorder inside finds them (ResultRenderer).
   * Call it only when the response is expected to be stored: files of one that is not are left unreferenced.
   */
  async prepareResults(task: Pick<Task, 'id' | 'type' | 'params'>, response: unknown): Promise<void> {
    await this.results?.prepare?.(task, response);
  }

  /**
   * True when completing `task` stores the response exactly as given, the recorder writing nothing
   * else (no chat threads, no result files): only then may the work queue write a completion without
   * this class (submission-write.ts).
   */
  recordsAsIs(task: Pick<Task, 'type'>): boolean {
    return !this.recorder || (this.recorder.recordsAsIs?.(task) ?? false);
  }

  /** The response a completion or fix stores, after the recorder (when any) has written what it keeps elsewhere. */
  private recorded(trx: Kysely<Database>, task: Task, response: unknown): Promise<unknown> {
    return this.recorder ? this.recorder.record(trx, task, response) : Promise.resolve(response);
  }

  /**
   * True when a function of this lifecycle queued a callback in `trx`: only then has the worker
   * something to send, so a caller completing tasks at a high rate (the work queue) nudges it only
   * then, instead of making it poll the outbox after every completion.
   */
  queuedCallbacks(trx: Kysely<Database>): boolean {
    return this.withCallbacks.has(trx);
  }

  /**
   * Runs `work` in a transaction, and runs it again (up to 3 times in all) when PostgreSQL aborts it
   * as a deadlock victim or a serialization failure. Use it for every transaction that calls these
   * functions. Every writer takes its rows in one order (docs/tasks.md, "Lock order"), so a deadlock
   * means a path that breaks it (test/callbacks/lock-order*.test.ts count them); the retry keeps
   * such a bug from answering 500 while it is found.
   */
  transaction<T>(db: Kysely<Database>, work: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
    return this.dialect.retryingConflicts(() => db.transaction().execute(work));
  }

  private tasks(trx: Kysely<Database>): TaskRepository {
    return new TaskRepository(trx, this.dialect);
  }

  /**
   * Inserts a new task (`pending`, work state `queued`) into its batch, moving a completed batch
   * back to `in_progress`. With `testResponse` (test mode) the task is completed at once with it.
   * `stagingOnly` (Studio and Rapid projects) admits the task only while the batch is staging.
   * Returns undefined, having written nothing, when the task's unique_id is already taken.
   */
  async createTask(
    trx: Kysely<Database>,
    task: Task,
    options: {
      stagingOnly?: boolean;
      testResponse?: unknown;
      /** PostgreSQL, no batch and no tags: the project the task was built from, checked by the insert (TaskRepository.insertUnbatchedChecked); StaleProject when it changed. */
      project?: ProjectCheck;
      /** The account's default callback URL as the caller knows it (saves reading the account). */
      accountCallbackUrl?: string | null;
    } = {},
  ): Promise<Task | undefined> {
    if (task.batch_id !== null) await this.admitToBatch(trx, task, options.stagingOnly ?? false);
    const { project_name: _project, batch_name: _batch, ...row } = task;
    // A test-mode task is stored completed (as applyCompletion would leave it at the creation
    // instant), so its insert changes one counter once: inserting it pending and completing it
    // changed three counter rows in two passes, and concurrent test-key creates deadlocked on them.
    const fresh: NewTask =
      options.testResponse === undefined
        ? { ...row, status: 'pending', work_state: 'queued' }
        : { ...row, status: 'completed', work_state: 'completed', response: options.testResponse, completed_at: task.created_at, updated_at: task.created_at };
    if (options.project) {
      const outcome = await this.tasks(trx).insertUnbatchedChecked(fresh, options.project);
      if (outcome === 'stale-project') throw new StaleProject();
      if (outcome === 'duplicate') return undefined;
    } else if (!(await this.tasks(trx).insert(fresh))) return undefined;
    const created: Task = { ...task, ...fresh };
    if (options.testResponse === undefined) return created;
    // The recorder writes after the insert (its rows reference the task); chat tasks keep their v1 view.
    const recorded = await this.recorded(trx, created, options.testResponse);
    if (JSON.stringify(recorded) !== JSON.stringify(options.testResponse)) {
      await this.tasks(trx).update(created.id, { response: recorded }, task.created_at);
      created.response = recorded;
    }
    await this.enqueueTaskCallback(trx, created, 'completed', task.created_at, options.accountCallbackUrl);
    await this.evaluateBatchCompletion(trx, created, task.created_at);
    return created;
  }

  /**
   * `createTask` for a live task with no batch and no tags, outside a transaction: on PostgreSQL the
   * insert and its counter change are one statement (TaskRepository.insertUnbatched), one round trip
   * where a transaction took four. Returns undefined when the unique_id is already taken.
   */
  async createUnbatchedTask(db: Kysely<Database>, task: Task): Promise<Task | undefined> {
    const fresh = freshRow(task);
    return (await this.dialect.retryingConflicts(() => this.tasks(db).insertUnbatched(fresh))) ? { ...task, ...fresh } : undefined;
  }

  /**
   * `createUnbatchedTask` on PostgreSQL for a task built from a remembered project: the project is
   * checked in the same statement (TaskRepository.insertUnbatchedChecked), so the whole create is one
   * round trip. 'stale-project': nothing was written, the project changed or is gone; read it again.
   */
  async createUnbatchedCheckedTask(db: Kysely<Database>, task: Task, project: ProjectCheck): Promise<{ outcome: CheckedInsert; task: Task }> {
    const fresh = freshRow(task);
    const outcome = await this.dialect.retryingConflicts(() => this.tasks(db).insertUnbatchedChecked(fresh, project));
    return { outcome, task: { ...task, ...fresh } };
  }

  /**
   * `createUnbatchedCheckedTask` for several tasks in one statement (repositories/task-create-group.ts),
   * the create group of TaskService: each task with its own project check and outcome. All or nothing:
   * when it throws, none of them was written.
   */
  async createUnbatchedCheckedTasks(db: Kysely<Database>, units: readonly CheckedTaskCreate[]): Promise<Array<{ outcome: CheckedInsert; task: Task }>> {
    const fresh = units.map((unit) => freshRow(unit.task));
    const outcomes = await insertCheckedGroup(db, fresh.map((task, index) => ({ task, project: units[index].project })));
    return outcomes.map((outcome, index) => ({ outcome, task: { ...units[index].task, ...fresh[index] } }));
  }

  /**
   * pending → completed with the labelers' (or reviewers') response. Callback `completed`.
   * `accountCallbackUrl`: the account's default callback URL when the caller has already read it
   * in this transaction (the work queue reads it with the lease), saving a read.
   */
  async completeTask(trx: Kysely<Database>, task: Task, response: unknown, known: { accountCallbackUrl?: string | null } = {}): Promise<Task> {
    const current = await this.lockFresh(trx, task);
    if (current.status !== 'pending') throw new InvalidRequest(`Task ${task.id} cannot be completed: its status is ${current.status}, not pending.`);
    return this.applyCompletion(trx, current, response, Date.now(), known.accountCallbackUrl);
  }

  /**
   * pending → completed for the work queue, which read the task in this transaction without its
   * lock: instead of locking and re-reading it, one conditional update completes it only while it is
   * still pending in `workState` (so a failure, cancel or recall meanwhile is seen under the row
   * lock), with its counters in the same statement on PostgreSQL (TaskRepository.completePending).
   * The batch is locked first, as everywhere. A task with a stored response (recalled, completed
   * again) goes through completeTask, which keeps that response. Conflict (409) when the task left
   * that state; the caller's transaction must then roll back (the recorder may have written).
   */
  async completeWorked(trx: Kysely<Database>, task: Task, response: unknown, workState: WorkState, known: { accountCallbackUrl?: string | null } = {}): Promise<Task> {
    if (task.response !== null) return this.completeTask(trx, task, response, known);
    if (task.batch_id !== null) await new BatchRepository(trx).lock(task.batch_id, this.dialect.forUpdate);
    const now = Date.now();
    const recorded = await this.recorded(trx, task, response);
    const patch = { status: 'completed' as const, work_state: 'completed' as const, response: recorded, completed_at: Math.max(now, task.created_at) };
    const updated = await this.tasks(trx).completePending(task, patch, workState, now);
    if (!updated) throw new Conflict(`Task ${task.id} is no longer waiting for this work (it was completed, failed or canceled meanwhile); ask for the next task.`);
    await this.enqueueTaskCallback(trx, updated, 'completed', now, known.accountCallbackUrl);
    await this.evaluateBatchCompletion(trx, updated, now);
    return updated;
  }

  /** pending → error, with a contract 5.6 error response (for example an attachment that cannot be fetched). Callback `error`. */
  async failTask(trx: Kysely<Database>, task: Task, errorResponse: Record<string, unknown>): Promise<Task> {
    const current = await this.lockFresh(trx, task);
    if (current.status !== 'pending') throw new InvalidRequest(`Task ${task.id} cannot be moved to error: its status is ${current.status}, not pending.`);
    const now = Date.now();
    const updated = await this.change(trx, current, { status: 'error', work_state: 'error', response: errorResponse }, now);
    await this.enqueueTaskCallback(trx, updated, 'error', now);
    await this.evaluateBatchCompletion(trx, updated, now);
    return updated;
  }

  /**
   * pending (not started) → canceled (contract 4.1.4). An already canceled task is returned as it
   * is; `clearUniqueId` frees its unique_id in the same transaction either way. No callback.
   */
  async cancelTask(trx: Kysely<Database>, task: Task, options: { clearUniqueId?: boolean } = {}): Promise<Task> {
    const current = await this.lockFresh(trx, task);
    const now = Date.now();
    const clear: TaskPatch = options.clearUniqueId && current.unique_id !== null ? { unique_id: null } : {};
    if (current.status === 'canceled') {
      return Object.keys(clear).length > 0 ? this.change(trx, current, clear, now) : current;
    }
    if (current.status !== 'pending') {
      throw new InvalidRequest(`Task ${task.id} cannot be canceled: its status is ${current.status}. Only pending tasks that no labeler has started can be canceled.`);
    }
    if (current.work_state !== 'queued') {
      throw new InvalidRequest(`Task ${task.id} cannot be canceled: a labeler has already started work on it.`);
    }
    const updated = await this.change(trx, current, { status: 'canceled', work_state: 'canceled', ...clear }, now);
    await this.evaluateBatchCompletion(trx, updated, now);
    return updated;
  }

  /**
   * completed → pending for rework (Scale's "Recalled"). The last response stays stored for the
   * rework and moves to `prior_responses` when the task is completed again. A completed batch goes
   * back to `in_progress`. Callback `pending`.
   */
  async recallTask(trx: Kysely<Database>, task: Task): Promise<Task> {
    const current = await this.lockFresh(trx, task);
    if (current.status !== 'completed') throw new InvalidRequest(`Task ${task.id} cannot be recalled: its status is ${current.status}, not completed.`);
    const now = Date.now();
    const updated = await this.change(trx, current, { status: 'pending', work_state: 'queued', completed_at: null }, now);
    if (updated.batch_id !== null) {
      await new BatchRepository(trx).setStatus(updated.batch_id, 'in_progress', now, { completedAt: null, from: ['completed'] });
    }
    await this.enqueueTaskCallback(trx, updated, 'pending', now);
    return updated;
  }

  /** Customer audit of a completed task (contract 4.1.4, 5.4, 5.5): accepted or rejected. Callback `completed`. */
  async auditTask(trx: Kysely<Database>, task: Task, audit: { accepted: boolean; comments?: string; auditor: Auditor }): Promise<Task> {
    return this.review(trx, task, audit.accepted ? 'accepted' : 'rejected', audit.auditor, audit.comments);
  }

  /** A reviewer replaced the response of a completed task: the old one goes to `prior_responses`. Review status `fixed`. */
  async fixTask(trx: Kysely<Database>, task: Task, response: unknown, fix: { comments?: string; auditor: Auditor }): Promise<Task> {
    return this.review(trx, task, 'fixed', fix.auditor, fix.comments, { response });
  }

  /** A reviewer left only a comment on a completed task. Review status `commented`. */
  async commentTask(trx: Kysely<Database>, task: Task, comment: { comments: string; auditor: Auditor }): Promise<Task> {
    return this.review(trx, task, 'commented', comment.auditor, comment.comments);
  }

  /**
   * Moves a pending task between its internal work states (queued, in_progress, review, ...) as labelers
   * take, release and submit it. Not visible on the wire, so neither `updated_at` nor callbacks change.
   */
  async setWorkState(trx: Kysely<Database>, task: Task, workState: ActiveWorkState): Promise<Task> {
    const current = await this.lockFresh(trx, task);
    if (current.status !== 'pending') throw new InvalidRequest(`Task ${task.id} is ${current.status}; only pending tasks change work state.`);
    if (current.work_state === workState) return current;
    await this.tasks(trx).setWorkState(current.id, workState);
    return { ...current, work_state: workState };
  }

  /**
   * Cancels every task of the batch that no labeler has started (v2 batch cancel, contract 9.4).
   * The caller changes the batch itself. No task callbacks. Returns how many tasks were canceled.
   */
  async cancelUnstartedTasksInBatch(trx: Kysely<Database>, batchId: string): Promise<number> {
    await new BatchRepository(trx).lock(batchId, this.dialect.forUpdate);
    return this.tasks(trx).cancelUnstartedInBatch(batchId, Date.now());
  }

  /**
   * Completes the batch when it is `in_progress`, has a task and none is pending (contract 4.2):
   * for a batch whose tasks all finished while it was staging or paused, so no task change will
   * complete it (v2 finalize and resume call this after the status change, in their transaction).
   */
  async completeBatchIfFinished(trx: Kysely<Database>, batch: Pick<Batch, 'id' | 'account_id' | 'environment'>): Promise<void> {
    await new BatchRepository(trx).lock(batch.id, this.dialect.forUpdate);
    if (!(await this.tasks(trx).batchHasAnyTask(batch.id))) return;
    await this.evaluateBatchCompletion(trx, { batch_id: batch.id, account_id: batch.account_id, environment: batch.environment }, Date.now());
  }

  // --- Added by the import area: set-based creation for bulk imports (services/task-import.service.ts). ---

  /**
   * Creates many tasks of one (account, environment) in the caller's transaction, applying
   * createTask's rules per set instead of per row: every batch that receives a task is locked (in id
   * order) and admitted once; a task whose unique_id is taken (or repeated in the list) is left out,
   * before any batch is reopened; with a `testResponse` (test mode) the task is stored completed with
   * it and its `completed` callback queued. Each admitted batch is then checked for completion once.
   * Returns the created tasks; the others were left out as duplicates.
   */
  async createTasks(trx: Kysely<Database>, entries: readonly NewTaskEntry[]): Promise<Task[]> {
    if (entries.length === 0) return [];
    const { account_id: accountId, environment } = entries[0].task;
    if (entries.some(({ task }) => task.account_id !== accountId || task.environment !== environment)) {
      throw new Error('createTasks: every task must belong to one account and environment');
    }
    const tasks = this.tasks(trx);
    const batches = new BatchRepository(trx);
    const batchIds = [...new Set(entries.map(({ task }) => task.batch_id).filter((id): id is string => id !== null))].sort();
    for (const id of batchIds) await batches.lock(id, this.dialect.forUpdate);

    const uniqueIds = entries.map(({ task }) => task.unique_id).filter((id): id is string => id !== null);
    const taken = uniqueIds.length > 0 ? await tasks.takenUniqueIds(accountId, environment, uniqueIds) : new Set<string>();
    const claimed = new Set<string>();
    const fresh = entries.filter(({ task }) => {
      if (task.unique_id === null) return true;
      if (taken.has(task.unique_id) || claimed.has(task.unique_id)) return false;
      claimed.add(task.unique_id);
      return true;
    });
    const admitted = new Set<string>();
    for (const entry of fresh) {
      if (entry.task.batch_id === null || admitted.has(entry.task.batch_id)) continue;
      await this.admitToBatch(trx, entry.task, entry.stagingOnly);
      admitted.add(entry.task.batch_id);
    }

    const rows = fresh.map(({ task, testResponse }): Task => {
      if (testResponse === undefined) return { ...task, status: 'pending', work_state: 'queued' };
      // As createTask then applyCompletion at the creation instant.
      return { ...task, status: 'completed', work_state: 'completed', response: testResponse, completed_at: task.created_at, updated_at: task.created_at };
    });
    // A Task is a NewTask with its names added; insertNew reads only the columns.
    const inserted = await tasks.insertNew(rows);
    const created = rows.filter((task) => inserted.has(task.id));
    // Test-mode completions pass the recorder as createTask's do, after the insert (chat threads are
    // rows that reference the task; result files are rendered): a bulk import stores what a single create stores.
    for (const task of created) {
      if (task.status !== 'completed') continue;
      const recorded = await this.recorded(trx, task, task.response);
      if (JSON.stringify(recorded) === JSON.stringify(task.response)) continue;
      await tasks.update(task.id, { response: recorded }, task.created_at);
      task.response = recorded;
    }

    const now = Date.now();
    const completed = created.filter((task) => task.status === 'completed');
    if (completed.length > 0) {
      const accountDefault = completed.some((task) => task.callback_url === null)
        ? ((await new AccountRepository(trx, this.dialect).findAccount(accountId))?.default_callback_url ?? null)
        : null;
      const events = completed.flatMap((task) => {
        const target = task.callback_url ?? accountDefault;
        return target ? [taskCallbackEvent(task, 'completed', target)] : [];
      });
      await OutboxRepository.enqueueForNewSubjects(trx, events, now);
    }
    const waiting = new Set(created.filter((task) => task.status === 'pending' && task.batch_id !== null).map((task) => task.batch_id!));
    for (const batchId of [...admitted].sort()) {
      if (!waiting.has(batchId)) await this.evaluateBatchCompletion(trx, { batch_id: batchId, account_id: accountId, environment }, now);
    }
    return created;
  }

  // Internals.

  private async review(
    trx: Kysely<Database>,
    task: Task,
    result: AuditEntry['audit_result'],
    auditor: Auditor,
    comments: string | undefined,
    fix?: { response: unknown },
  ): Promise<Task> {
    const current = await this.lockFresh(trx, task);
    if (current.status !== 'completed') {
      throw new InvalidRequest(`Task ${task.id} cannot be audited: its status is ${current.status}. Only completed tasks can be audited.`);
    }
    const now = Date.now();
    const entry: AuditEntry = {
      audit_result: result,
      audited_by: auditor.email,
      audited_at: toIso(now),
      audit_time_secs: auditor.timeSecs ?? 0,
      audit_source: auditor.source,
    };
    const comment = comments !== undefined && comments.trim() !== '' ? comments : undefined;
    if (comment !== undefined) entry.comments = comment;
    const patch: TaskPatch = {
      customer_review_status: result,
      audits: [...(current.audits ?? []), entry],
    };
    if (comment !== undefined) patch.customer_review_comments = [...(current.customer_review_comments ?? []), comment];
    if (fix) {
      patch.prior_responses = [...(current.prior_responses ?? []), current.response];
      patch.response = await this.recorded(trx, current, fix.response);
    }
    const updated = await this.change(trx, current, patch, now);
    if (auditor.source === 'customer') await this.recordCustomerAudit(trx, current, entry, now);
    await this.enqueueTaskCallback(trx, updated, 'audit', now);
    return updated;
  }

  /**
   * The audit as a `task_audits` row too, so labeler stats count it per labeler with an index read
   * (the `audits` JSON has none). Its labeled round is the one that completed the task: the queue
   * moves `task_work.round` on when a round completes; a task completed by the API has no labelers.
   */
  private async recordCustomerAudit(trx: Kysely<Database>, task: Task, entry: AuditEntry, now: number): Promise<void> {
    const work = await new WorkRecordRepository(trx, this.dialect).findWork(task.id);
    await new TaskAuditRepository(trx).insert({
      id: newId(now),
      account_id: task.account_id,
      project_id: task.project_id,
      task_id: task.id,
      labeled_round: work && work.round > 0 ? work.round - 1 : null,
      result: entry.audit_result,
      audited_by: entry.audited_by,
      audited_at: now,
      audit_time_ms: Math.round((entry.audit_time_secs ?? 0) * 1000),
    });
  }

  private async applyCompletion(trx: Kysely<Database>, task: Task, submitted: unknown, now: number, accountCallbackUrl?: string | null): Promise<Task> {
    const response = await this.recorded(trx, task, submitted);
    const patch: TaskPatch = { status: 'completed', work_state: 'completed', response, completed_at: Math.max(now, task.created_at) };
    // A recalled task completed again: its previous response is kept (contract 5.4).
    if (task.response !== null) {
      const prior = this.results ? await this.results.record(trx, task, task.response) : task.response;
      patch.prior_responses = [...(task.prior_responses ?? []), prior];
    }
    const updated = await this.change(trx, task, patch, now);
    await this.enqueueTaskCallback(trx, updated, 'completed', now, accountCallbackUrl);
    await this.evaluateBatchCompletion(trx, updated, now);
    return updated;
  }

  /** Writes the patch and keeps the counters right; returns the task as it now stands. */
  private async change(trx: Kysely<Database>, task: Task, patch: TaskPatch, now: number): Promise<Task> {
    const tasks = this.tasks(trx);
    await tasks.update(task.id, patch, now);
    if (patch.status !== undefined && patch.status !== task.status) await tasks.adjustCounts(statusChangeDeltas(task, patch.status as TaskStatus));
    return { ...task, ...patch, updated_at: now } as Task;
  }

  /** Locks the batch (when any), then the task, and re-reads the task under the lock. */
  private async lockFresh(trx: Kysely<Database>, task: Task): Promise<Task> {
    if (task.batch_id !== null) await new BatchRepository(trx).lock(task.batch_id, this.dialect.forUpdate);
    const current = await this.tasks(trx).lockAndFind(task.account_id, task.environment, task.id);
    if (!current) throw new InvalidRequest(`Task ${task.id} no longer exists.`);
    return current;
  }

  /**
   * Locks the batch a new task enters and checks, under the lock, that it still accepts tasks (not
   * cancelled; still staging when `stagingOnly`). A completed batch moves back to `in_progress` and
   * loses its `completed_at` (contract 4.2, Tagwright decision).
   */
  private async admitToBatch(trx: Kysely<Database>, task: Task, stagingOnly: boolean): Promise<void> {
    const batches = new BatchRepository(trx);
    await batches.lock(task.batch_id!, this.dialect.forUpdate);
    const batch = await batches.findById(task.account_id, task.environment, task.batch_id!);
    if (!batch) throw new InvalidRequest(`Invalid value for 'batch': batch "${task.batch_name}" no longer exists.`);
    if (batch.status === 'cancelled') throw new InvalidRequest(`Invalid value for 'batch': batch "${batch.name}" is cancelled and accepts no new tasks.`);
    if (stagingOnly && batch.status !== 'staging') {
      throw new InvalidRequest(`Invalid value for 'batch': batch "${batch.name}" has been finalized; tasks can only be added while it is staging.`);
    }
    if (batch.status === 'completed') await batches.setStatus(batch.id, 'in_progress', task.created_at, { completedAt: null, from: ['completed'] });
  }

  /**
   * A batch becomes `completed` when it is `in_progress`, has a task, and none is pending
   * (contract 4.2). Runs under the batch lock, so the last two tasks finishing together cannot
   * both miss it, and the conditional update lets the batch callback fire once.
   */
  private async evaluateBatchCompletion(trx: Kysely<Database>, task: Pick<Task, 'batch_id' | 'account_id' | 'environment'>, now: number): Promise<void> {
    if (task.batch_id === null) return;
    const batches = new BatchRepository(trx);
    await batches.lock(task.batch_id, this.dialect.forUpdate);
    if (await this.tasks(trx).batchHasPendingTasks(task.batch_id)) return;
    if (!(await batches.setStatus(task.batch_id, 'completed', now, { completedAt: now, from: ['in_progress'] }))) return;
    const batch = await batches.findById(task.account_id, task.environment, task.batch_id);
    // The batch's newly completed tasks become a v2 delivery in this same transaction (docs/v2.md).
    if (batch) await new DeliveryRepository(trx).createForBatch(batch, now);
    if (!batch?.callback) return;
    const counts = await batches.statusCounts(batch.id);
    this.withCallbacks.add(trx);
    await OutboxRepository.enqueue(
      trx,
      {
        accountId: batch.account_id,
        environment: batch.environment,
        subjectType: 'batch',
        subjectId: batch.id,
        event: 'batch_completed',
        target: batch.callback,
        payload: { batch: presentBatch(batch), status: 'completed', counts },
      },
      now,
    );
  }

  /**
   * Queues the task callback (contract 8.2) to the task's callback_url, else the account default
   * (`accountCallbackUrl` when the caller has read it, else read here); none when neither.
   */
  private async enqueueTaskCallback(trx: Kysely<Database>, task: Task, event: 'completed' | 'error' | 'audit' | 'pending', now: number, accountCallbackUrl?: string | null): Promise<void> {
    const accountDefault = async () =>
      accountCallbackUrl !== undefined ? accountCallbackUrl : ((await new AccountRepository(trx, this.dialect).findAccount(task.account_id))?.default_callback_url ?? null);
    const target = task.callback_url ?? (await accountDefault());
    if (!target) return;
    this.withCallbacks.add(trx);
    await OutboxRepository.enqueue(trx, taskCallbackEvent(task, event, target), now);
  }
}

/** Writes what a completing response keeps outside the task row, inside the same transaction, and answers the response the task stores. */
export interface CompletionRecorder {
  record(trx: Kysely<Database>, task: Task, response: unknown): Promise<unknown>;
  /** Does, before the transaction, the slow part of recording `response` (see TaskLifecycle.prepareResults). */
  prepare?(task: Pick<Task, 'id' | 'type' | 'params'>, response: unknown): Promise<void>;
  /** True when `record` answers any response of this task unchanged and writes nothing (absent: not known). */
  recordsAsIs?(task: Pick<Task, 'type'>): boolean;
}

/** Recorders applied in turn, each to what the previous one answered. */
export function chainRecorders(...recorders: CompletionRecorder[]): CompletionRecorder {
  return {
    async record(trx, task, response) {
      let kept = response;
      for (const recorder of recorders) kept = await recorder.record(trx, task, kept);
      return kept;
    },
    recordsAsIs(task) {
      return recorders.every((recorder) => recorder.recordsAsIs?.(task) ?? false);
    },
  };
}

/** A task entering createTasks: the row as TaskService's buildNewTask made it, its batch admission rule, and its test-mode response. */
export interface NewTaskEntry {
  task: Task;
  stagingOnly: boolean;
  testResponse?: unknown;
}

/** The task callback (contract 8.2): the wire task, its response, id and status. */
export function taskCallbackEvent(task: Task, event: 'completed' | 'error' | 'audit' | 'pending', target: string): CallbackEvent {
  const wire = presentTask(task);
  return {
    accountId: task.account_id,
    environment: task.environment,
    subjectType: 'task',
    subjectId: task.id,
    event,
    target,
    payload: { task: wire, response: wire.response ?? null, task_id: task.id, status: task.status },
  };
}

/** The row a new task is inserted as: pending, queued, without the names joined in for reading. */
function freshRow(task: Task): NewTask {
  const { project_name: _project, batch_name: _batch, ...row } = task;
  return { ...row, status: 'pending', work_state: 'queued' };
}
