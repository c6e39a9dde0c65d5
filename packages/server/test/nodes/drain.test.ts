import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { it } from 'node:test';
import { createTestDatabase, describeEachDatabase } from '../helpers/databases.ts';
import { LIVE_KEY, TEST_KEY } from '../helpers/server.ts';
import { startNodeProcess } from '../helpers/node-process.ts';
import { waitUntil } from '../callbacks/fixtures.ts';
import { connect } from '../../src/db/connect.ts';

const BOUNDARY = 'tagwright-drain-test';
const auth = `Basic ${Buffer.from(`${LIVE_KEY}:`).toString('base64')}`;

/** Starts a multipart upload and sends its first half; the caller finishes it with `finish()`. */
function startSlowUpload(url: string, bytes: Buffer): { finish(): void; answer: Promise<{ status: number; body: any }> } {
  const head = Buffer.from(`--${BOUNDARY}\r\ncontent-disposition: form-data; name="file"; filename="slow.bin"\r\ncontent-type: application/octet-stream\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${BOUNDARY}--\r\n`);
  const request = http.request(`${url}/v1/files/upload`, {
    method: 'POST',
    headers: { authorization: auth, 'content-type': `multipart/form-data; boundary=${BOUNDARY}`, 'content-length': head.length + bytes.length + tail.length },
  });
  const answer = new Promise<{ status: number; body: any }>((resolve, reject) => {
    request.on('response', (response) => {
      let text = '';
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) }));
    });
    request.on('error', reject);
  });
  const half = Math.floor(bytes.length / 2);
  request.write(head);
  request.write(bytes.subarray(0, half));
  return {
    finish() {
      request.end(Buffer.concat([bytes.subarray(half), tail]));
    },
    answer,
  };
}

describeEachDatabase('Graceful drain on SIGTERM', (dialect) => {
  it('answers /readyz 503 while draining, keeps serving, finishes an upload in flight, then exits 0', async () => {
    const database = await createTestDatabase(dialect);
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tagwright-drain-'));
    const node = await startNodeProcess({
      TAGWRIGHT_DATA_DIR: dataDir,
      TAGWRIGHT_BOOTSTRAP_API_KEY: LIVE_KEY,
      TAGWRIGHT_BOOTSTRAP_TEST_API_KEY: TEST_KEY,
      // Long enough that the checks below run inside it on a loaded machine; the test does not wait it out idly.
      TAGWRIGHT_DRAIN_SECONDS: '4',
      ...(database.databaseUrl ? { DATABASE_URL: database.databaseUrl } : {}),
    });
    const db = connect({ databaseUrl: database.databaseUrl, sqliteFile: path.join(dataDir, 'tagwright.sqlite') });
    try {
      const ready = await fetch(`${node.url}/readyz`);
      assert.equal(ready.status, 200);
      assert.deepEqual(await ready.json(), { status: 'ready' });

      const bytes = Buffer.alloc(3 * 1024 * 1024, 5);
      const upload = startSlowUpload(node.url, bytes);
      const partial = path.join(dataDir, 'files', '.tmp');
      await waitUntil(async () => fs.existsSync(partial) && fs.readdirSync(partial).length === 1, { what: 'the upload to be streaming into the store' });

      node.child.kill('SIGTERM');
      let readiness: Response;
      do readiness = await fetch(`${node.url}/readyz`);
      while (readiness.status === 200);
      assert.equal(readiness.status, 503);
      assert.deepEqual(await readiness.json(), { status: 'draining' });
      assert.equal(readiness.headers.get('connection'), 'close', 'keep-alive clients are sent elsewhere');
      const health = await fetch(`${node.url}/healthz`);
      assert.equal(health.status, 200, 'still alive: an orchestrator must not restart a draining node');
      const served = await fetch(`${node.url}/v1/projects`, { headers: { authorization: auth } });
      assert.equal(served.status, 200, 'requests that still arrive are served');

      upload.finish();
      const answer = await upload.answer;
      assert.equal(answer.status, 200);
      assert.equal(answer.body.size, bytes.length);
      assert.equal(await node.exited, 0);
      await assert.rejects(fetch(`${node.url}/healthz`), 'the port is closed after the drain');
      const row = await db.kysely.selectFrom('files').selectAll().where('id', '=', answer.body.id).executeTakeFirstOrThrow();
      assert.equal(row.state, 'ready');
      assert.equal(fs.statSync(path.join(dataDir, 'files', row.storage_key)).size, bytes.length);
    } finally {
      await node.stop('SIGKILL');
      await db.close();
      await database.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
