import type { SessionService } from '../services/session.service.ts';
import type { JobRunner } from './worker.ts';

/** How often ended web sessions are deleted. */
export const SESSION_PURGE_INTERVAL_MS = 60 * 60 * 1000;

/**
 * Deletes web sessions that have ended (idle or past their absolute end), at most once an hour per
 * process. Ended sessions are already refused, so this only keeps the table small; it reports 0 so
 * the worker loop never spins on it.
 */
export function createSessionPurgeRunner(sessions: SessionService, intervalMs = SESSION_PURGE_INTERVAL_MS): JobRunner {
  let lastRun = 0;
  return {
    name: 'purge-sessions',
    async runOnce() {
      const now = Date.now();
      if (now - lastRun < intervalMs) return 0;
      lastRun = now;
      await sessions.purgeEnded();
      return 0;
    },
  };
}
