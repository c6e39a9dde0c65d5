import type { Kysely, Migration } from 'kysely';
import type { DialectHelpers } from '../dialect.ts';

/**
 * The people who do the work: web sessions, Studio assignments (teammate ↔ project), project
 * groups and their members, and which groups work which batch. The work-queue area adds its own
 * migration for leases and attempts.
 */
export function workMigration(dialect: DialectHelpers): Migration {
  const time = dialect.timestampType;
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('sessions')
        // sha256 of the cookie token: a stolen database copy cannot be replayed as a cookie.
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
        .addColumn('csrf_token', 'text', (c) => c.notNull())
        .addColumn('created_at', time, (c) => c.notNull())
        .addColumn('expires_at', time, (c) => c.notNull())
        .addColumn('last_seen_at', time, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();
      await db.schema.createIndex('sessions_expiry').on('sessions').column('expires_at').execute();
      await db.schema.createIndex('sessions_last_seen').on('sessions').column('last_seen_at').execute();
      // Accepting an invitation looks the user up by the hash of its one-time token.
      await db.schema.createIndex('users_invite_token').on('users').column('invite_token_hash').execute();

      await db.schema
        .createTable('studio_assignments')
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id').onDelete('cascade'))
        .addColumn('created_at', time, (c) => c.notNull())
        .addPrimaryKeyConstraint('studio_assignments_pk', ['user_id', 'project_id'])
        .execute();
      await db.schema.createIndex('studio_assignments_project').on('studio_assignments').columns(['project_id', 'user_id']).execute();
      await db.schema.createIndex('studio_assignments_account').on('studio_assignments').columns(['account_id', 'user_id']).execute();

      await db.schema
        .createTable('project_groups')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
        .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('is_singleton', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', time, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('project_groups_name').on('project_groups').columns(['project_id', 'name']).unique().execute();
      await db.schema.createIndex('project_groups_order').on('project_groups').columns(['project_id', 'created_at', 'id']).execute();

      await db.schema
        .createTable('project_group_members')
        .addColumn('group_id', 'text', (c) => c.notNull().references('project_groups.id').onDelete('cascade'))
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('created_at', time, (c) => c.notNull())
        .addPrimaryKeyConstraint('project_group_members_pk', ['group_id', 'user_id'])
        .execute();
      await db.schema.createIndex('project_group_members_user').on('project_group_members').columns(['user_id', 'group_id']).execute();

      await db.schema
        .createTable('batch_groups')
        .addColumn('batch_id', 'text', (c) => c.notNull().references('batches.id').onDelete('cascade'))
        .addColumn('group_id', 'text', (c) => c.notNull().references('project_groups.id').onDelete('cascade'))
        .addColumn('position', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('batch_groups_pk', ['batch_id', 'group_id'])
        .execute();
      await db.schema.createIndex('batch_groups_group').on('batch_groups').columns(['group_id', 'batch_id']).execute();
      // Pending Studio batches in priority order, per (account, environment).
      await db.schema.createIndex('batches_studio_priority').on('batches').columns(['account_id', 'environment', 'studio_priority', 'created_at', 'id']).execute();
    },
  };
}
