import type { Caller } from './account.service.ts';
import type { AttemptPage, OutboxRepository, OutboxRow } from '../repositories/outbox.repository.ts';
import type { CallbackSubject, CallbackSubjectRepository } from '../repositories/callback-subject.repository.ts';
import { InvalidRequest, NotFound } from '../domain/errors.ts';

export const DEFAULT_ATTEMPT_PAGE = 100;
export const MAX_ATTEMPT_PAGE = 1000;

export interface AttemptListQuery {
  limit?: number;
  nextToken?: string;
}

export interface AttemptList extends AttemptPage {
  nextToken?: string;
}

/** The callback delivery log and manual redelivery of a task's or batch's callback (docs/callbacks.md). */
export class CallbackService {
  constructor(
    private readonly outbox: OutboxRepository,
    private readonly subjects: CallbackSubjectRepository,
    /** Wakes an in-process worker after a delivery is queued. */
    private readonly notifyWork: () => void,
  ) {}

  /** Delivery attempts of the subject, newest first; 404 unless it belongs to the caller's account and environment. */
  async listAttempts(caller: Caller, subject: CallbackSubject, query: AttemptListQuery): Promise<AttemptList> {
    await this.requireOwned(caller, subject);
    const limit = Math.min(query.limit ?? DEFAULT_ATTEMPT_PAGE, MAX_ATTEMPT_PAGE);
    if (limit < 1) throw new InvalidRequest("Invalid value for 'limit': must be at least 1.");
    const page = await this.outbox.listAttempts(subject, limit, query.nextToken ? decodeToken(query.nextToken) : undefined);
    return { ...page, nextToken: page.next ? encodeToken(page.next) : undefined };
  }

  /** Queues a fresh delivery of the subject's latest callback event; 400 when it never had one. */
  async redeliver(caller: Caller, subject: CallbackSubject): Promise<OutboxRow> {
    await this.requireOwned(caller, subject);
    const latest = await this.outbox.latestForSubject(subject);
    if (!latest) throw new InvalidRequest(`The ${subject.type} ${subject.id} has never had a callback to deliver, so there is nothing to send again.`);
    const queued = await this.outbox.requeue(latest);
    this.notifyWork();
    return queued;
  }

  /**
   * Forgets delivery history older than `cutoff`: attempts, and finished outbox rows other than each
   * subject's latest. Deletes in batches of `batchSize` (short transactions; other writers interleave)
   * and stops after `maxBatches` per call, so one pass is bounded; returns how many rows went.
   */
  async purgeHistory(cutoff: number, batchSize = 1000, maxBatches = 100): Promise<number> {
    let purged = 0;
    for (const purge of [(limit: number) => this.outbox.purgeAttempts(cutoff, limit), (limit: number) => this.outbox.purgeFinished(cutoff, limit)]) {
      for (let batch = 0; batch < maxBatches; batch++) {
        const deleted = await purge(batchSize);
        purged += deleted;
        if (deleted < batchSize) break;
      }
    }
    return purged;
  }

  private async requireOwned(caller: Caller, subject: CallbackSubject): Promise<void> {
    if (!(await this.subjects.belongsTo(subject, caller.account.id, caller.environment))) {
      throw new NotFound(`No ${subject.type} with id ${subject.id}.`);
    }
  }
}

function encodeToken(position: { attemptedAt: number; id: string }): string {
  return Buffer.from(`${position.attemptedAt}:${position.id}`, 'utf8').toString('base64url');
}

function decodeToken(token: string): { attemptedAt: number; id: string } {
  const match = /^(\d+):([A-Za-z0-9_-]+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  if (!match) throw new InvalidRequest("Invalid value for 'next_token': pass the next_token of the previous page unchanged.");
  return { attemptedAt: Number(match[1]), id: match[2] };
}
