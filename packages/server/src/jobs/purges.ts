import type { Services } from '../services/container.ts';
import type { JobRunner } from './worker.ts';

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

/**
 * Housekeeping that keeps tables and folders from growing forever. Each purge runs at most once an
 * hour per process and reports 0, so the worker loop never spins on it; what it deletes is already
 * ignored or refused everywhere else, so running late (or on several workers) changes nothing.
 */
export function createPurgeRunners(services: Services): JobRunner[] {
  return [
    // Idempotency-Key records past their retention (48 h; contract 7.3 asks for at least 24 h).
    hourly('purge-idempotency-keys', (now) => services.tasks.purgeIdempotencyKeys(now)),
    // Web sessions that have ended (idle or past their absolute end).
    hourly('purge-sessions', () => services.sessions.purgeEnded()),
    // Self-service password-reset requests older than the hour they count in.
    hourly('purge-password-reset-requests', () => services.passwordResets.purgeOld()),
    // Temporary files of uploads a crashed process abandoned: a running upload writes to its file continually.
    hourly('purge-unfinished-uploads', () => services.files.purgeUnfinishedUploads(DAY_MS)),
    // Callback delivery history past TAGWRIGHT_DELIVERY_LOG_DAYS (docs/callbacks.md); 0 keeps all.
    hourly('purge-delivery-log', (now) =>
      services.config.deliveryLogDays === 0 ? Promise.resolve(0) : services.callbacks.purgeHistory(now - services.config.deliveryLogDays * DAY_MS),
    ),
  ];
}

function hourly(name: string, purge: (now: number) => Promise<unknown>): JobRunner {
  let lastRun = 0;
  return {
    name,
    async runOnce() {
      const now = Date.now();
      if (now - lastRun < HOUR_MS) return 0;
      lastRun = now;
      await purge(now);
      return 0;
    },
  };
}
