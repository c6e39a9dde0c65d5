import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
// s3rver ships no types; it is a real S3-protocol server (HTTP, SigV4, multipart) writing to a folder.
// @ts-expect-error no declaration file
import S3rver from 's3rver';
import { createS3Client } from '../../src/storage/s3-client.ts';
import { loadConfig } from '../../src/config.ts';

/** s3rver's fixed credentials; the SDK reads them from the environment like any AWS credentials. */
export const S3_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' };

export interface TestS3Server {
  endpoint: string;
  /** The environment that points a Tagwright server's file store at `bucket` (plus the credentials). */
  env(bucket: string, extra?: Record<string, string>): Record<string, string>;
  client: S3Client;
  /** Every object key in the bucket (under the prefix). */
  keys(bucket: string, prefix?: string): Promise<string[]>;
  close(): Promise<void>;
}

/** Starts s3rver on a free loopback port with the given buckets, in a temporary folder. */
export async function startS3Server(buckets: string[]): Promise<TestS3Server> {
  // The in-process SDK clients (the server under test, this helper's client) find credentials here.
  Object.assign(process.env, S3_CREDENTIALS);
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'tagwright-s3-'));
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory, configureBuckets: buckets.map((name) => ({ name })) });
  const { port } = (await server.run()) as { port: number };
  const endpoint = `http://127.0.0.1:${port}`;
  const env = (bucket: string, extra: Record<string, string> = {}) => ({
    ...S3_CREDENTIALS,
    TAGWRIGHT_S3_BUCKET: bucket,
    TAGWRIGHT_S3_ENDPOINT: endpoint,
    TAGWRIGHT_S3_REGION: 'us-east-1',
    TAGWRIGHT_S3_FORCE_PATH_STYLE: 'true',
    ...extra,
  });
  const client = createS3Client(loadConfig(env(buckets[0] ?? 'unused')).s3);
  return {
    endpoint,
    env,
    client,
    async keys(bucket, prefix) {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
        keys.push(...(page.Contents ?? []).map((object) => object.Key!));
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return keys.sort();
    },
    async close() {
      client.destroy();
      await server.close();
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}
