import path from 'node:path';
import type { Config } from '../config.ts';
import { loadedOnFirstUse, type FileStore } from './file-store.ts';
import { LocalFileStore } from './local-file-store.ts';

/** The configured file store: the S3 bucket when TAGWRIGHT_S3_BUCKET is set, else `<dataDir>/files`. */
export function createFileStore(config: Config): FileStore {
  const { s3 } = config;
  if (s3.bucket) {
    const bucket = s3.bucket;
    // The S3 SDK costs about 350 ms of CPU to load: a server on the local folder never pays it.
    return loadedOnFirstUse(async () => {
      const [{ S3FileStore }, { createS3Client }] = await Promise.all([import('./s3-file-store.ts'), import('./s3-client.ts')]);
      return new S3FileStore(createS3Client(s3), bucket, s3.prefix);
    });
  }
  return new LocalFileStore(path.join(config.dataDir, 'files'));
}
