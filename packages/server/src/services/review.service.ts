import type { Db } from '../db/connect.ts';
import type { TaskLifecycle } from './task-lifecycle.ts';
import { TaskRepository, type AuditEntry, type Task } from '../repositories/task.repository.ts';
import { WorkRecordRepository } from '../repositories/work-record.repository.ts';
import { QueueRepository } from '../repositories/queue.repository.ts';
import { InvalidRequest, NotFound } from '../domain/errors.ts';
import { newId } from '../domain/ids.ts';
import { objectBody, readString } from '../domain/lenient.ts';
import { toIso } from '../domain/time.ts';
import { validateResponse } from './response-validation.ts';
import { statedImageSize } from '../domain/image-size.ts';
import { readTimeSpent, type QueueService, type Worker } from './queue.service.ts';

export const REVIEW_RESULTS = ['accepted', 'rejected', 'fixed', 'commented'] as const;
export type ReviewResult = (typeof REVIEW_RESULTS)[number];

/**
 * Internal review (docs/work-queue.md): a reviewer holding a review lease accepts the response under
 * review, fixes it, comments on it, or rejects it. Accept, fix and comment complete the task through
 * the lifecycle (callback, batch completion); reject sends it back to the label queue for another
 * labeler, who sees the comments. Each decision is an `audits` entry with `audit_source: internal`;
 * `customer_review_status` stays the customer's (it is set only by customer audits).
 */
export class ReviewService {
  constructor(
    private readonly db: Db,
    private readonly queue: QueueService,
    private readonly lifecycle: TaskLifecycle,
    private readonly notifyWork: () => void,
  ) {}

  /**
   * Writes, before the transaction, the result files of what it will store: the response under review
   * (accepted, or kept in prior_responses under a fix) and the fix. A pending response that changes in
   * between (it cannot while the review lease is held) is rendered inside the transaction instead.
   */
  private async prepareResults(task: Pick<Task, 'id' | 'type' | 'params'>, fix: unknown): Promise<void> {
    const work = await new WorkRecordRepository(this.db.kysely, this.db.dialect).findWork(task.id);
    if (work?.pending_response != null) await this.lifecycle.prepareResults(task, work.pending_response);
    if (fix !== undefined) await this.lifecycle.prepareResults(task, fix);
  }

  /** `POST tasks/:id/review`. Answers where the task went: `completed` or `queued` (rejected). */
  async review(worker: Worker, taskId: string, rawBody: unknown): Promise<'completed' | 'queued'> {
    const body = objectBody(rawBody);
    const leaseId = readString(body.lease_id, 'lease_id');
    if (!leaseId) throw new InvalidRequest("Missing required parameter 'lease_id': the review lease from queue/next?kind=review.");
    const result = readString(body.result, 'result') as ReviewResult | undefined;
    if (!result || !REVIEW_RESULTS.includes(result)) {
      throw new InvalidRequest(`${result ? 'Invalid' : 'Missing required'} parameter 'result': use one of ${REVIEW_RESULTS.join(', ')}.`);
    }
    const comments = readString(body.comments, 'comments')?.trim() || undefined;
    if ((result === 'rejected' || result === 'commented') && !comments) {
      throw new InvalidRequest(`Missing required parameter 'comments': a ${result} review must say why, for the labeler who sees the task next.`);
    }
    const timeSpentMs = readTimeSpent(body.time_spent_secs);
    const now = Date.now();
    await this.queue.requireLease(worker, taskId, leaseId, now, 'review');
    const task = await new TaskRepository(this.db.kysely, this.db.dialect).findById(worker.caller.account.id, 'live', taskId);
    if (!task) throw new NotFound(`No task with id "${taskId}" exists.`);
    if (result === 'fixed') {
      if (body.response === undefined) throw new InvalidRequest("Missing required parameter 'response': the corrected response of a fixed review.");
      validateResponse(task.type, task.params, body.response, { imageSize: statedImageSize(task.metadata) });
    }

    if (result !== 'rejected') await this.prepareResults(task, result === 'fixed' ? body.response : undefined);

    const next = await this.lifecycle.transaction(this.db.kysely, async (trx) => {
      const { current, lease } = await this.queue.lockWork(trx, worker, task, leaseId, now, 'reviewing');
      const records = new WorkRecordRepository(trx, this.db.dialect);
      const tasks = new TaskRepository(trx, this.db.dialect);
      const work = (await records.findWork(task.id)) ?? { task_id: task.id, round: 0, attempts: 0, pending_response: null, review_reason: null, agreement: null };
      await records.insertAttempt({
        id: newId(now),
        account_id: task.account_id,
        project_id: task.project_id,
        task_id: task.id,
        user_id: worker.userId,
        kind: 'review',
        round: work.round,
        attempt_no: 1,
        response: result === 'fixed' ? body.response : null,
        started_at: lease.started_at,
        submitted_at: now,
        time_spent_ms: timeSpentMs,
        score: null,
        result,
        comments: comments ?? null,
      });
      const queue = new QueueRepository(trx, this.db.dialect);
      await queue.deleteLease(trx, leaseId);
      await records.deleteDraft(task.id, worker.userId);

      const entry: AuditEntry = { audit_result: result, audited_by: worker.email, audited_at: toIso(now), audit_time_secs: Math.round(timeSpentMs / 1000), audit_source: 'internal' };
      if (comments) entry.comments = comments;
      const audits = [...(current.audits ?? []), entry];

      if (result === 'rejected') {
        await tasks.update(task.id, { audits }, now);
        await records.saveWork({ task_id: task.id, round: work.round + 1, attempts: 0, pending_response: null, review_reason: null, agreement: work.agreement }, now);
        await queue.moveWorkState(trx, task.id, 'queued');
        return 'queued' as const;
      }
      if (result === 'fixed') {
        // The labelers' response goes to prior_responses when the lifecycle completes the task with the fix
        // (after a recalled task's last response, which it pushes first).
        const prior = current.response !== null ? [...(current.prior_responses ?? []), current.response] : current.prior_responses;
        await tasks.update(task.id, { audits, prior_responses: prior ?? undefined, response: work.pending_response }, now);
      } else {
        await tasks.update(task.id, { audits }, now);
      }
      await records.saveWork({ task_id: task.id, round: work.round + 1, attempts: 0, pending_response: null, review_reason: null, agreement: work.agreement }, now);
      const final = result === 'fixed' ? body.response : work.pending_response;
      await this.lifecycle.completeTask(trx, current, final);
      return 'completed' as const;
    });
    if (next === 'completed') this.notifyWork();
    return next;
  }
}
