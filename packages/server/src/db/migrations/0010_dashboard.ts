import type { Kysely, Migration } from 'kysely';
import type { DialectHelpers } from '../dialect.ts';

/**
 * The manager dashboard's read paths: throughput counts completed tasks per hour or day over a
 * range, which without this index would read every task of the environment.
 */
export function dashboardMigration(_dialect: DialectHelpers): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.createIndex('tasks_completed').on('tasks').columns(['account_id', 'environment', 'completed_at']).execute();
    },
  };
}
