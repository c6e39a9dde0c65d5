import type { Config } from '../config.ts';
import type { FileService } from '../services/file.service.ts';
import { OutboundClient } from '../outbound/outbound-client.ts';
import type { JobRunner } from './worker.ts';

/** Imports downloaded at once by one worker process. */
const CONCURRENT_IMPORTS = 4;

/**
 * Copies `files/import` sources into the file store: claims `importing` rows (atomically, so
 * several workers never fetch the same row), downloads each with timeouts and the size cap, and
 * marks it ready or failed with the reason.
 */
export function createImportFilesRunner(files: FileService, config: Config): JobRunner {
  const outbound = new OutboundClient({
    timeoutMs: config.importTimeoutMs,
    maxResponseBytes: 0,
    allowPrivate: config.allowPrivateOutbound,
    userAgent: 'Tagwright-Import',
  });
  return {
    name: 'import-files',
    async runOnce() {
      const claimed = await files.claimImports(CONCURRENT_IMPORTS);
      await Promise.all(
        claimed.map((file) =>
          files.runImport(file, (destination) => outbound.download(file.source_url ?? '', destination, config.importLimitBytes)),
        ),
      );
      return claimed.length;
    },
    stop: () => outbound.close(),
  };
}
