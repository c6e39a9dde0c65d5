import type { Services } from '../services/container.ts';
import type { JobRunner } from './worker.ts';
import { createCallbackRunner } from './callback-runner.ts';
import { createImportFilesRunner } from './import-files.ts';
import type { CallbackLogger } from './deliver-callbacks.ts';
import { createIdempotencyPurgeRunner } from './purge-idempotency-keys.ts';
import { createSessionPurgeRunner } from './purge-sessions.ts';
import { createUnfinishedUploadPurgeRunner } from './purge-unfinished-uploads.ts';
import { createDeliveryLogPurgeRunner } from './purge-delivery-log.ts';

/** Every kind of background work this process runs when it has the worker role. */
export function createJobRunners(services: Services, log: CallbackLogger = silentLogger): JobRunner[] {
  return [
    createCallbackRunner(services, log),
    createImportFilesRunner(services, log),
    createIdempotencyPurgeRunner(services.tasks),
    createSessionPurgeRunner(services.sessions),
    createUnfinishedUploadPurgeRunner(services.files),
    createDeliveryLogPurgeRunner(services.callbacks, services.config.deliveryLogDays),
  ];
}

const silentLogger: CallbackLogger = { info() {}, warn() {}, error() {} };
