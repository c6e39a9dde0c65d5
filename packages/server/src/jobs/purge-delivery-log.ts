import type { CallbackService } from '../services/callback.service.ts';
import type { JobRunner } from './worker.ts';

/** How often delivery history past the retention is deleted. */
export const DELIVERY_LOG_PURGE_INTERVAL_MS = 60 * 60 * 1000;

/**
 * Keeps the callback delivery log to TAGWRIGHT_DELIVERY_LOG_DAYS: every callback leaves an outbox row
 * and up to 20 attempts, so without this both tables grow with every task forever. At most once an
 * hour per process, in bounded batches; reports 0 so the worker loop never spins on it.
 */
export function createDeliveryLogPurgeRunner(callbacks: CallbackService, retentionDays: number, intervalMs = DELIVERY_LOG_PURGE_INTERVAL_MS): JobRunner {
  let lastRun = 0;
  return {
    name: 'purge-delivery-log',
    async runOnce() {
      const now = Date.now();
      if (retentionDays === 0 || now - lastRun < intervalMs) return 0;
      lastRun = now;
      await callbacks.purgeHistory(now - retentionDays * 24 * 60 * 60 * 1000);
      return 0;
    },
  };
}
