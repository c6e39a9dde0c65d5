import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { FileTooLarge } from '../../src/storage/file-store.ts';
import { S3FileStore } from '../../src/storage/s3-file-store.ts';
import { startS3Server, type TestS3Server } from '../helpers/s3-server.ts';

const MiB = 1024 * 1024;

/** `total` bytes of a repeating pattern, delivered in `chunk`-sized pieces as a network stream would. */
function chunked(bytes: Buffer, chunk = 256 * 1024): Readable {
  return Readable.from((function* () {
    for (let offset = 0; offset < bytes.length; offset += chunk) yield bytes.subarray(offset, offset + chunk);
  })());
}

describe('S3FileStore against an S3-protocol server (s3rver) on loopback', () => {
  let s3: TestS3Server;
  let store: S3FileStore;
  const read = async (key: string, range?: { start: number; end: number }) => Buffer.concat(await (await store.openRead(key, range)).toArray());

  before(async () => {
    s3 = await startS3Server(['store-unit']);
    store = new S3FileStore(s3.client, 'store-unit', 'tw/');
  });
  after(async () => {
    await s3?.close();
  });

  it('stores a small file under the prefix and reads it back whole and by range, with its size and sha256', async () => {
    const bytes = Buffer.from('hello, bucket\n'.repeat(50));
    const stored = await store.put('ab/small', chunked(bytes, 100), { maxBytes: 10_000 });
    assert.deepEqual(stored, { size: bytes.length, sha256: crypto.createHash('sha256').update(bytes).digest('hex') });
    assert.deepEqual(await s3.keys('store-unit', 'tw/ab/'), ['tw/ab/small']);
    assert.deepEqual(await read('ab/small'), bytes);
    assert.deepEqual(await read('ab/small', { start: 7, end: 12 }), bytes.subarray(7, 13));
  });

  it('streams a file larger than one part as a multipart upload and reads back the same bytes', async () => {
    const bytes = crypto.randomBytes(19 * MiB);
    const stored = await store.put('cd/large', chunked(bytes), { maxBytes: 20 * MiB });
    assert.equal(stored.size, bytes.length);
    assert.equal(stored.sha256, crypto.createHash('sha256').update(bytes).digest('hex'));
    const back = await read('cd/large');
    assert.equal(back.length, bytes.length);
    assert.ok(back.equals(bytes));
  });

  it('keeps nothing of a put over the limit, whether it is cut in the first part or after several parts', async () => {
    await assert.rejects(store.put('ef/over-small', chunked(Buffer.alloc(2000, 1), 100), { maxBytes: 1000 }), FileTooLarge);
    const large = chunked(Buffer.alloc(18 * MiB, 2));
    large.on('error', () => undefined);
    await assert.rejects(store.put('ef/over-large', large, { maxBytes: 17 * MiB }), FileTooLarge);
    assert.ok(large.destroyed, 'the source is stopped, as pipeline() stops it for the local store (an import download ends)');
    assert.deepEqual(await s3.keys('store-unit', 'tw/ef/'), []);
    await assert.rejects(store.openRead('ef/over-large'), { code: 'ENOENT' });
  });

  it('keeps nothing when the source fails part-way (a client that went away)', async () => {
    const failing = Readable.from((async function* () {
      yield Buffer.alloc(9 * MiB, 3);
      throw new Error('connection reset by the client');
    })());
    await assert.rejects(store.put('gh/broken', failing, { maxBytes: 100 * MiB }), /connection reset/);
    assert.deepEqual(await s3.keys('store-unit', 'tw/gh/'), []);
  });

  it('reports a missing object with code ENOENT, and deletes with no error whether or not the object exists', async () => {
    await assert.rejects(store.openRead('ij/never'), { code: 'ENOENT' });
    await store.put('ij/doomed', Readable.from(['x']), { maxBytes: 10 });
    await store.delete('ij/doomed');
    await store.delete('ij/doomed');
    await assert.rejects(store.openRead('ij/doomed'), { code: 'ENOENT' });
  });

  it('refuses keys outside the [A-Za-z0-9_-] segments the interface allows', async () => {
    await assert.rejects(store.put('../escape', Readable.from(['x']), { maxBytes: 10 }), /invalid file store key/);
  });

  it('hands out a presigned URL that serves the bytes with the given type and name, and answers the readiness check', async () => {
    const bytes = Buffer.from('presigned bytes');
    await store.put('kl/signed', Readable.from([bytes]), { maxBytes: 100 });
    const url = await store.downloadUrl('kl/signed', { expiresInSeconds: 60, contentType: 'text/plain', contentDisposition: "inline; filename*=UTF-8''a.txt" });
    assert.ok(url.startsWith(`${s3.endpoint}/store-unit/tw/kl/signed?`), url);
    const response = await fetch(url);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'text/plain');
    assert.deepEqual(Buffer.from(await response.arrayBuffer()), bytes);
    // (s3rver does not check query signatures or ACLs; S3 itself enforces the expiry.)
    assert.match(new URL(url).searchParams.get('X-Amz-Expires') ?? '', /^60$/);
    await store.check();
    await assert.rejects(new S3FileStore(s3.client, 'no-such-bucket', '').check());
  });

  it('purges no finished object when asked to clear unfinished uploads', async () => {
    await store.put('mn/kept', Readable.from(['kept']), { maxBytes: 10 });
    assert.equal(await store.purgeUnfinished(0), 0);
    assert.deepEqual(await read('mn/kept'), Buffer.from('kept'));
  });
});
