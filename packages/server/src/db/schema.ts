import type { AccountTables } from './tables/accounts.ts';
import type { ProjectBatchTables } from './tables/projects_batches.ts';
import type { FileTables } from './tables/files.ts';
import type { TaskTables } from './tables/tasks.ts';
import type { OutboxTables } from './tables/outbox.ts';
import type { WorkTables } from './tables/work.ts';
import type { QualityTaskTables } from './tables/quality_tasks.ts';
import type { DeliveryTables } from './tables/deliveries.ts';
import type { QueueTables } from './tables/queue.ts';
import type { PasswordResetRequestTables } from './tables/password_reset_requests.ts';
import type { ChatTables } from './tables/chat.ts';
import type { RateLimitTables } from './tables/rate_limit_buckets.ts';
import type { TaskAuditTables } from './tables/task_audits.ts';

/** The whole schema as Kysely sees it: one interface per migration area. */
export interface Database extends AccountTables, ProjectBatchTables, FileTables, TaskTables, OutboxTables, WorkTables, QualityTaskTables, DeliveryTables, QueueTables, PasswordResetRequestTables, ChatTables, RateLimitTables, TaskAuditTables {}
