import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { describeEachDatabase } from '../helpers/databases.ts';
import { startTestServer, LIVE_KEY, type TestServer } from '../helpers/server.ts';
import { startS3Server, type TestS3Server } from '../helpers/s3-server.ts';

const LIMIT = 64 * 1024;
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(300, 9)]);

function form(file: { bytes: Buffer; name?: string; type?: string }, parts: Record<string, string> = {}): FormData {
  const body = new FormData();
  for (const [name, value] of Object.entries(parts)) body.append(name, value);
  body.append('file', new Blob([new Uint8Array(file.bytes)], { type: file.type ?? '' }), file.name ?? 'file');
  return body;
}

describeEachDatabase('Files in an S3 bucket', (dialect) => {
  let s3: TestS3Server;
  let server: TestServer;
  let presigning: TestServer;

  before(async () => {
    s3 = await startS3Server(['tw-files', 'tw-sources', 'tw-private']);
    const env = s3.env('tw-files', {
      TAGWRIGHT_S3_PREFIX: 'tenant-a',
      TAGWRIGHT_S3_IMPORT_BUCKETS: 'tw-sources,tw-files',
      TAGWRIGHT_UPLOAD_LIMIT_BYTES: String(LIMIT),
      TAGWRIGHT_IMPORT_LIMIT_BYTES: String(LIMIT),
    });
    server = await startTestServer(dialect, env);
    presigning = await startTestServer(dialect, { ...env, TAGWRIGHT_S3_PRESIGNED_DOWNLOADS: 'true' });
    await s3.client.send(new PutObjectCommand({ Bucket: 'tw-sources', Key: 'shots/cat.png', Body: PNG, ContentType: 'image/png' }));
    await s3.client.send(new PutObjectCommand({ Bucket: 'tw-sources', Key: 'shots/huge.bin', Body: Buffer.alloc(LIMIT + 1) }));
  });
  after(async () => {
    await server?.close();
    await presigning?.close();
    await s3?.close();
  });

  async function importedFile(id: string): Promise<any> {
    for (let attempt = 0; attempt < 400; attempt++) {
      const response = await server.request('GET', `/files/${id}`);
      if (response.body.state !== 'importing') return response.body;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    assert.fail(`file ${id} was still importing after many polls`);
  }

  it('streams an upload into the bucket under the prefix and serves the same bytes, whole, by range and by signed link', async () => {
    const bytes = Buffer.from('labels in a bucket\n'.repeat(200));
    const uploaded = await server.request('POST', '/v1/files/upload', { rawBody: form({ bytes, name: 'notes.txt', type: 'text/plain' }) });
    assert.equal(uploaded.status, 200, uploaded.text);
    const id = uploaded.body.id;
    assert.deepEqual(await s3.keys('tw-files', 'tenant-a/'), [`tenant-a/${id.slice(-2)}/${id}`]);

    const auth = { authorization: `Bearer ${LIVE_KEY}` };
    const whole = await fetch(`${server.url}/files/${id}/content`, { headers: auth });
    assert.equal(whole.status, 200);
    assert.equal(whole.headers.get('content-type'), 'text/plain');
    assert.deepEqual(Buffer.from(await whole.arrayBuffer()), bytes);
    const part = await fetch(`${server.url}/files/${id}/content`, { headers: { ...auth, range: 'bytes=5-9' } });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), `bytes 5-9/${bytes.length}`);
    assert.deepEqual(Buffer.from(await part.arrayBuffer()), bytes.subarray(5, 10));

    const link = await server.server.services.files.signedFileUrl(id);
    const linked = await fetch(link);
    assert.equal(linked.status, 200);
    assert.equal(linked.headers.get('x-content-type-options'), 'nosniff');
    assert.deepEqual(Buffer.from(await linked.arrayBuffer()), bytes);
    const expired = await fetch(await server.server.services.files.signedFileUrl(id, { ttlSeconds: -3600 }));
    assert.equal(expired.status, 403);
  });

  it('answers 413 for an upload over the limit and leaves nothing in the bucket', async () => {
    const before = await s3.keys('tw-files');
    const response = await server.request('POST', '/files/upload', { rawBody: form({ bytes: Buffer.alloc(LIMIT * 2, 1) }) });
    assert.equal(response.status, 413);
    assert.match(response.body.error, /TAGWRIGHT_UPLOAD_LIMIT_BYTES/);
    assert.deepEqual(await s3.keys('tw-files'), before);
  });

  it('redirects a valid signed link to a presigned bucket URL when presigned downloads are on, and still refuses bad links', async () => {
    const uploaded = await presigning.request('POST', '/files/upload', { rawBody: form({ bytes: PNG, name: 'a.png' }) });
    assert.equal(uploaded.status, 200, uploaded.text);
    const link = await presigning.server.services.files.signedFileUrl(uploaded.body.id);
    const redirect = await fetch(link, { redirect: 'manual' });
    assert.equal(redirect.status, 302);
    const location = redirect.headers.get('location')!;
    assert.ok(location.startsWith(`${s3.endpoint}/tw-files/tenant-a/`), location);
    const followed = await fetch(link);
    assert.equal(followed.status, 200);
    assert.equal(followed.headers.get('content-type'), 'image/png');
    assert.deepEqual(Buffer.from(await followed.arrayBuffer()), PNG);
    const tampered = await fetch(link.replace(/signature=(.)/, (_match, first) => `signature=${first === '0' ? '1' : '0'}`), { redirect: 'manual' });
    assert.equal(tampered.status, 403);
    const expired = await fetch(await presigning.server.services.files.signedFileUrl(uploaded.body.id, { ttlSeconds: -3600 }), { redirect: 'manual' });
    assert.equal(expired.status, 403);
  });

  it('imports s3://bucket/key from a configured bucket into the store', async () => {
    const response = await server.request('POST', '/files/import', { body: { file_url: 's3://tw-sources/shots/cat.png' } });
    assert.equal(response.status, 200, response.text);
    assert.equal(response.body.state, 'importing');
    assert.equal(response.body.display_name, 'cat.png');
    const file = await importedFile(response.body.id);
    assert.equal(file.state, 'ready', file.error);
    assert.equal(file.mime_type, 'image/png');
    assert.equal(file.size, PNG.length);
    const bytes = await fetch(`${server.url}/files/${file.id}/content`, { headers: { authorization: `Bearer ${LIVE_KEY}` } });
    assert.deepEqual(Buffer.from(await bytes.arrayBuffer()), PNG);
  });

  it('fails an s3 import of a missing key or one over the import limit, with the reason', async () => {
    const missing = await server.request('POST', '/files/import', { body: { file_url: 's3://tw-sources/shots/nope.png' } });
    const failed = await importedFile(missing.body.id);
    assert.equal(failed.state, 'failed');
    assert.match(failed.error, /no object shots\/nope\.png in bucket tw-sources/);
    const huge = await server.request('POST', '/files/import', { body: { file_url: 's3://tw-sources/shots/huge.bin' } });
    const tooBig = await importedFile(huge.body.id);
    assert.equal(tooBig.state, 'failed');
    assert.match(tooBig.error, /TAGWRIGHT_IMPORT_LIMIT_BYTES/);
  });

  it('answers 400 for an s3 import from a bucket not configured, from the store\'s own prefix, or malformed', async () => {
    const other = await server.request('POST', '/files/import', { body: { file_url: 's3://tw-private/secret.png' } });
    assert.equal(other.status, 400);
    assert.match(other.body.error, /tw-private.*TAGWRIGHT_S3_IMPORT_BUCKETS: tw-sources, tw-files/);
    const own = await server.request('POST', '/files/import', { body: { file_url: 's3://tw-files/tenant-a/ab/someone-elses-file' } });
    assert.equal(own.status, 400);
    assert.match(own.body.error, /keeps its own files/);
    const malformed = await server.request('POST', '/files/import', { body: { file_url: 's3://just-a-bucket' } });
    assert.equal(malformed.status, 400);
    assert.match(malformed.body.error, /s3:\/\/bucket\/key/);
  });
});

describe('s3 imports on a server with the local file store', () => {
  it('answers 400 naming TAGWRIGHT_S3_IMPORT_BUCKETS when no bucket is configured', async () => {
    const server = await startTestServer('sqlite');
    try {
      const response = await server.request('POST', '/files/import', { body: { file_url: 's3://somewhere/a.png' } });
      assert.equal(response.status, 400);
      assert.match(response.body.error, /TAGWRIGHT_S3_IMPORT_BUCKETS, which is empty/);
    } finally {
      await server.close();
    }
  });
});
