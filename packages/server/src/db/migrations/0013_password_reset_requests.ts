import type { Kysely, Migration } from 'kysely';
import type { DialectHelpers } from '../dialect.ts';

/**
 * Self-service password-reset requests (docs/auth-and-roles.md, Forgot password): one row per
 * request that was let through, counted per email and per client address over the last hour.
 * In the database rather than in memory so the limit holds across several server processes.
 */
export function passwordResetRequestsMigration(dialect: DialectHelpers): Migration {
  const time = dialect.timestampType;
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('password_reset_requests')
        .addColumn('id', 'text', (c) => c.primaryKey())
        // sha256 of the normalised email: addresses of strangers are not kept.
        .addColumn('email_hash', 'text', (c) => c.notNull())
        .addColumn('client_address', 'text', (c) => c.notNull())
        .addColumn('created_at', time, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('password_reset_requests_email').on('password_reset_requests').columns(['email_hash', 'created_at']).execute();
      await db.schema.createIndex('password_reset_requests_address').on('password_reset_requests').columns(['client_address', 'created_at']).execute();
      await db.schema.createIndex('password_reset_requests_time').on('password_reset_requests').columns(['created_at']).execute();
    },
  };
}
