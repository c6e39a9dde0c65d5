import assert from 'node:assert/strict';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { it } from 'node:test';
import { createTestDatabase, describeEachDatabase } from '../helpers/databases.ts';
import { LIVE_KEY, TEST_KEY } from '../helpers/server.ts';
import { connect } from '../../src/db/connect.ts';
import { CallbackReceiver, enqueueCallback, seedTask, taskCallbackBody, waitUntil } from './fixtures.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const packageDir = path.resolve(here, '../..');

/** Starts `server-entry.ts` in a child process and resolves once it prints its URL. */
async function startChildServer(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'server-entry.ts')], {
    cwd: packageDir,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes('\n')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`child server exited early with code ${code}`)));
  });
  return child;
}

async function kill(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
}

describeEachDatabase('Callback delivery across a crash', (dialect) => {
  it('delivers a callback that was in flight when its server was killed, once a new server starts on the same database', async () => {
    const database = await createTestDatabase(dialect);
    const receiver = await CallbackReceiver.start((_request, index) => (index === 0 ? 'hold' : { status: 200 }));
    const env: Record<string, string> = {
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      TAGWRIGHT_BOOTSTRAP_API_KEY: LIVE_KEY,
      TAGWRIGHT_BOOTSTRAP_TEST_API_KEY: TEST_KEY,
      TAGWRIGHT_ALLOW_PRIVATE_OUTBOUND: 'true',
      TAGWRIGHT_WORKER_POLL_MS: '50',
      TAGWRIGHT_CALLBACK_TIMEOUT_MS: '1000',
      TAGWRIGHT_CALLBACK_CLAIM_MS: '1500',
      ...(database.databaseUrl ? { DATABASE_URL: database.databaseUrl } : { TAGWRIGHT_DATA_DIR: path.dirname(database.sqliteFile!) }),
    };
    let child = await startChildServer(env);
    const db = connect({ databaseUrl: database.databaseUrl, sqliteFile: database.sqliteFile });
    try {
      const account = await db.kysely.selectFrom('accounts').selectAll().executeTakeFirstOrThrow();
      const taskId = await seedTask(db, account.id);
      const body = taskCallbackBody(taskId);
      const deliveryId = await enqueueCallback(db, { accountId: account.id, subjectType: 'task', subjectId: taskId, event: 'completed', target: receiver.url, payload: body });

      await receiver.waitForRequests(1);
      await kill(child, 'SIGKILL');
      const stranded = await db.kysely.selectFrom('outbox').selectAll().where('id', '=', deliveryId).executeTakeFirstOrThrow();
      assert.equal(stranded.state, 'delivering', 'the killed server held the row mid-delivery');

      child = await startChildServer(env);
      const callbackSucceeded = async () =>
        (await db.kysely.selectFrom('tasks').select('callback_succeeded').where('id', '=', taskId).executeTakeFirstOrThrow()).callback_succeeded;
      await waitUntil(async () => (await callbackSucceeded()) === 1, { what: 'delivery by the restarted server' });

      assert.equal(receiver.received.length, 2);
      assert.deepEqual(receiver.received.map((request) => request.headers['x-tagwright-delivery']), [deliveryId, deliveryId]);
      assert.deepEqual(JSON.parse(receiver.received[1].body), body);
      const row = await db.kysely.selectFrom('outbox').selectAll().where('id', '=', deliveryId).executeTakeFirstOrThrow();
      assert.equal(row.state, 'succeeded');
      const attempts = await db.kysely.selectFrom('delivery_attempts').selectAll().where('outbox_id', '=', deliveryId).execute();
      assert.deepEqual(attempts.map((attempt) => attempt.status_code), [200], 'the attempt cut off by the crash left no result to log');
    } finally {
      await kill(child, 'SIGTERM');
      await receiver.close();
      await db.close();
      await database.drop();
    }
  });
});
