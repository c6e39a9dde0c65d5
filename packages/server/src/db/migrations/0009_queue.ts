import { sql, type Kysely, type Migration } from 'kysely';
import type { DialectHelpers } from '../dialect.ts';

/**
 * The work queue (docs/work-queue.md): leases, attempts, skips, drafts, per-task pipeline state and
 * labelers' gold scores, plus the indexes that make "next task" an index probe at any queue size.
 */
export function queueMigration(dialect: DialectHelpers): Migration {
  const time = dialect.timestampType;
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('task_leases')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('task_id', 'text', (c) => c.notNull())
        .addColumn('task_source', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('started_at', time, (c) => c.notNull())
        .addColumn('expires_at', time, (c) => c.notNull())
        .execute();
      // The database itself refuses a second lease on a customer task: never two labelers on one task.
      await sql`create unique index task_leases_one_per_task on task_leases (task_id) where task_source = 'task'`.execute(db);
      await db.schema.createIndex('task_leases_per_user').on('task_leases').columns(['task_source', 'task_id', 'user_id']).unique().execute();
      await db.schema.createIndex('task_leases_held').on('task_leases').columns(['user_id', 'kind', 'expires_at']).execute();
      await db.schema.createIndex('task_leases_expiry').on('task_leases').column('expires_at').execute();

      await db.schema
        .createTable('task_attempts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('project_id', 'text', (c) => c.notNull())
        .addColumn('task_id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('round', 'integer', (c) => c.notNull())
        .addColumn('attempt_no', 'integer')
        .addColumn('response', 'text')
        .addColumn('started_at', time, (c) => c.notNull())
        .addColumn('submitted_at', time, (c) => c.notNull())
        .addColumn('time_spent_ms', time, (c) => c.notNull())
        .addColumn('score', 'double precision')
        .addColumn('result', 'text')
        .addColumn('comments', 'text')
        .execute();
      // "Never a task they already attempted": probed once per candidate row while claiming.
      await db.schema.createIndex('task_attempts_task_user').on('task_attempts').columns(['task_id', 'user_id']).execute();
      // Each required attempt of a round is recorded exactly once, whatever the concurrency.
      await db.schema.createIndex('task_attempts_slot').on('task_attempts').columns(['task_id', 'kind', 'round', 'attempt_no']).unique().execute();
      await db.schema.createIndex('task_attempts_user').on('task_attempts').columns(['user_id', 'submitted_at']).execute();

      await db.schema
        .createTable('task_skips')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('task_id', 'text', (c) => c.notNull())
        .addColumn('task_source', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('skipped_at', time, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('task_skips_task_user').on('task_skips').columns(['task_id', 'user_id', 'skipped_at']).execute();

      await db.schema
        .createTable('task_drafts')
        .addColumn('task_id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('response', 'text', (c) => c.notNull())
        .addColumn('updated_at', time, (c) => c.notNull())
        .addPrimaryKeyConstraint('task_drafts_pk', ['task_id', 'user_id'])
        .execute();

      await db.schema
        .createTable('task_work')
        .addColumn('task_id', 'text', (c) => c.primaryKey())
        .addColumn('round', 'integer', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('pending_response', 'text')
        .addColumn('review_reason', 'text')
        .addColumn('agreement', 'double precision')
        .addColumn('updated_at', time, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('labeler_quality')
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('project_id', 'text', (c) => c.notNull())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('gold_attempts', 'integer', (c) => c.notNull())
        .addColumn('score_sum', 'double precision', (c) => c.notNull())
        .addColumn('updated_at', time, (c) => c.notNull())
        .addPrimaryKeyConstraint('labeler_quality_pk', ['user_id', 'project_id'])
        .execute();
      await db.schema.createIndex('labeler_quality_project').on('labeler_quality').columns(['project_id', 'user_id']).execute();

      // The queues themselves: one partial index per waiting state, in claim order within a source
      // (project, batch or '' for tasks outside batches). `coalesce` makes "no batch" an equality,
      // so PostgreSQL can read the index in order for it too (it cannot after `batch_id IS NULL`).
      for (const [name, state] of [
        ['tasks_label_queue', 'queued'],
        ['tasks_review_queue', 'review'],
      ] as const) {
        await sql`create index ${sql.id(name)} on tasks (project_id, (coalesce(batch_id, '')), priority ${dialect.indexDescNullsLast}, created_at, id) where work_state = ${sql.lit(state)}`.execute(db);
      }
      // Workable batches of a project, without reading its finished ones.
      await db.schema.createIndex('batches_project_status').on('batches').columns(['project_id', 'status']).execute();
    },
  };
}
