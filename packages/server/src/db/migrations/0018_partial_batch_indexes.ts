import { sql, type Kysely, type Migration } from 'kysely';
import type { DialectHelpers } from '../dialect.ts';

/**
 * The two task indexes on batch_id hold batched tasks only. Every query that reads them names one
 * batch (`batch_id = ?`: a batch's page of tasks, its pending or queued tasks, whether it has any),
 * and both databases use a `where batch_id is not null` index for such an equality; no query looks
 * for tasks without a batch through them (the work queue's "no batch" is coalesce(batch_id, '') in
 * its own indexes). A task created outside a batch, the common create, used to add an entry to each
 * of them all the same: two of the nine B-trees a task insert writes. Measured on SQLite with the
 * task schema, 16 creates per transaction (task insert and counter upsert): 26–29 µs per create
 * before, 22–23 µs after (docs/tasks.md, "Indexes of the task table").
 */
export function partialBatchIndexesMigration(_dialect: DialectHelpers): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.dropIndex('tasks_batch_recent').execute();
      await db.schema.dropIndex('tasks_batch_status').execute();
      await sql`create index tasks_batch_recent on tasks (batch_id, created_at, id) where batch_id is not null`.execute(db);
      await sql`create index tasks_batch_status on tasks (batch_id, status) where batch_id is not null`.execute(db);
    },
  };
}
