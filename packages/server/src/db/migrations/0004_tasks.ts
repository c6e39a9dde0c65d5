import type { Kysely, Migration } from 'kysely';
import type { DialectHelpers } from '../dialect.ts';

/** Customer tasks, their tags (for indexed tag filters) and Idempotency-Key records. */
export function tasksMigration(dialect: DialectHelpers): Migration {
  const time = dialect.timestampType;
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('tasks')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
        .addColumn('environment', 'text', (c) => c.notNull())
        .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id'))
        .addColumn('batch_id', 'text', (c) => c.references('batches.id'))
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('work_state', 'text', (c) => c.notNull())
        .addColumn('instruction', 'text')
        .addColumn('params', 'text', (c) => c.notNull())
        .addColumn('callback_url', 'text')
        .addColumn('callback_succeeded', 'integer')
        .addColumn('response', 'text')
        .addColumn('metadata', 'text', (c) => c.notNull())
        .addColumn('unique_id', 'text')
        .addColumn('tags', 'text')
        .addColumn('priority', 'integer')
        .addColumn('project_param_version', 'integer')
        .addColumn('customer_review_status', 'text')
        .addColumn('customer_review_comments', 'text')
        .addColumn('prior_responses', 'text')
        .addColumn('audits', 'text')
        .addColumn('created_at', time, (c) => c.notNull())
        .addColumn('updated_at', time, (c) => c.notNull())
        .addColumn('completed_at', time)
        .execute();
      // unique_id is unique per (account, environment) across projects and types (contract 7.1); NULLs never collide.
      await db.schema.createIndex('tasks_unique_id').on('tasks').columns(['account_id', 'environment', 'unique_id']).unique().execute();
      await db.schema.createIndex('tasks_recent').on('tasks').columns(['account_id', 'environment', 'created_at', 'id']).execute();
      await db.schema.createIndex('tasks_project_recent').on('tasks').columns(['project_id', 'created_at', 'id']).execute();
      await db.schema.createIndex('tasks_batch_recent').on('tasks').columns(['batch_id', 'created_at', 'id']).execute();
      await db.schema.createIndex('tasks_batch_status').on('tasks').columns(['batch_id', 'status']).execute();
      await db.schema.createIndex('tasks_project_status').on('tasks').columns(['project_id', 'status', 'created_at', 'id']).execute();

      await db.schema
        .createTable('task_tags')
        .addColumn('task_id', 'text', (c) => c.notNull().references('tasks.id'))
        .addColumn('tag', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('task_tags_pk', ['task_id', 'tag'])
        .execute();
      await db.schema.createIndex('task_tags_tag').on('task_tags').columns(['tag', 'task_id']).execute();

      await db.schema
        .createTable('idempotency_keys')
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('environment', 'text', (c) => c.notNull())
        .addColumn('idempotency_key', 'text', (c) => c.notNull())
        .addColumn('task_id', 'text', (c) => c.notNull())
        .addColumn('created_at', time, (c) => c.notNull())
        .addPrimaryKeyConstraint('idempotency_keys_pk', ['account_id', 'environment', 'idempotency_key'])
        .execute();
    },
  };
}
