import type { Writable, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { S3Settings } from '../config.ts';
import { parseS3Url } from './s3-url.ts';

/**
 * One S3 client for the file store and `s3://` imports. Credentials come from the SDK's usual
 * chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN, AWS_PROFILE, instance roles).
 */
export function createS3Client(settings: S3Settings, timeoutMs?: number): S3Client {
  return new S3Client({
    // Connect and socket-idle limits, as the HTTP import has (TAGWRIGHT_IMPORT_TIMEOUT_MS).
    ...(timeoutMs ? { requestHandler: { connectionTimeout: timeoutMs, requestTimeout: timeoutMs } } : {}),
    region: settings.region,
    endpoint: settings.endpoint,
    forcePathStyle: settings.forcePathStyle,
    // The SDK adds CRC checksums to every upload by default; several S3-compatible servers
    // (older MinIO, Ceph RGW, s3rver) reject them. The store hashes every byte itself (sha256).
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/** An error carrying `code: 'ENOENT'`, as the FileStore interface promises for a missing object. */
export function notFoundError(bucket: string, key: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`no object ${key} in bucket ${bucket}`), { code: 'ENOENT' });
}

/** True for the SDK's "no such key" answers (the name differs between GetObject and HeadObject). */
export function isMissingObject(error: unknown): boolean {
  const name = (error as { name?: string })?.name;
  const status = (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  return name === 'NoSuchKey' || name === 'NotFound' || status === 404;
}

/**
 * Streams one object into `destination` (a `files/import` from `s3://bucket/key`), with the same
 * shape as the HTTP download: resolves with the object's content type once every byte is written.
 */
export async function downloadS3Object(client: S3Client, url: string, destination: Writable): Promise<{ contentType?: string }> {
  const parsed = parseS3Url(url);
  if (!parsed) throw new Error(`"${url}" is not an s3://bucket/key URL`);
  let response;
  try {
    response = await client.send(new GetObjectCommand({ Bucket: parsed.bucket, Key: parsed.key }));
  } catch (error) {
    if (isMissingObject(error)) throw new Error(`no object ${parsed.key} in bucket ${parsed.bucket}`);
    throw error;
  }
  await pipeline(response.Body as Readable, destination);
  return { contentType: response.ContentType };
}
