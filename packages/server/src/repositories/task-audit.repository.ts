import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { TaskAuditsTable } from '../db/tables/task_audits.ts';

/** Which audits to count: an account's, optionally one project's, optionally within [from, to). */
export interface AuditRange {
  accountId: string;
  /** The labelers to count for (the account's teammates). */
  userIds: readonly string[];
  projectId?: string;
  from?: number;
  to?: number;
}

/**
 * Customer audits as rows (migration 0016_task_audits). The only code that builds SQL for
 * task_audits. The audit is written in the auditing transaction, beside the `audits` JSON entry.
 */
export class TaskAuditRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(audit: TaskAuditsTable): Promise<void> {
    await this.db.insertInto('task_audits').values(audit).execute();
  }

  /**
   * Per labeler, how the customer judged the tasks they labeled: counts per audit result. Reads
   * the account's audits in the range (an index range on (account_id, audited_at)), each joined to
   * the label attempts of its labeled round through the (task_id, kind, round, attempt_no) index; a
   * consensus task's audit counts for each of its round's labelers.
   */
  async outcomesByLabeler(range: AuditRange): Promise<Map<string, Record<string, number>>> {
    if (range.userIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('task_audits as a')
      .innerJoin('task_attempts as l', (join) => join.onRef('l.task_id', '=', 'a.task_id').on('l.kind', '=', sql.lit('label') as never).onRef('l.round', '=', 'a.labeled_round'))
      .select(['l.user_id', 'a.result', (eb) => eb.fn.countAll<number>().as('n')])
      .where('a.account_id', '=', range.accountId)
      .where('l.user_id', 'in', [...range.userIds])
      .$if(range.from !== undefined, (query) => query.where('a.audited_at', '>=', range.from!))
      .$if(range.to !== undefined, (query) => query.where('a.audited_at', '<', range.to!))
      .$if(range.projectId !== undefined, (query) => query.where('a.project_id', '=', range.projectId!))
      .groupBy(['l.user_id', 'a.result'])
      .execute();
    const outcomes = new Map<string, Record<string, number>>();
    for (const row of rows) {
      const entry = outcomes.get(row.user_id) ?? {};
      entry[row.result] = Number(row.n);
      outcomes.set(row.user_id, entry);
    }
    return outcomes;
  }
}
