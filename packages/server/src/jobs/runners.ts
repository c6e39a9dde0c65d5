import type { Services } from '../services/container.ts';
import type { JobRunner } from './worker.ts';
import { createCallbackRunner } from './callback-runner.ts';
import { createImportFilesRunner } from './import-files.ts';
import type { CallbackLogger } from './deliver-callbacks.ts';
import { createPurgeRunners } from './purges.ts';

/** Every kind of background work this process runs when it has the worker role. */
export function createJobRunners(services: Services, log: CallbackLogger = silentLogger): JobRunner[] {
  return [createCallbackRunner(services, log), createImportFilesRunner(services, log), ...createPurgeRunners(services)];
}

const silentLogger: CallbackLogger = { info() {}, warn() {}, error() {} };
