import type { Kysely, Migration } from 'kysely';
import type { DialectHelpers } from '../dialect.ts';

/**
 * Drafts saved by the part (docs/app-api.md, `PATCH tasks/:id/draft`): a long chat thread's autosave
 * sends the turns that changed, not the whole conversation. One row per (task, user, JSON pointer);
 * `revision` is the writer's edit order, so a patch that arrives late never replaces a newer edit.
 */
export function draftPartsMigration(dialect: DialectHelpers): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('task_draft_parts')
        .addColumn('task_id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('path', 'text', (c) => c.notNull())
        // JSON.
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('revision', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', dialect.timestampType, (c) => c.notNull())
        .addPrimaryKeyConstraint('task_draft_parts_pk', ['task_id', 'user_id', 'path'])
        .execute();
    },
  };
}
