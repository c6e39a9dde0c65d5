import { sql, type Kysely, type Migration } from 'kysely';
import type { DialectHelpers } from '../dialect.ts';

/**
 * The manager dashboard's read paths (docs/app-api.md, Dashboard), each an index range read:
 * - throughput counts completed tasks per hour or day over a range: a partial index on completed
 *   tasks that also holds project_id, so the count never reads the table;
 * - labeler statistics total each teammate's attempts of one kind over a range: the columns they
 *   add up ride along in the index, and task_id lets the agreement join probe task_work directly.
 */
export function dashboardMigration(_dialect: DialectHelpers): Migration {
  return {
    async up(db: Kysely<any>) {
      await sql`create index tasks_completed on tasks (account_id, environment, completed_at, project_id) where status = 'completed'`.execute(db);
      await db.schema
        .createIndex('task_attempts_user_kind')
        .on('task_attempts')
        .columns(['user_id', 'kind', 'submitted_at', 'project_id', 'time_spent_ms', 'score', 'task_id'])
        .execute();
    },
  };
}
