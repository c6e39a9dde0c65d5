import type { Kysely, Migration } from 'kysely';
import type { DialectHelpers } from '../dialect.ts';

/**
 * API-key rate limits shared by every server process (docs/deployment.md): one token bucket per
 * key, which each process reads and spends from about once a second, and at once near the limit.
 */
export function rateLimitBucketsMigration(dialect: DialectHelpers): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('rate_limit_buckets')
        .addColumn('key_id', 'text', (c) => c.primaryKey())
        // Requests left, fractional: the bucket earns them back continuously.
        .addColumn('tokens', 'double precision', (c) => c.notNull())
        .addColumn('updated_at', dialect.timestampType, (c) => c.notNull())
        .execute();
    },
  };
}
