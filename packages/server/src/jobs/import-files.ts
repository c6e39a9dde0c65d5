import type { Writable } from 'node:stream';
import type { Services } from '../services/container.ts';
import type { StoredFile } from '../services/file.service.ts';
import { OutboundClient } from '../outbound/outbound-client.ts';
import type { JobRunner } from './worker.ts';

/** Imports downloaded at once by one worker process. */
const CONCURRENT_IMPORTS = 4;
/** On shutdown, how long to let running downloads finish; unfinished ones are retried by a worker once their claim expires. */
const STOP_GRACE_MS = 5_000;

export interface ImportLogger {
  error(object: unknown, message: string): void;
}

/**
 * Copies `files/import` sources into the file store: claims `importing` rows (atomically, so
 * several workers never fetch the same row), downloads each with timeouts and the size cap, and
 * marks it ready or failed with the reason. Downloads run in the background, so a slow source
 * never holds up the worker's other jobs (callbacks).
 */
export function createImportFilesRunner(services: Services, log: ImportLogger): JobRunner {
  const { files, config } = services;
  const outbound = new OutboundClient({
    timeoutMs: config.importTimeoutMs,
    maxResponseBytes: 0,
    allowPrivate: config.allowPrivateOutbound,
    userAgent: 'Tagwright-Import',
  });
  // `s3://` sources (only from TAGWRIGHT_S3_IMPORT_BUCKETS, checked when the import was accepted). The
  // S3 SDK is loaded only then: it costs about 300 ms of CPU, which every start paid before.
  const s3 =
    config.s3.importBuckets.length > 0
      ? import('../storage/s3-client.ts').then(({ createS3Client, downloadS3Object }) => {
          const client = createS3Client(config.s3, config.importTimeoutMs);
          return { download: (url: string, destination: Writable) => downloadS3Object(client, url, destination), close: () => client.destroy() };
        })
      : undefined;
  const running = new Set<Promise<void>>();

  function fetchInto(file: StoredFile, destination: Writable) {
    const source = file.source_url ?? '';
    if (source.startsWith('s3://')) {
      if (!s3) return Promise.reject(new Error('s3:// imports are turned off on this worker (TAGWRIGHT_S3_IMPORT_BUCKETS is empty)'));
      return s3.then((loaded) => loaded.download(source, destination));
    }
    return outbound.download(source, destination, config.importLimitBytes);
  }

  function start(file: StoredFile): void {
    const job = files
      .runImport(file, (destination) => fetchInto(file, destination))
      .then(
        () => undefined,
        (error: unknown) => log.error({ err: error, fileId: file.id }, 'file import failed unexpectedly'),
      )
      .finally(() => {
        running.delete(job);
        // A slot is free: let the worker look for the next import without waiting for its poll.
        services.onWorkQueued();
      });
    running.add(job);
  }

  return {
    name: 'import-files',
    async runOnce() {
      const free = CONCURRENT_IMPORTS - running.size;
      if (free <= 0) return 0;
      const claimed = await files.claimImports(free);
      for (const file of claimed) start(file);
      return claimed.length;
    },
    async stop() {
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise((resolve) => (timer = setTimeout(resolve, STOP_GRACE_MS)));
      await Promise.race([Promise.allSettled([...running]), grace]);
      clearTimeout(timer);
      // close() waits for requests in flight, so it is awaited only when none are left.
      const closing = outbound.close().catch(() => undefined);
      await s3?.then((loaded) => loaded.close(), () => undefined);
      if (running.size === 0) await closing;
    },
  };
}
