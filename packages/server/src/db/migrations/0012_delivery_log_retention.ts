import type { Kysely, Migration } from 'kysely';
import type { DialectHelpers } from '../dialect.ts';

/**
 * Indexes for the delivery-log purge (jobs/purges.ts): finished outbox rows and delivery
 * attempts past the retention are found by time, in bounded batches, without scanning either table.
 */
export function deliveryLogRetentionMigration(_dialect: DialectHelpers): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.createIndex('outbox_finished').on('outbox').columns(['finished_at']).execute();
      await db.schema.createIndex('delivery_attempts_time').on('delivery_attempts').columns(['attempted_at']).execute();
    },
  };
}
