import path from 'node:path';
import type { Config } from '../config.ts';
import type { FileStore } from './file-store.ts';
import { LocalFileStore } from './local-file-store.ts';
import { S3FileStore } from './s3-file-store.ts';
import { createS3Client } from './s3-client.ts';

/** The configured file store: the S3 bucket when TAGWRIGHT_S3_BUCKET is set, else `<dataDir>/files`. */
export function createFileStore(config: Config): FileStore {
  const { s3 } = config;
  if (s3.bucket) return new S3FileStore(createS3Client(s3), s3.bucket, s3.prefix);
  return new LocalFileStore(path.join(config.dataDir, 'files'));
}
