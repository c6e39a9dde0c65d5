import crypto from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListMultipartUploadsCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { FileTooLarge, type ByteRange, type DownloadUrlOptions, type FileStore, type StoredObject } from './file-store.ts';
import { isMissingObject, notFoundError } from './s3-client.ts';

const KEY = /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/;
/** S3's smallest part is 5 MiB; 8 MiB parts keep a 100 MiB upload at 13 parts. */
const PART_BYTES = 8 * 1024 * 1024;
/** Parts uploaded at once per file: bounds a put's memory to about PART_BYTES × (this + 1). */
const PARTS_IN_FLIGHT = 2;

/**
 * Files in an S3-compatible bucket (AWS S3, MinIO, Ceph RGW, R2…), under an optional key prefix.
 * A put streams through lib-storage's Upload: one PutObject below PART_BYTES, a multipart upload
 * above it. S3 makes an object visible only when its upload completes, so readers never see a
 * partial object; a failed or oversized put aborts its multipart upload and leaves nothing.
 */
export class S3FileStore implements FileStore {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    /** '' or a prefix ending in '/'. */
    private readonly prefix: string,
  ) {}

  private objectKey(key: string): string {
    if (!KEY.test(key)) throw new Error(`invalid file store key "${key}"`);
    return this.prefix + key;
  }

  async put(key: string, source: Readable, { maxBytes }: { maxBytes: number }): Promise<StoredObject> {
    const objectKey = this.objectKey(key);
    const hash = crypto.createHash('sha256');
    let size = 0;
    let tooLarge = false;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        size += chunk.length;
        if (size > maxBytes) {
          tooLarge = true;
          return callback(new FileTooLarge(maxBytes));
        }
        hash.update(chunk);
        callback(null, chunk);
      },
    });
    // A source that fails (client gone, import cut off) fails the meter, which fails the upload.
    source.on('error', (error) => meter.destroy(error));
    source.pipe(meter);
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: objectKey, Body: meter },
      partSize: PART_BYTES,
      queueSize: PARTS_IN_FLIGHT,
      leavePartsOnError: false,
    });
    try {
      await upload.done();
    } catch (error) {
      // As pipeline() does for the local store: the source stops too (an import's download, an upload's parser).
      const failure = tooLarge ? new FileTooLarge(maxBytes) : (error as Error);
      source.unpipe(meter);
      meter.destroy();
      source.destroy(failure);
      throw failure;
    }
    return { size, sha256: hash.digest('hex') };
  }

  async openRead(key: string, range?: ByteRange): Promise<Readable> {
    const objectKey = this.objectKey(key);
    try {
      const response = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: objectKey, Range: range ? `bytes=${range.start}-${range.end}` : undefined }),
      );
      return response.Body as Readable;
    } catch (error) {
      if (isMissingObject(error)) throw notFoundError(this.bucket, objectKey);
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    // S3 answers 204 for a key that is not there, so a missing object is not an error here either.
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
  }

  async purgeUnfinished(olderThanMs: number): Promise<number> {
    const cutoff = Date.now() - olderThanMs;
    let purged = 0;
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    for (;;) {
      let page;
      try {
        page = await this.client.send(
          new ListMultipartUploadsCommand({ Bucket: this.bucket, Prefix: this.prefix || undefined, KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker }),
        );
      } catch (error) {
        // Some S3-compatible servers (s3rver) have no multipart listing; a bucket lifecycle rule
        // (AbortIncompleteMultipartUpload) is the other way to clear crash leftovers there.
        if ((error as { name?: string }).name === 'NotImplemented') return purged;
        throw error;
      }
      for (const upload of page.Uploads ?? []) {
        if (!upload.Key || !upload.UploadId || !upload.Initiated || upload.Initiated.getTime() >= cutoff) continue;
        await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: upload.Key, UploadId: upload.UploadId }));
        purged++;
      }
      if (!page.IsTruncated) return purged;
      keyMarker = page.NextKeyMarker;
      uploadIdMarker = page.NextUploadIdMarker;
    }
  }

  downloadUrl(key: string, options: DownloadUrlOptions): Promise<string> {
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: this.objectKey(key),
      ResponseContentType: options.contentType,
      ResponseContentDisposition: options.contentDisposition,
    });
    return getSignedUrl(this.client, command, { expiresIn: Math.max(1, Math.floor(options.expiresInSeconds)) });
  }

  async check(): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
  }
}
