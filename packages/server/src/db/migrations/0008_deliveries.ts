import type { Kysely, Migration } from 'kysely';
import type { DialectHelpers } from '../dialect.ts';

/**
 * v2 deliveries (contract 9.3): an immutable, named set of completed tasks of one project, created
 * in the transaction in which a batch becomes completed. `delivery_tasks` lists the members; it
 * repeats the project so that a project's delivered tasks page by index, and records the task's
 * `completed_at` at delivery so that a task recalled and completed again is delivered again.
 */
export function deliveriesMigration(dialect: DialectHelpers): Migration {
  const time = dialect.timestampType;
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('deliveries')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
        .addColumn('environment', 'text', (c) => c.notNull())
        .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id'))
        .addColumn('batch_id', 'text', (c) => c.notNull().references('batches.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('task_count', 'integer', (c) => c.notNull())
        .addColumn('delivered_at', time, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('deliveries_recent').on('deliveries').columns(['account_id', 'environment', 'delivered_at', 'id']).execute();
      await db.schema.createIndex('deliveries_project_recent').on('deliveries').columns(['project_id', 'delivered_at', 'id']).execute();
      await db.schema.createIndex('deliveries_project_name').on('deliveries').columns(['project_id', 'name', 'delivered_at']).execute();
      await db.schema.createIndex('deliveries_batch').on('deliveries').columns(['batch_id', 'delivered_at']).execute();

      await db.schema
        .createTable('delivery_tasks')
        .addColumn('delivery_id', 'text', (c) => c.notNull().references('deliveries.id'))
        .addColumn('task_id', 'text', (c) => c.notNull().references('tasks.id'))
        .addColumn('project_id', 'text', (c) => c.notNull())
        // The task's completed_at when it was delivered: a later completion (after a recall) is new.
        .addColumn('completed_at', time, (c) => c.notNull())
        .addPrimaryKeyConstraint('delivery_tasks_pk', ['delivery_id', 'task_id'])
        .execute();
      await db.schema.createIndex('delivery_tasks_task').on('delivery_tasks').columns(['task_id', 'completed_at']).execute();
      await db.schema.createIndex('delivery_tasks_project').on('delivery_tasks').columns(['project_id', 'delivery_id', 'task_id']).execute();
    },
  };
}
