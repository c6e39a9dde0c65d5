import type { Kysely, Migration } from 'kysely';
import type { DialectHelpers } from '../dialect.ts';

/** Projects (with their parameter history) and batches, both scoped to (account, environment). */
export function projectsBatchesMigration(dialect: DialectHelpers): Migration {
  const time = dialect.timestampType;
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('projects')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
        .addColumn('environment', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('param_history', 'text', (c) => c.notNull())
        .addColumn('rapid', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('studio', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('archived', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('pipeline', 'text')
        .addColumn('consensus_attempts', 'integer')
        .addColumn('dataset_id', 'text')
        .addColumn('created_at', time, (c) => c.notNull())
        .addColumn('updated_at', time, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('projects_name').on('projects').columns(['account_id', 'environment', 'name']).unique().execute();
      await db.schema.createIndex('projects_recent').on('projects').columns(['account_id', 'environment', 'created_at', 'id']).execute();

      await db.schema
        .createTable('batches')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
        .addColumn('environment', 'text', (c) => c.notNull())
        .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('callback', 'text')
        .addColumn('calibration_batch', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('self_label_batch', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('metadata', 'text', (c) => c.notNull())
        .addColumn('priority', 'integer')
        .addColumn('studio_priority', 'integer')
        .addColumn('archived', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('callback_succeeded', 'integer')
        .addColumn('created_at', time, (c) => c.notNull())
        .addColumn('updated_at', time, (c) => c.notNull())
        .addColumn('completed_at', time)
        .execute();
      await db.schema.createIndex('batches_name').on('batches').columns(['account_id', 'environment', 'name']).unique().execute();
      await db.schema.createIndex('batches_recent').on('batches').columns(['account_id', 'environment', 'created_at', 'id']).execute();
      await db.schema.createIndex('batches_project_recent').on('batches').columns(['project_id', 'created_at', 'id']).execute();
    },
  };
}
