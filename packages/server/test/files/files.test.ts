import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { after, before, it } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.ts';
import { Agent, fetch as undiciFetch, FormData as UndiciFormData } from 'undici';
import { useTestServer, LIVE_KEY, TEST_KEY } from '../helpers/server.ts';

const LIMIT = 64 * 1024;
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200, 7)]);

/** Every regular file under the data folder's file store, temporary files included. */
function storedFiles(dataDir: string): string[] {
  const root = path.join(dataDir, 'files');
  if (!fs.existsSync(root)) return [];
  return (fs.readdirSync(root, { recursive: true }) as string[]).filter((entry) => fs.statSync(path.join(root, entry)).isFile());
}

function form(parts: Record<string, string>, file?: { bytes: Buffer; name?: string; type?: string }): FormData {
  const body = new FormData();
  for (const [name, value] of Object.entries(parts)) body.append(name, value);
  if (file) body.append('file', new Blob([new Uint8Array(file.bytes)], { type: file.type ?? '' }), file.name ?? 'file');
  return body;
}

/** A local HTTP server the worker imports from. */
function startSource(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((request, response) => {
    if (request.url === '/photo.png') {
      response.writeHead(200, { 'content-type': 'image/png', 'content-length': PNG.length });
      response.end(PNG);
    } else if (request.url === '/declared-too-big') {
      response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': LIMIT + 1 });
      response.end(Buffer.alloc(LIMIT + 1));
    } else if (request.url === '/streamed-too-big') {
      // No Content-Length: the cap must hold while streaming.
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      for (let i = 0; i < 10; i++) response.write(Buffer.alloc(LIMIT / 4));
      response.end();
    } else {
      response.writeHead(404).end('no such file');
    }
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () => new Promise((done) => { server.closeAllConnections(); server.close(() => done()); }),
      });
    });
  });
}

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describeEachDatabase('Files', (dialect) => {
  const server = useTestServer(dialect, { TAGWRIGHT_UPLOAD_LIMIT_BYTES: String(LIMIT), TAGWRIGHT_IMPORT_LIMIT_BYTES: String(LIMIT) });
  let source: { url: string; close(): Promise<void> };

  before(async () => {
    source = await startSource();
    const created = await server.current.request('POST', '/projects', { body: { type: 'imageannotation', name: 'photos' } });
    assert.equal(created.status, 200, created.text);
  });
  after(async () => {
    await source?.close();
  });

  /** Polls the file object until its import has finished. */
  async function importedFile(id: string, key?: string): Promise<any> {
    for (let attempt = 0; attempt < 400; attempt++) {
      const response = await server.current.request('GET', `/files/${id}`, { key });
      assert.equal(response.status, 200, response.text);
      if (response.body.state !== 'importing') return response.body;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    assert.fail(`file ${id} was still importing after many polls`);
  }

  it('uploads a multipart file and serves the same bytes back', async () => {
    const bytes = Buffer.from('hello, labelers\n'.repeat(100));
    const response = await server.current.request('POST', '/v1/files/upload', {
      rawBody: form({ project_name: 'photos', display_name: 'notes.txt' }, { bytes, name: 'local-notes.txt', type: 'text/plain' }),
    });
    assert.equal(response.status, 200, response.text);
    const file = response.body;
    assert.match(file.id, /^[A-Za-z0-9_-]+$/);
    assert.equal(file.attachment_url, `tagwright://files/${file.id}`);
    assert.equal(file.size, bytes.length);
    assert.equal(file.mime_type, 'text/plain');
    assert.deepEqual(file.project_names, ['photos']);
    assert.equal(file.display_name, 'notes.txt');
    assert.equal(file.state, 'ready');
    assert.equal(file.error, undefined);
    assert.match(file.created_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);

    const content = await fetch(`${server.current.url}/files/${file.id}/content`, {
      headers: { authorization: `Basic ${Buffer.from(`${LIVE_KEY}:`).toString('base64')}` },
    });
    assert.equal(content.status, 200);
    assert.equal(content.headers.get('content-type'), 'text/plain');
    assert.deepEqual(Buffer.from(await content.arrayBuffer()), bytes);

    const again = await server.current.request('GET', `/files/${file.id}`);
    assert.deepEqual(again.body, file);
  });

  it('recognises an image sent as an in-memory buffer named file with no type', async () => {
    const response = await server.current.request('POST', '/files/upload', { rawBody: form({}, { bytes: PNG }) });
    assert.equal(response.status, 200, response.text);
    assert.equal(response.body.mime_type, 'image/png');
    assert.deepEqual(response.body.project_names, []);
  });

  it('answers 413 without Retry-After for an upload over the limit and keeps no partial file', async () => {
    const before = storedFiles(server.current.config.dataDir);
    const response = await server.current.request('POST', '/files/upload', { rawBody: form({ project_name: 'photos' }, { bytes: Buffer.alloc(LIMIT * 3, 1) }) });
    assert.equal(response.status, 413);
    assert.equal(response.body.status_code, 413);
    assert.match(response.body.error, /larger/);
    assert.equal(response.headers.get('retry-after'), null);
    assert.deepEqual(storedFiles(server.current.config.dataDir), before);
  });

  it('keeps the connection usable after refusing a large upload part-way', async () => {
    const agent = new Agent({ connections: 1 });
    try {
      const authorization = `Basic ${Buffer.from(`${LIVE_KEY}:`).toString('base64')}`;
      const body = new UndiciFormData();
      body.append('file', new Blob([new Uint8Array(4 * 1024 * 1024)]), 'big.bin');
      const refused = await undiciFetch(`${server.current.url}/files/upload`, { method: 'POST', body, headers: { authorization }, dispatcher: agent });
      assert.equal(refused.status, 413);
      await refused.arrayBuffer();
      const next = await undiciFetch(`${server.current.url}/teams`, { headers: { authorization }, dispatcher: agent, signal: AbortSignal.timeout(20_000) });
      assert.equal(next.status, 200);
      await next.arrayBuffer();
    } finally {
      await agent.close();
    }
  });

  it('accepts an upload of exactly the limit', async () => {
    const response = await server.current.request('POST', '/files/upload', { rawBody: form({}, { bytes: Buffer.alloc(LIMIT, 2) }) });
    assert.equal(response.status, 200, response.text);
    assert.equal(response.body.size, LIMIT);
  });

  it('answers 400 for an upload without a file part, a JSON body, or an unknown project, keeping nothing', async () => {
    const before = storedFiles(server.current.config.dataDir);
    const noFile = await server.current.request('POST', '/files/upload', { rawBody: form({ project_name: 'photos' }) });
    assert.equal(noFile.status, 400);
    assert.match(noFile.body.error, /'file'/);
    const json = await server.current.request('POST', '/files/upload', { body: { file: 'x' } });
    assert.equal(json.status, 400);
    assert.match(json.body.error, /multipart/);
    const unknownProject = await server.current.request('POST', '/files/upload', { rawBody: form({ project_name: 'nope' }, { bytes: PNG }) });
    assert.equal(unknownProject.status, 400);
    assert.match(unknownProject.body.error, /project_name.*nope/);
    assert.deepEqual(storedFiles(server.current.config.dataDir), before);
  });

  it('imports a file from a URL: answers at once with state importing, then becomes ready with the same bytes', async () => {
    const response = await server.current.request('POST', '/files/import', { body: { file_url: `${source.url}/photo.png`, project_name: 'photos' } });
    assert.equal(response.status, 200, response.text);
    assert.equal(response.body.attachment_url, `tagwright://files/${response.body.id}`);
    assert.ok(['importing', 'ready'].includes(response.body.state));
    const file = await importedFile(response.body.id);
    assert.equal(file.state, 'ready');
    assert.equal(file.size, PNG.length);
    assert.equal(file.mime_type, 'image/png');
    assert.equal(file.display_name, 'photo.png');
    const content = await fetch(`${server.current.url}/files/${file.id}/content`, {
      headers: { authorization: `Bearer ${LIVE_KEY}` },
    });
    assert.deepEqual(Buffer.from(await content.arrayBuffer()), PNG);
  });

  it('answers an import of an unreachable URL at once, then reports it failed with the reason', async () => {
    const port = await closedPort();
    const response = await server.current.request('POST', '/files/import', { body: { file_url: `http://127.0.0.1:${port}/x.png` } });
    assert.equal(response.status, 200, response.text);
    const file = await importedFile(response.body.id);
    assert.equal(file.state, 'failed');
    assert.match(file.error, /ECONNREFUSED|connect/i);
    assert.equal(file.size, undefined);
    const content = await server.current.request('GET', `/files/${file.id}/content`);
    assert.equal(content.status, 400);
    assert.match(content.body.error, /import failed/);
  });

  it('fails an import whose source answers 404', async () => {
    const response = await server.current.request('POST', '/files/import', { body: { file_url: `${source.url}/missing.png` } });
    const file = await importedFile(response.body.id);
    assert.equal(file.state, 'failed');
    assert.match(file.error, /404/);
  });

  it('fails an import over the size limit, whether the source declares its length or streams it', async () => {
    const before = storedFiles(server.current.config.dataDir);
    for (const route of ['declared-too-big', 'streamed-too-big']) {
      const response = await server.current.request('POST', '/files/import', { body: { file_url: `${source.url}/${route}` } });
      assert.equal(response.status, 200, response.text);
      const file = await importedFile(response.body.id);
      assert.equal(file.state, 'failed', route);
      assert.match(file.error, /limit/, route);
    }
    assert.deepEqual(storedFiles(server.current.config.dataDir), before);
  });

  it('answers 400 for an import without file_url, with a non-http URL, or naming an unknown project', async () => {
    const missing = await server.current.request('POST', '/files/import', { body: { project_name: 'photos' } });
    assert.equal(missing.status, 400);
    assert.match(missing.body.error, /file_url/);
    const ftp = await server.current.request('POST', '/files/import', { body: { file_url: 'ftp://example.com/a.png' } });
    assert.equal(ftp.status, 400);
    assert.match(ftp.body.error, /file_url/);
    const project = await server.current.request('POST', '/files/import', { body: { file_url: `${source.url}/photo.png`, project_name: 'nope' } });
    assert.equal(project.status, 400);
    assert.match(project.body.error, /nope/);
  });

  it('keeps files apart between live and test and between accounts (404)', async () => {
    const live = await server.current.request('POST', '/files/upload', { rawBody: form({}, { bytes: PNG }) });
    const id = live.body.id;
    const other = await server.current.createAccount();
    for (const key of [TEST_KEY, other.liveKey]) {
      const object = await server.current.request('GET', `/files/${id}`, { key });
      assert.equal(object.status, 404);
      assert.match(object.body.error, new RegExp(id));
      const content = await server.current.request('GET', `/files/${id}/content`, { key });
      assert.equal(content.status, 404);
    }
    const testFile = await server.current.request('POST', '/files/upload', { key: TEST_KEY, rawBody: form({}, { bytes: PNG }) });
    assert.equal(testFile.status, 200);
    assert.equal((await server.current.request('GET', `/files/${testFile.body.id}`, { key: TEST_KEY })).status, 200);
    assert.equal((await server.current.request('GET', `/files/${testFile.body.id}`)).status, 404);
  });

  it('serves a file through a signed link without an API key, and refuses tampered or expired links', async () => {
    const uploaded = await server.current.request('POST', '/files/upload', { rawBody: form({}, { bytes: PNG, name: 'a.png' }) });
    const files = server.current.server.services.files;
    const link = await files.signedFileUrl(uploaded.body.id);
    assert.ok(link.startsWith(`${server.current.url}/app/files/${uploaded.body.id}?`), link);
    const response = await fetch(link);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'image/png');
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
    assert.deepEqual(Buffer.from(await response.arrayBuffer()), PNG);

    const tampered = await fetch(link.replace(/signature=(.)/, (_match, first) => `signature=${first === '0' ? '1' : '0'}`));
    assert.equal(tampered.status, 403);
    assert.equal((await tampered.json()).status_code, 403);
    const otherFile = await fetch(link.replace(uploaded.body.id, live404Id(uploaded.body.id)));
    assert.equal(otherFile.status, 403);
    const expired = await fetch(await files.signedFileUrl(uploaded.body.id, { ttlSeconds: -3600 }));
    assert.equal(expired.status, 403);
    assert.match((await expired.json()).error, /expired/);
  });

  it('honours a single byte Range on the content', async () => {
    const uploaded = await server.current.request('POST', '/files/upload', { rawBody: form({}, { bytes: PNG }) });
    const response = await fetch(`${server.current.url}/files/${uploaded.body.id}/content`, {
      headers: { authorization: `Bearer ${LIVE_KEY}`, range: 'bytes=1-3' },
    });
    assert.equal(response.status, 206);
    assert.equal(response.headers.get('content-range'), `bytes 1-3/${PNG.length}`);
    assert.deepEqual(Buffer.from(await response.arrayBuffer()), PNG.subarray(1, 4));
  });

  it('gives tasks listed with include_attachment_url signed links to their server-held attachments only', async () => {
    const uploaded = await server.current.request('POST', '/files/upload', { rawBody: form({}, { bytes: PNG }) });
    const other = await server.current.createAccount();
    const foreign = await server.current.request('POST', '/files/upload', { key: other.liveKey, rawBody: form({}, { bytes: PNG }) });
    const external = 'https://cdn.example.com/a.png';
    const single = await server.current.request('POST', '/task/categorization', { body: { categories: ['a', 'b'], attachment: uploaded.body.attachment_url, unique_id: 'links-single' } });
    assert.equal(single.status, 200, single.text);
    const many = await server.current.request('POST', '/task/categorization', {
      body: { categories: ['a', 'b'], attachments: [external, uploaded.body.attachment_url], attachment: external, unique_id: 'links-many' },
    });
    assert.equal(many.status, 200, many.text);
    const stolen = await server.current.request('POST', '/task/categorization', { body: { categories: ['a', 'b'], attachment: foreign.body.attachment_url, unique_id: 'links-foreign' } });
    assert.equal(stolen.status, 200, stolen.text);

    const listed = await server.current.request('GET', '/tasks?include_attachment_url=True&unique_id=links-single&unique_id=links-many&unique_id=links-foreign');
    assert.equal(listed.status, 200, listed.text);
    const byUniqueId = new Map(listed.body.docs.map((task: any) => [task.unique_id, task]));
    const singleTask: any = byUniqueId.get('links-single');
    assert.equal(singleTask.params.attachment, uploaded.body.attachment_url);
    const link = await fetch(singleTask.attachment_url);
    assert.equal(link.status, 200);
    assert.deepEqual(Buffer.from(await link.arrayBuffer()), PNG);
    const manyTask: any = byUniqueId.get('links-many');
    assert.equal(manyTask.attachment_url, undefined);
    assert.equal(manyTask.attachment_urls[0], external);
    assert.match(manyTask.attachment_urls[1], /\/app\/files\//);
    const foreignTask: any = byUniqueId.get('links-foreign');
    assert.equal(foreignTask.attachment_url, undefined);

    const plain = await server.current.request('GET', '/tasks?unique_id=links-single');
    assert.equal(plain.body.docs[0].attachment_url, undefined);
  });

  it('answers 404 for an unknown file id', async () => {
    const response = await server.current.request('GET', '/files/000000000000000000000000');
    assert.equal(response.status, 404);
    assert.match(response.body.error, /000000000000000000000000/);
  });
});

/** Another well-formed id, for a signature made for a different file. */
function live404Id(id: string): string {
  return id.slice(0, -1) + (id.endsWith('0') ? '1' : '0');
}
