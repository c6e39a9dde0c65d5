import type { Db } from '../db/connect.ts';
import type { QueueSettings } from '../config.ts';
import type { TaskLifecycle } from './task-lifecycle.ts';
import { taskCallbackEvent } from './task-lifecycle.ts';
import { QueueRepository } from '../repositories/queue.repository.ts';
import { WorkRecordRepository } from '../repositories/work-record.repository.ts';
import { TaskRepository, statusChangeDeltas, type Task } from '../repositories/task.repository.ts';
import { writeSubmission, type SubmissionMove } from '../repositories/submission-write.ts';
import { newId } from '../domain/ids.ts';
import { checkLease, checkSubmittedTask, labelSubmission, planSubmission, type SessionCaller, type SubmitState, type Worker } from './queue.service.ts';

/** A submission this path wrote: where the task went, and whether a callback was queued. */
type Written = { state: SubmitState; callbacks: boolean };

/** PostgreSQL error codes after which the locking transaction is tried instead: a unique slot taken, a deadlock, a serialization failure. */
const FALL_BACK_CODES = new Set(['23505', '40P01', '40001']);

/**
 * PostgreSQL: a label submission in one unlocked read and one conditional write (submission-write.ts),
 * no BEGIN and COMMIT: two round trips with the session read folded into the read (three with it
 * apart), where the locking transaction took six. The read's answers are today's: a lease that is gone, expired, someone else's or for another
 * task is a 409, a task that is gone a 404, a response of the wrong shape a 400, a task no longer in
 * progress a 409. The decision (queued for more consensus attempts, review, or completed) is the
 * pipeline's, made from that read; the write happens only if nothing it was made from changed.
 *
 * Answers the worker (for a caller known by session token only, checked from the read's session
 * column) and what was written: undefined, having written nothing, when the caller must run the locking transaction
 * instead: a gold task; a task whose completion records more than its response (chat threads, result
 * files); a completion of a task in a batch (batch completion is decided under the batch lock) or
 * of a recalled task (its earlier response is kept); and a write that found its lease or task
 * changed since the read (the transaction then answers from the state as it is).
 */
export class OneStatementSubmitter {
  private readonly queue: QueueRepository;
  private readonly records: WorkRecordRepository;
  private readonly tasks: TaskRepository;

  constructor(
    private readonly db: Db,
    private readonly settings: QueueSettings,
    private readonly lifecycle: TaskLifecycle,
  ) {
    this.queue = new QueueRepository(db.kysely, db.dialect);
    this.records = new WorkRecordRepository(db.kysely, db.dialect);
    this.tasks = new TaskRepository(db.kysely, db.dialect);
  }

  async submit(
    caller: Worker | SessionCaller,
    taskId: string,
    leaseId: string,
    response: unknown,
    timeSpentMs: number,
    now: number,
  ): Promise<{ worker: Worker; written: Written | undefined }> {
    // A session still to be checked is read in the same statement (one round trip less) and checked
    // before anything else of the row is used; without a lease row it is read on its own (a 409 follows).
    const sessionCaller = 'tokenHash' in caller ? caller : undefined;
    const held = await this.queue.readForSubmit(leaseId, sessionCaller?.tokenHash);
    const worker = !sessionCaller ? (caller as Worker) : held ? await sessionCaller.admit(held.session) : await sessionCaller.read();
    return { worker, written: await this.submitHeld(held, worker, taskId, leaseId, response, timeSpentMs, now) };
  }

  private async submitHeld(
    held: Awaited<ReturnType<QueueRepository['readForSubmit']>>,
    worker: Worker,
    taskId: string,
    leaseId: string,
    response: unknown,
    timeSpentMs: number,
    now: number,
  ): Promise<Written | undefined> {
    checkLease(held?.lease, worker, taskId, leaseId, now, 'label');
    const { lease, task, versions } = held!;
    if (lease.task_source === 'gold') return undefined;
    checkSubmittedTask(task, worker, taskId, response);
    if (!this.lifecycle.recordsAsIs(task)) return undefined;
    const { required, work, attempt } = labelSubmission(held!, task, worker, response, timeSpentMs, now);
    // The round's earlier attempts are read unlocked: a new or withdrawn attempt changes task_work, whose version the write checks.
    const plan = await planSubmission(task, work, required, response, this.settings.consensusThreshold, () => this.records.roundAttempts(task.id, work.round));
    if (plan.to !== 'completed') return this.written(await this.write({ leaseId, userId: worker.userId, taskId: task.id, now, versions, attempt, work: plan.work, move: { to: plan.to } }), plan.to, false);
    if (task.batch_id !== null || task.response !== null) return undefined;
    const completion = this.completion(task, plan.response, held!.accountCallbackUrl);
    return this.written(await this.write({ leaseId, userId: worker.userId, taskId: task.id, now, versions, attempt, work: plan.work, move: completion }), 'completed', completion.callback !== undefined);
  }

  /** The completed task as the lifecycle would store it, its counter rows and its callback (contract 8.2) when it has a target. */
  private completion(task: Task, response: unknown, accountCallbackUrl: string | null): Extract<SubmissionMove, { to: 'completed' }> {
    const at = Date.now();
    const completed: Task = { ...task, status: 'completed', work_state: 'completed', response, completed_at: Math.max(at, task.created_at), updated_at: at };
    const target = task.callback_url ?? accountCallbackUrl;
    const event = target ? taskCallbackEvent(completed, 'completed', target) : undefined;
    return {
      to: 'completed',
      responseText: response === null || response === undefined ? null : JSON.stringify(response),
      completedAt: completed.completed_at!,
      updatedAt: at,
      counterRows: this.tasks.counterRows(statusChangeDeltas(task, 'completed')),
      callback: event && { id: newId(at), accountId: event.accountId, environment: event.environment, target: event.target, payloadText: JSON.stringify(event.payload) },
    };
  }

  private async write(write: Parameters<typeof writeSubmission>[1]): Promise<boolean> {
    try {
      return (await writeSubmission(this.db.kysely, write)).moved;
    } catch (error) {
      if (FALL_BACK_CODES.has((error as { code?: string } | null)?.code ?? '')) return false;
      throw error;
    }
  }

  private written(moved: boolean, state: SubmitState, callbacks: boolean): Written | undefined {
    return moved ? { state, callbacks } : undefined;
  }
}
