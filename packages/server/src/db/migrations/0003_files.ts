import type { Kysely, Migration } from 'kysely';
import type { DialectHelpers } from '../dialect.ts';

/** Uploaded and imported files (scoped to account and environment) and server-wide settings such as signing secrets. */
export function filesMigration(dialect: DialectHelpers): Migration {
  const time = dialect.timestampType;
  // Sizes can pass 2 GiB, so they take the 64-bit integer type that timestamps use.
  const bigInteger = dialect.timestampType;
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('files')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
        .addColumn('environment', 'text', (c) => c.notNull())
        .addColumn('display_name', 'text')
        .addColumn('mime_type', 'text')
        .addColumn('size', bigInteger)
        .addColumn('sha256', 'text')
        .addColumn('storage_key', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('source_url', 'text')
        .addColumn('error', 'text')
        .addColumn('project_names', 'text', (c) => c.notNull())
        .addColumn('import_attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('claimed_until', time)
        .addColumn('created_at', time, (c) => c.notNull())
        .addColumn('updated_at', time, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('files_recent').on('files').columns(['account_id', 'environment', 'created_at', 'id']).execute();
      // The import runner looks for `importing` rows whose claim is free or expired.
      await db.schema.createIndex('files_importing').on('files').columns(['state', 'claimed_until']).execute();

      await db.schema
        .createTable('settings')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('created_at', time, (c) => c.notNull())
        .execute();
    },
  };
}
