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
    if (attempt.kind === 'gold') throw new Conflict(notPending(taskId, 'completed').message);
    if (request.windowMs <= 0) throw new Conflict('Reopening submissions is turned off on this server (TAGWRIGHT_REOPEN_SECONDS=0).');

    // Give back any other label task the caller holds (draft kept), as asking for another project does.
    // Lock order (docs/tasks.md): that lease first, then both tasks in id order, so this transaction,
    // which holds two tasks, takes them as the callback worker and the expiry sweep do.
    const held = await queue.heldLease(userId, 'label', now);
    const other = held && held.task_id !== taskId ? await queue.lockLease(trx, held.id) : undefined;
    if (other) {
      for (const id of [other.task_id, taskId].sort()) await tasks.lock(id);
      await queue.endLease(trx, other, now, { requeue: true });
    }

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

/** One of the labeler's recent submissions, and whether it can still be reopened (else why not). */
export interface RecentSubmission {
  task_id: string;
  project: string;
  type: string;
  submitted_at: number;
  reopenable: boolean;
  closed_because?: ClosedBecause;
  reason?: string;
}

/**
 * The caller's label submissions within the reopen window, newest first (one per task), each with
 * whether it can be reopened now, judged by the same rules as `reopen` (read without locks: the
 * reopen itself decides again under the task lock).
 */
export async function recentSubmissions(
  db: Kysely<Database>,
  dialect: DialectHelpers,
  request: Omit<ReopenRequest, 'taskId' | 'leaseMs'> & { limit: number },
): Promise<RecentSubmission[]> {
  if (request.windowMs <= 0) return [];
  const records = new WorkRecordRepository(db, dialect);
  const tasks = new TaskRepository(db, dialect);
  const attempts = await records.recentLabelAttempts(request.userId, request.now - request.windowMs, request.limit);
  const newest = attempts.filter((attempt, index) => attempts.findIndex((other) => other.task_id === attempt.task_id) === index);
  const entries = await Promise.all(
    newest.map(async (attempt): Promise<RecentSubmission | undefined> => {
      const [task, work] = await Promise.all([tasks.findById(request.accountId, 'live', attempt.task_id), records.findWork(attempt.task_id)]);
      if (!task) return undefined;
      const closed = whyClosed(task, attempt, work, request);
      const entry: RecentSubmission = { task_id: task.id, project: task.project_name, type: task.type, submitted_at: attempt.submitted_at, reopenable: closed === undefined };
      if (closed) {
        entry.closed_because = closed.code;
        entry.reason = closed.message;
      }
      return entry;
    }),
  );
  return entries.filter((entry): entry is RecentSubmission => entry !== undefined);
}

/** Why a submission can no longer be reopened: a stable code for programs, a sentence for people. */
export type ClosedBecause = 'delivered' | 'ended' | 'reviewed' | 'too_late' | 'in_review' | 'in_use' | 'consensus_decided';

interface Closed {
  code: ClosedBecause;
  message: string;
}

/** Throws the Conflict that says why this attempt cannot be reopened; returns when it can. */
function checkReopenable(task: Task, attempt: Attempt, work: TaskWork | undefined, request: ReopenRequest): void {
  const closed = whyClosed(task, attempt, work, request);
  if (closed) throw new Conflict(closed.message);
}

/** Why this attempt can no longer be reopened, or undefined when it can (the table in docs/work-queue.md). */
function whyClosed(task: Task, attempt: Attempt, work: TaskWork | undefined, request: Pick<ReopenRequest, 'now' | 'windowMs'>): Closed | undefined {
  const id = task.id;
  if (task.status !== 'pending') return notPending(id, task.status);
  if (!work || attempt.round !== work.round) {
    return { code: 'reviewed', message: `Task ${id} has been reviewed since you submitted it (a reviewer sent it back for another round); it can no longer be reopened.` };
  }
  const windowSecs = Math.round(request.windowMs / 1000);
  if (request.now - attempt.submitted_at > request.windowMs) {
    return { code: 'too_late', message: `You submitted task ${id} more than ${describeSeconds(windowSecs)} ago; a submission can be reopened for ${describeSeconds(windowSecs)} (TAGWRIGHT_REOPEN_SECONDS).` };
  }
  switch (task.work_state) {
    case 'reviewing':
      return { code: 'in_review', message: `A reviewer is reviewing task ${id} now; it can no longer be reopened.` };
    case 'in_progress':
      return { code: 'in_use', message: `Another labeler is working on task ${id} now; try again when they have submitted or given it back.` };
    case 'review':
      if (work.attempts > 1) return { code: 'consensus_decided', message: `All ${work.attempts} consensus attempts of task ${id} are in and their merge waits for review; it can no longer be reopened.` };
      return undefined;
    case 'queued':
      return undefined;
    default:
      return notPending(id, task.work_state);
  }
}

function notPending(taskId: string, status: string): Closed {
  if (status === 'completed') return { code: 'delivered', message: `Task ${taskId} is completed: its response has been delivered (callback sent), so it can no longer be reopened.` };
  return { code: 'ended', message: `Task ${taskId} is no longer pending: it is ${status}, so it can no longer be reopened.` };
}

function describeSeconds(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} hour${seconds === 3600 ? '' : 's'}`;
  if (seconds % 60 === 0) return `${seconds / 60} minute${seconds === 60 ? '' : 's'}`;
  return `${seconds} seconds`;
}
