import type { Migration } from 'kysely';
import type { DialectHelpers } from '../dialect.ts';
import { accountsMigration } from './0001_accounts.ts';
import { projectsBatchesMigration } from './0002_projects_batches.ts';
import { filesMigration } from './0003_files.ts';
import { tasksMigration } from './0004_tasks.ts';
import { outboxMigration } from './0005_outbox.ts';
import { workMigration } from './0006_work.ts';
import { qualityTasksMigration } from './0007_quality_tasks.ts';
import { deliveriesMigration } from './0008_deliveries.ts';
import { queueMigration } from './0009_queue.ts';
import { dashboardMigration } from './0010_dashboard.ts';
import { taskCountShardsMigration } from './0011_task_count_shards.ts';
import { deliveryLogRetentionMigration } from './0012_delivery_log_retention.ts';
import { passwordResetRequestsMigration } from './0013_password_reset_requests.ts';
import { chatMigration } from './0014_chat.ts';
import { rateLimitBucketsMigration } from './0015_rate_limit_buckets.ts';
import { taskAuditsMigration } from './0016_task_audits.ts';
import { draftPartsMigration } from './0017_draft_parts.ts';
import { partialBatchIndexesMigration } from './0018_partial_batch_indexes.ts';

/** Every migration by name; the Migrator runs them in name order. Never edit one that has shipped. */
export function migrations(dialect: DialectHelpers): Record<string, Migration> {
  return {
    '0001_accounts': accountsMigration(dialect),
    '0002_projects_batches': projectsBatchesMigration(dialect),
    '0003_files': filesMigration(dialect),
    '0004_tasks': tasksMigration(dialect),
    '0005_outbox': outboxMigration(dialect),
    '0006_work': workMigration(dialect),
    '0007_quality_tasks': qualityTasksMigration(dialect),
    '0008_deliveries': deliveriesMigration(dialect),
    '0009_queue': queueMigration(dialect),
    '0010_dashboard': dashboardMigration(dialect),
    '0011_task_count_shards': taskCountShardsMigration(dialect),
    '0012_delivery_log_retention': deliveryLogRetentionMigration(dialect),
    '0013_password_reset_requests': passwordResetRequestsMigration(dialect),
    '0014_chat': chatMigration(dialect),
    '0015_rate_limit_buckets': rateLimitBucketsMigration(dialect),
    '0016_task_audits': taskAuditsMigration(dialect),
    '0017_draft_parts': draftPartsMigration(dialect),
    '0018_partial_batch_indexes': partialBatchIndexesMigration(dialect),
  };
}
