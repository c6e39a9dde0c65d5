import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, it } from 'node:test';
import pg from 'pg';
import { describeEachDatabase } from '../helpers/databases.ts';
import { startTestServer, TEST_KEY, type TestServer } from '../helpers/server.ts';
import { categorization, unique } from '../queue/helpers.ts';
import { CallbackReceiver, waitUntil } from './fixtures.ts';

/**
 * The callback worker's recording transaction, made a deadlock victim on purpose, runs again: the
 * attempt is recorded at once, and the receiver is not sent the same callback a second time when
 * the row's claim expires. A second connection takes the task's outbox row, waits until the worker
 * (which locks the task first, as every writer does) waits for that row, and then asks for the task:
 * a circle. Its own `deadlock_timeout` is long, so PostgreSQL's check in the worker (1 s) finds the
 * circle first and aborts the worker, never the test's connection. SQLite has no row locks: there
 * only the delivery is checked.
 */
describeEachDatabase('callback worker: a recording aborted as a deadlock victim', (dialect) => {
  let server: TestServer;
  let receiver: CallbackReceiver;
  before(async () => {
    // A claim far longer than the test: without the retry the row would only be sent again after it.
    server = await startTestServer(dialect, { TAGWRIGHT_CALLBACK_CLAIM_MS: String(30 * 60_000) });
    receiver = await CallbackReceiver.start((request) => (receiver.received.slice(0, -1).some((earlier) => earlier.path === request.path) ? { status: 200 } : 'hold'));
  });
  after(async () => {
    await receiver?.close();
    await server.server.close();
    await server.database.drop();
    fs.rmSync(server.config.dataDir, { recursive: true, force: true });
  });

  it('is run again: the attempt is recorded once and the callback is not sent twice', async () => {
    const project = unique('record-retry');
    assert.equal((await server.request('POST', '/v1/projects', { key: TEST_KEY, body: { type: 'categorization', name: project } })).status, 200);
    const created = await server.request('POST', '/v1/task/categorization', { key: TEST_KEY, body: categorization(project, { callback_url: receiver.url }) });
    assert.equal(created.status, 200, created.text);
    const taskId = created.body.task_id;
    await receiver.waitForRequests(1);
    const kysely = server.server.services.db.kysely;

    if (dialect === 'postgres') {
      const other = new pg.Client({ connectionString: server.database.databaseUrl });
      await other.connect();
      const database = new URL(server.database.databaseUrl!).pathname.slice(1);
      const deadlocks = async () => Number((await other.query('select deadlocks from pg_stat_database where datname = $1', [database])).rows[0]?.deadlocks ?? 0);
      try {
        const deadlocksBefore = await deadlocks();
        await other.query("set deadlock_timeout = '60s'");
        await other.query('begin');
        await other.query('update outbox set updated_at = updated_at where subject_id = $1', [taskId]);
        receiver.release(200);
        // Inside `other`'s transaction PostgreSQL would keep the first pg_stat_activity snapshot, which
        // misses a backend the server's pool opens afterwards: clear it before each look.
        const waiting = async () => {
          await other.query('select pg_stat_clear_snapshot()');
          return (await other.query("select count(*)::int as n from pg_stat_activity where datname = $1 and wait_event_type = 'Lock'", [database])).rows[0].n;
        };
        await waitUntil(async () => (await waiting()) >= 1, {
          timeoutMs: 60_000,
          what: 'the worker waiting for the outbox row',
        });
        // The worker holds the task and waits for the outbox row; this waits for the task: PostgreSQL aborts the worker.
        await other.query('select id from tasks where id = $1 for update', [taskId]);
        await other.query('commit');
        await waitUntil(async () => (await deadlocks()) > deadlocksBefore, { timeoutMs: 60_000, what: 'PostgreSQL to count the deadlock' });
      } finally {
        await other.end();
      }
    } else {
      receiver.release(200);
    }

    await waitUntil(async () => (await kysely.selectFrom('outbox').select('state').where('subject_id', '=', taskId).executeTakeFirst())?.state === 'succeeded', {
      timeoutMs: 60_000,
      what: "the callback's row recorded as succeeded",
    });
    const attempts = await kysely.selectFrom('delivery_attempts').select(['status_code']).where('subject_id', '=', taskId).execute();
    assert.deepEqual(attempts, [{ status_code: 200 }], 'one attempt logged');
    assert.equal(receiver.received.length, 1, 'the callback was sent once');
    assert.equal((await server.request('GET', `/v1/task/${taskId}`, { key: TEST_KEY })).body.callback_succeeded, true);
  });
});
