import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createTestDatabase, describeEachDatabase } from '../helpers/databases.ts';
import { connect } from '../../src/db/connect.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { newId } from '../../src/domain/ids.ts';
import { OutboxRepository } from '../../src/repositories/outbox.repository.ts';
import { CallbackSender } from '../../src/outbound/callback-sender.ts';
import { DeliverCallbacksRunner } from '../../src/jobs/deliver-callbacks.ts';
import { Worker } from '../../src/jobs/worker.ts';
import { CallbackReceiver, enqueueCallback, waitUntil } from './fixtures.ts';

const silent = { info() {}, warn() {}, error() {} };

describeEachDatabase('Callback delivery at shutdown', (dialect) => {
  it('cuts off an attempt still in flight at shutdown, logs it as interrupted, and sends it again without using a retry', async () => {
    const database = await createTestDatabase(dialect);
    const db = connect({ databaseUrl: database.databaseUrl, sqliteFile: database.sqliteFile });
    const receiver = await CallbackReceiver.start((_request, index) => (index === 0 ? 'hold' : { status: 200 }));
    const startWorker = () => {
      const runner = new DeliverCallbacksRunner(
        new OutboxRepository(db.kysely, db.dialect),
        new CallbackSender({ timeoutMs: 10_000, allowPrivate: true, userAgent: 'test', smtpFrom: 'test@localhost' }),
        { concurrency: 4, claimMs: 20_000, scheduleSeconds: [60], requestPass: () => worker.nudge(), stopGraceMs: 100 },
        silent,
      );
      const worker = new Worker([runner], 20, silent);
      worker.start();
      return worker;
    };
    try {
      await migrateToLatest(db);
      const accountId = newId();
      await db.kysely.insertInto('accounts').values({ id: accountId, name: 'a', callback_auth_key_live: 'live-key', callback_auth_key_test: 'test-key', default_callback_url: null, created_at: Date.now() }).execute();
      const deliveryId = await enqueueCallback(db, { accountId, subjectType: 'task', subjectId: 'task-1', event: 'completed', target: receiver.url, payload: { n: 1 } });

      const first = startWorker();
      await receiver.waitForRequests(1);
      await first.stop();
      const released = await db.kysely.selectFrom('outbox').selectAll().where('id', '=', deliveryId).executeTakeFirstOrThrow();
      assert.equal(released.state, 'pending');
      assert.equal(released.attempts, 0, 'the cut-off attempt does not use up a retry');

      const second = startWorker();
      try {
        await receiver.waitForRequests(2);
        await waitUntil(async () => (await db.kysely.selectFrom('outbox').select('state').where('id', '=', deliveryId).executeTakeFirstOrThrow()).state === 'succeeded', { what: 'the second attempt to be recorded' });
      } finally {
        await second.stop();
      }
      const attempts = await db.kysely.selectFrom('delivery_attempts').selectAll().where('outbox_id', '=', deliveryId).orderBy('attempted_at').execute();
      assert.equal(attempts.length, 2);
      assert.match(attempts[0].error ?? '', /interrupted by shutdown/);
      assert.equal(attempts[1].status_code, 200);
    } finally {
      await receiver.close();
      await db.close();
      await database.drop();
    }
  });
});
