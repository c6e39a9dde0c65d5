import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, it } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.ts';
import { deadlocksOf, startTestServer, LIVE_KEY, TEST_KEY, type TestServer } from '../helpers/server.ts';
import { unique, validBody } from './helpers.ts';

const CLIENTS = 32;
const CREATES_PER_CLIENT = 20;

// Test-key creates complete their task in the same transaction (test mode), so each one changes two
// counters; with live-key creates and the callback worker running beside them, every transaction
// must take its row locks in one order, or PostgreSQL aborts one of two waiting on each other.
describeEachDatabase('concurrent task creates', (dialect) => {
  let server: TestServer;
  let closed = false;
  before(async () => {
    server = await startTestServer(dialect);
  });
  after(async () => {
    if (!closed) await server.server.close();
    await server.database.drop();
    fs.rmSync(server.config.dataDir, { recursive: true, force: true });
  });

  it('creates with test and live keys from 32 clients at once without a deadlock or a 500', async () => {
    const project = unique('concurrent');
    for (const key of [LIVE_KEY, TEST_KEY]) {
      const created = await server.request('POST', '/v1/projects', { key, body: { type: 'imageannotation', name: project } });
      assert.equal(created.status, 200, created.text);
    }
    const before = await deadlocksOf(server);
    const statuses: number[] = [];
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, client) => {
        for (let index = 0; index < CREATES_PER_CLIENT; index++) {
          // Half the clients use the test key; every create asks for a callback, so the worker delivers (and records) beside them.
          const key = client % 2 === 0 ? TEST_KEY : LIVE_KEY;
          const body = { ...validBody('imageannotation'), project, callback_url: 'http://127.0.0.1:9/unreachable' };
          const response = await server.request('POST', '/v1/task/imageannotation', { key, body });
          statuses.push(response.status);
        }
      }),
    );
    assert.deepEqual(statuses.filter((status) => status !== 200), [], 'every create answers 200');
    const perKey = (CLIENTS / 2) * CREATES_PER_CLIENT;
    const live = await server.request('GET', `/v1/tasks?project=${project}&limit=1`, { key: LIVE_KEY });
    const test = await server.request('GET', `/v1/tasks?project=${project}&status=completed&limit=1`, { key: TEST_KEY });
    assert.equal(live.body.total, perKey);
    assert.equal(test.body.total, perKey, 'every test-key task is completed and counted once');
    // Statistics of a PostgreSQL backend reach the view at the latest when it disconnects.
    await server.server.close();
    closed = true;
    assert.equal((await deadlocksOf(server)) - before, 0, 'PostgreSQL detected no deadlock');
  });
});
