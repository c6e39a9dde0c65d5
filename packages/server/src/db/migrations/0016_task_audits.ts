import type { Kysely, Migration } from 'kysely';
import type { DialectHelpers } from '../dialect.ts';

/** Tasks read per step of the backfill (keyset pages by id). */
const BACKFILL_PAGE = 500;

/**
 * Customer audits as rows (`task_audits`), so labeler stats can count accepted and rejected audits
 * per labeler at any size: an index range by (account, time), each audit finding its labelers
 * through the attempts' (task_id, kind, round, attempt_no) index. The audits already stored in
 * `tasks.audits` are copied once (internal reviews stay out: they are review attempts already).
 */
export function taskAuditsMigration(dialect: DialectHelpers): Migration {
  return {
    async up(db: Kysely<any>) {
      const time = dialect.timestampType;
      await db.schema
        .createTable('task_audits')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('project_id', 'text', (c) => c.notNull())
        .addColumn('task_id', 'text', (c) => c.notNull())
        .addColumn('labeled_round', 'integer')
        .addColumn('result', 'text', (c) => c.notNull())
        .addColumn('audited_by', 'text', (c) => c.notNull())
        .addColumn('audited_at', time, (c) => c.notNull())
        .addColumn('audit_time_ms', time, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('task_audits_account_time').on('task_audits').columns(['account_id', 'audited_at']).execute();
      await db.schema.createIndex('task_audits_task').on('task_audits').column('task_id').execute();
      await backfillTaskAudits(db);
    },
  };
}

/** Copies the customer audits held in `tasks.audits` into task_audits (exported for its test). */
export async function backfillTaskAudits(db: Kysely<any>): Promise<void> {
  let after = '';
  for (;;) {
    const tasks = await db
      .selectFrom('tasks as t')
      .leftJoin('task_work as w', 'w.task_id', 't.id')
      .select(['t.id', 't.account_id', 't.project_id', 't.audits', 'w.round'])
      .where('t.id', '>', after)
      .where('t.audits', 'is not', null)
      .orderBy('t.id')
      .limit(BACKFILL_PAGE)
      .execute();
    if (tasks.length === 0) return;
    after = tasks.at(-1)!.id;
    const rows = tasks.flatMap((task) => auditRows(task));
    if (rows.length > 0) await db.insertInto('task_audits').values(rows).execute();
  }
}

function auditRows(task: { id: string; account_id: string; project_id: string; audits: unknown; round: number | null }): Record<string, unknown>[] {
  let entries: unknown;
  try {
    entries = typeof task.audits === 'string' ? JSON.parse(task.audits) : task.audits;
  } catch {
    return [];
  }
  if (!Array.isArray(entries)) return [];
  // A task completed through the queue has moved past its labeled round (task_work.round counts on).
  const labeledRound = task.round === null || task.round === undefined || Number(task.round) < 1 ? null : Number(task.round) - 1;
  return entries.flatMap((entry, index) => {
    if (typeof entry !== 'object' || entry === null || entry.audit_source === 'internal' || typeof entry.audit_result !== 'string') return [];
    const at = Date.parse(entry.audited_at);
    return [
      {
        id: `${task.id}-audit-${index}`,
        account_id: task.account_id,
        project_id: task.project_id,
        task_id: task.id,
        labeled_round: labeledRound,
        result: entry.audit_result,
        audited_by: typeof entry.audited_by === 'string' ? entry.audited_by : '',
        audited_at: Number.isFinite(at) ? at : 0,
        audit_time_ms: typeof entry.audit_time_secs === 'number' && Number.isFinite(entry.audit_time_secs) ? Math.round(entry.audit_time_secs * 1000) : 0,
      },
    ];
  });
}
