import type { TaskService } from '../services/task.service.ts';
import type { JobRunner } from './worker.ts';

/** How often expired Idempotency-Key records are deleted. */
export const PURGE_INTERVAL_MS = 60 * 60 * 1000;

/**
 * Deletes Idempotency-Key records past their retention (48 h; contract 7.3 asks for at least 24 h),
 * at most once an hour per process. Expired records are already ignored by lookups, so this only
 * keeps the table small; it reports 0 so the worker loop never spins on it.
 */
export function createIdempotencyPurgeRunner(tasks: TaskService, intervalMs = PURGE_INTERVAL_MS): JobRunner {
  let lastRun = 0;
  return {
    name: 'purge-idempotency-keys',
    async runOnce() {
      const now = Date.now();
      if (now - lastRun < intervalMs) return 0;
      lastRun = now;
      await tasks.purgeIdempotencyKeys(now);
      return 0;
    },
  };
}
