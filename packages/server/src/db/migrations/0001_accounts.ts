import type { Kysely, Migration } from 'kysely';
import type { DialectHelpers } from '../dialect.ts';

/** Accounts (Scale "customers"), their API keys and their teammates (users of the web UI). */
export function accountsMigration(dialect: DialectHelpers): Migration {
  const time = dialect.timestampType;
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('accounts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('callback_auth_key_live', 'text', (c) => c.notNull())
        .addColumn('callback_auth_key_test', 'text', (c) => c.notNull())
        .addColumn('default_callback_url', 'text')
        .addColumn('created_at', time, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('api_keys')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
        .addColumn('key_hash', 'text', (c) => c.notNull().unique())
        .addColumn('key_hint', 'text', (c) => c.notNull())
        .addColumn('environment', 'text', (c) => c.notNull())
        .addColumn('label', 'text')
        .addColumn('created_at', time, (c) => c.notNull())
        .addColumn('revoked_at', time)
        .execute();
      await db.schema.createIndex('api_keys_account').on('api_keys').columns(['account_id', 'created_at']).execute();

      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('first_name', 'text')
        .addColumn('last_name', 'text')
        .addColumn('company', 'text')
        .addColumn('password_hash', 'text')
        .addColumn('invite_token_hash', 'text')
        .addColumn('invite_expires_at', time)
        .addColumn('failed_logins', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('locked_until', time)
        .addColumn('created_at', time, (c) => c.notNull())
        .execute();
      // One person signs in with one email, so emails are unique across the deployment.
      await db.schema.createIndex('users_email').on('users').column('email').unique().execute();
      await db.schema.createIndex('users_account').on('users').columns(['account_id', 'created_at', 'id']).execute();
    },
  };
}
