import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Environment } from '../db/tables/projects_batches.ts';
import { newId } from '../domain/ids.ts';

export interface CallbackEvent {
  accountId: string;
  environment: Environment;
  subjectType: 'task' | 'batch';
  subjectId: string;
  event: string;
  target: string;
  payload: unknown;
}

/** Outbox rows and delivery attempts. The only code that builds SQL for these tables. */
export class OutboxRepository {
  /**
   * Queues a callback. Pass the transaction that makes the state change, so the event is
   * committed with it or not at all. A newer event for the same subject supersedes one still
   * waiting (contract 8.4: the newer body carries the full current object).
   */
  static async enqueue(db: Kysely<Database>, event: CallbackEvent, now = Date.now()): Promise<void> {
    await db
      .updateTable('outbox')
      .set({ state: 'superseded', updated_at: now, finished_at: now })
      .where('subject_type', '=', event.subjectType)
      .where('subject_id', '=', event.subjectId)
      .where('state', '=', 'pending')
      .execute();
    await db
      .insertInto('outbox')
      .values({
        id: newId(now),
        account_id: event.accountId,
        environment: event.environment,
        subject_type: event.subjectType,
        subject_id: event.subjectId,
        event: event.event,
        target: event.target,
        payload: JSON.stringify(event.payload),
        state: 'pending',
        attempts: 0,
        next_attempt_at: now,
        claimed_until: null,
        created_at: now,
        updated_at: now,
        finished_at: null,
      })
      .execute();
  }
}
