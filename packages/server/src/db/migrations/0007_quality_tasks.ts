import { sql, type Kysely, type Migration } from 'kysely';
import type { DialectHelpers } from '../dialect.ts';

/**
 * Evaluation and training tasks (contract 4.5), kept apart from customer tasks so they never appear
 * in `GET tasks`; the maintained task counters behind `GET tasks` totals; and an index that lets the
 * Idempotency-Key records be purged by age.
 */
export function qualityTasksMigration(dialect: DialectHelpers): Migration {
  const time = dialect.timestampType;
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('quality_tasks')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
        .addColumn('environment', 'text', (c) => c.notNull())
        // evaluation (gold, known answer) or training (onboarding).
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id'))
        .addColumn('batch_id', 'text', (c) => c.references('batches.id'))
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('instruction', 'text')
        .addColumn('params', 'text', (c) => c.notNull())
        .addColumn('callback_url', 'text')
        .addColumn('metadata', 'text', (c) => c.notNull())
        .addColumn('unique_id', 'text')
        .addColumn('tags', 'text')
        .addColumn('priority', 'integer')
        .addColumn('project_param_version', 'integer')
        .addColumn('expected_response', 'text')
        .addColumn('initial_response', 'text')
        .addColumn('created_at', time, (c) => c.notNull())
        .addColumn('updated_at', time, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('quality_tasks_unique_id').on('quality_tasks').columns(['account_id', 'environment', 'unique_id']).unique().execute();
      await db.schema.createIndex('quality_tasks_project').on('quality_tasks').columns(['project_id', 'kind', 'created_at', 'id']).execute();

      // One row per (account, environment, project, batch, type, status) with the number of tasks in
      // it, changed in the same transaction as every task insert and status change. `batch_key` is
      // the batch id or '' so that it can be part of the primary key.
      await db.schema
        .createTable('task_counts')
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('environment', 'text', (c) => c.notNull())
        .addColumn('project_id', 'text', (c) => c.notNull())
        .addColumn('batch_key', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('n', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('task_counts_pk', ['account_id', 'environment', 'project_id', 'batch_key', 'type', 'status'])
        .execute();
      await sql`
        insert into task_counts (account_id, environment, project_id, batch_key, type, status, n)
        select account_id, environment, project_id, coalesce(batch_id, ''), type, status, count(*)
        from tasks group by account_id, environment, project_id, coalesce(batch_id, ''), type, status
      `.execute(db);

      await db.schema.createIndex('idempotency_keys_age').on('idempotency_keys').column('created_at').execute();
    },
  };
}
