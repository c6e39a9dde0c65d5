import type { FileService } from '../services/file.service.ts';
import type { JobRunner } from './worker.ts';

/** How often, and after how long, the temporary files of uploads that never finished are deleted. */
export const UNFINISHED_UPLOAD_PURGE_INTERVAL_MS = 60 * 60 * 1000;
export const UNFINISHED_UPLOAD_MAX_AGE_MS = 24 * 60 * 60 * 1000;

/**
 * A process killed mid-upload leaves its temporary file behind (storage/local-file-store.ts); an
 * upload still running writes to its file continually, so a day-old one is abandoned. At most once
 * an hour per process; reports 0 so the worker loop never spins on it.
 */
export function createUnfinishedUploadPurgeRunner(files: FileService, intervalMs = UNFINISHED_UPLOAD_PURGE_INTERVAL_MS, maxAgeMs = UNFINISHED_UPLOAD_MAX_AGE_MS): JobRunner {
  let lastRun = 0;
  return {
    name: 'purge-unfinished-uploads',
    async runOnce() {
      const now = Date.now();
      if (now - lastRun < intervalMs) return 0;
      lastRun = now;
      await files.purgeUnfinishedUploads(maxAgeMs);
      return 0;
    },
  };
}
