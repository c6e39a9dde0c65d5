import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { DialectHelpers } from '../db/dialect.ts';
import type { Lease } from '../repositories/queue.repository.ts';
import { QueueRepository } from '../repositories/queue.repository.ts';
import { WorkRecordRepository, type Attempt, type TaskWork } from '../repositories/work-record.repository.ts';
import { TaskRepository, type Task } from '../repositories/task.repository.ts';
import { Conflict, NotFound } from '../domain/errors.ts';
import { newId } from '../domain/ids.ts';

/** Who reopens, and the settings that bound it. */
export interface ReopenRequest {
  accountId: string;
  userId: string;
  taskId: string;
  now: number;
  leaseMs: number;
  /** How long after submitting a labeler may still reopen (TAGWRIGHT_REOPEN_SECONDS); 0 turns reopening off. */
  windowMs: number;
}

/**
 * Reopening a submission (docs/work-queue.md, "Reopening a submission"): a labeler takes back
 * their label attempt while nobody has acted on it yet, and gets the task leased back with the
 * submitted response as their draft. The attempt is withdrawn, not edited in place, so a reopened
 * task whose new lease runs out or is released is simply a task waiting for labeling (draft kept),
 * and the resubmission runs the pipeline afresh.
 *
 * "Nobody has acted on it yet" means, under the task's row lock:
 * - the task is still pending (no completion, so no callback was sent and no customer audit);
 * - the attempt belongs to the task's current round (a reviewer's rejection starts a new round);
 * - the task waits for more consensus attempts (`queued`, no one else holding it), or waits for
 *   its review (`review`, no reviewer holding it) after a single attempt: once a consensus round
 *   has all its attempts, the merge and agreement are decided and the attempt stays;
 * - it was submitted within the reopen window.
 */
export class SubmissionReopener {
  constructor(private readonly dialect: DialectHelpers) {}

  /** Runs inside the caller's transaction; answers the new lease. Throws NotFound or Conflict naming why not. */
  async reopen(trx: Kysely<Database>, request: ReopenRequest): Promise<Lease> {
    const { taskId, userId, now } = request;
    const records = new WorkRecordRepository(trx, this.dialect);
    const queue = new QueueRepository(trx, this.dialect);
    const tasks = new TaskRepository(trx, this.dialect);

    const attempt = await records.latestOwnAttempt(taskId, userId);
    if (!attempt || attempt.account_id !== request.accountId) throw new NotFound(`You have not submitted a task with id "${taskId}".`);
    // A gold answer is scored when it is given; to the labeler it was simply completed.
    if (attempt.kind === 'gold') throw notPending(taskId, 'completed');
    if (request.windowMs <= 0) throw new Conflict('Reopening submissions is turned off on this server (TAGWRIGHT_REOPEN_SECONDS=0).');

    // Give back any other label task the caller holds (draft kept), as asking for another project does.
    const held = await queue.heldLease(userId, 'label', now);
    if (held && held.task_id !== taskId) await queue.endLease(trx, held, now, { requeue: true });

    const task = await tasks.lockAndFind(request.accountId, 'live', taskId);
    if (!task) throw new NotFound(`You have not submitted a task with id "${taskId}".`);
    const work = await records.findWork(taskId);
    checkReopenable(task, attempt, work, request);

    await records.withdrawAttempt(attempt, work!.attempts);
    await records.saveWork({ task_id: taskId, round: work!.round, attempts: work!.attempts - 1, pending_response: null, review_reason: null, agreement: null }, now);
    const lease: Lease = { id: newId(now), account_id: task.account_id, task_id: taskId, task_source: 'task', user_id: userId, kind: 'label', started_at: now, expires_at: now + request.leaseMs };
    if (!(await queue.leaseReopened(trx, lease))) throw new Conflict(`Task ${taskId} was taken by someone else a moment ago; it can no longer be reopened.`);
    await records.saveDraft(taskId, userId, attempt.response, now);
    return lease;
  }
}

/** Throws the Conflict that says why this attempt cannot be reopened; returns when it can. */
function checkReopenable(task: Task, attempt: Attempt, work: TaskWork | undefined, request: ReopenRequest): void {
  const id = task.id;
  if (task.status !== 'pending') throw notPending(id, task.status);
  if (!work || attempt.round !== work.round) {
    throw new Conflict(`Task ${id} has been reviewed since you submitted it (a reviewer sent it back for another round); it can no longer be reopened.`);
  }
  const windowSecs = Math.round(request.windowMs / 1000);
  if (request.now - attempt.submitted_at > request.windowMs) {
    throw new Conflict(`You submitted task ${id} more than ${describeSeconds(windowSecs)} ago; a submission can be reopened for ${describeSeconds(windowSecs)} (TAGWRIGHT_REOPEN_SECONDS).`);
  }
  switch (task.work_state) {
    case 'reviewing':
      throw new Conflict(`A reviewer is reviewing task ${id} now; it can no longer be reopened.`);
    case 'in_progress':
      throw new Conflict(`Another labeler is working on task ${id} now; try again when they have submitted or given it back.`);
    case 'review':
      if (work.attempts > 1) throw new Conflict(`All ${work.attempts} consensus attempts of task ${id} are in and their merge waits for review; it can no longer be reopened.`);
      return;
    case 'queued':
      return;
    default:
      throw notPending(id, task.work_state);
  }
}

function notPending(taskId: string, status: string): Conflict {
  const why = status === 'completed' ? 'its response has been delivered (callback sent)' : `it is ${status}`;
  return new Conflict(`Task ${taskId} is ${status === 'completed' ? 'completed' : 'no longer pending'}: ${why}, so it can no longer be reopened.`);
}

function describeSeconds(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} hour${seconds === 3600 ? '' : 's'}`;
  if (seconds % 60 === 0) return `${seconds / 60} minute${seconds === 60 ? '' : 's'}`;
  return `${seconds} seconds`;
}
