import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Environment } from '../db/tables/projects_batches.ts';
import type { DialectHelpers } from '../db/dialect.ts';

/** What a callback is about: a task or a batch, by id. */
export interface CallbackSubject {
  type: 'task' | 'batch';
  id: string;
}

/**
 * The callback-related columns of tasks and batches: `callback_succeeded` after a delivery cycle
 * ends (contract 5.7, 8.5), and the ownership check behind the delivery-log endpoints.
 */
export class CallbackSubjectRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Sets callback_succeeded (and updated_at, as every wire-visible change does) on the given subjects. */
  async setCallbackSucceeded(subjects: CallbackSubject[], succeeded: boolean, now: number): Promise<void> {
    const value = succeeded ? 1 : 0;
    const taskIds = unique(subjects.filter((subject) => subject.type === 'task').map((subject) => subject.id));
    const batchIds = unique(subjects.filter((subject) => subject.type === 'batch').map((subject) => subject.id));
    if (taskIds.length > 0) {
      await this.db.updateTable('tasks').set({ callback_succeeded: value, updated_at: now }).where('id', 'in', taskIds).execute();
    }
    if (batchIds.length > 0) {
      await this.db.updateTable('batches').set({ callback_succeeded: value, updated_at: now }).where('id', 'in', batchIds).execute();
    }
  }

  /**
   * Locks the subjects' rows, batches first and then tasks, each in id order: the order in which
   * TaskLifecycle locks them before it touches their outbox rows. Recording a delivery locks its
   * outbox rows and then its subjects; without this, a state change holding a task and waiting for
   * that task's delivering outbox row deadlocked with it. SQLite's one writer needs no row locks.
   *
   * `FOR NO KEY UPDATE` (the lock an UPDATE of these columns takes): it waits for the lifecycle's
   * locks as FOR UPDATE would, but not for the key-share locks of foreign-key checks. Completing a
   * batch inserts its v2 delivery rows, whose checks key-share every completed task of the batch in
   * the order the rows come; holding some of those tasks FOR UPDATE in id order could make a circle
   * with them.
   */
  async lockInLifecycleOrder(subjects: CallbackSubject[], dialect: DialectHelpers): Promise<void> {
    if (dialect.name !== 'postgres') return;
    for (const [type, table] of [['batch', 'batches'], ['task', 'tasks']] as const) {
      const ids = unique(subjects.filter((subject) => subject.type === type).map((subject) => subject.id)).sort();
      if (ids.length > 0) await this.db.selectFrom(table).select('id').where('id', 'in', ids).orderBy('id').modifyEnd(sql`for no key update`).execute();
    }
  }

  /** True when the task or batch exists in this account and environment. */
  async belongsTo(subject: CallbackSubject, accountId: string, environment: Environment): Promise<boolean> {
    const table = subject.type === 'task' ? 'tasks' : 'batches';
    const row = await this.db
      .selectFrom(table)
      .select('id')
      .where('id', '=', subject.id)
      .where('account_id', '=', accountId)
      .where('environment', '=', environment)
      .executeTakeFirst();
    return row !== undefined;
  }
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
