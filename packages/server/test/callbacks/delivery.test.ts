import assert from 'node:assert/strict';
import { after, it } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.ts';
import { useTestServer, LIVE_KEY, TEST_KEY } from '../helpers/server.ts';
import { connect, type Db } from '../../src/db/connect.ts';
import { OutboxRepository } from '../../src/repositories/outbox.repository.ts';
import { CallbackSender } from '../../src/outbound/callback-sender.ts';
import { DeliverCallbacksRunner } from '../../src/jobs/deliver-callbacks.ts';
import { Worker } from '../../src/jobs/worker.ts';
import { VERSION } from '../../src/version.ts';
import { CallbackReceiver, enqueueCallback, hmacHex, seedBatch, seedTask, taskCallbackBody, waitUntil } from './fixtures.ts';

const silent = { info() {}, warn() {}, error() {} };

describeEachDatabase('Callback delivery', (dialect) => {
  const server = useTestServer(dialect, {
    TAGWRIGHT_CALLBACK_SCHEDULE: '0.05,0.05,0.05',
    // Long enough that a loaded machine never times out a healthy receiver (the counts below are exact);
    // the slow-receiver test holds its request open until the timeout fires.
    TAGWRIGHT_CALLBACK_TIMEOUT_MS: '5000',
    TAGWRIGHT_CALLBACK_CONCURRENCY: '8',
  });
  const receivers: CallbackReceiver[] = [];
  after(async () => {
    for (const receiver of receivers) await receiver.close();
  });

  const db = (): Db => server.current.server.services.db;
  async function account() {
    return (await server.current.server.services.accounts.authenticate(LIVE_KEY))!.account;
  }
  async function receiver(answer?: Parameters<typeof CallbackReceiver.start>[0]) {
    const started = await CallbackReceiver.start(answer);
    receivers.push(started);
    return started;
  }
  async function task(taskId: string) {
    return db().kysely.selectFrom('tasks').selectAll().where('id', '=', taskId).executeTakeFirstOrThrow();
  }
  async function outboxRow(id: string) {
    return db().kysely.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  }
  async function queueTaskCallback(taskId: string, target: string, body = taskCallbackBody(taskId)) {
    const id = await enqueueCallback(db(), { accountId: (await account()).id, subjectType: 'task', subjectId: taskId, event: 'completed', target, payload: body });
    server.current.server.services.onWorkQueued();
    return id;
  }
  /** Waits until the delivery is finished for good: after that no attempt can follow, so counts are final. */
  async function finished(id: string) {
    await waitUntil(async () => ['succeeded', 'failed', 'superseded'].includes((await outboxRow(id)).state), { what: `delivery ${id} to finish` });
  }

  it('delivers after two failures, with the contract headers and a valid signature, and sets callback_succeeded', async () => {
    const statuses = [500, 503, 200];
    const target = await receiver((_request, index) => ({ status: statuses[Math.min(index, 2)] }));
    const owner = await account();
    const taskId = await seedTask(db(), owner.id);
    const before = await task(taskId);
    const body = taskCallbackBody(taskId);
    const deliveryId = await queueTaskCallback(taskId, target.url, body);

    await waitUntil(async () => (await task(taskId)).callback_succeeded === 1, { what: 'callback_succeeded = 1' });
    await finished(deliveryId);
    assert.equal(target.received.length, 3);
    for (const request of target.received) {
      assert.equal(request.headers['content-type'], 'application/json');
      assert.equal(request.headers['scale-callback-auth'], owner.callback_auth_key_live);
      assert.equal(request.headers['user-agent'], `Tagwright-Callbacks/${VERSION}`);
      assert.equal(request.headers['x-tagwright-signature'], `sha256=${hmacHex(request.body, owner.callback_auth_key_live)}`);
      assert.equal(request.headers['x-tagwright-delivery'], deliveryId);
      assert.deepEqual(JSON.parse(request.body), body);
    }
    const after = await task(taskId);
    assert.ok(after.updated_at > before.updated_at, 'updated_at moves when callback_succeeded is set');
    assert.equal((await outboxRow(deliveryId)).state, 'succeeded');

    const log = await server.current.request('GET', `/app/api/tasks/${taskId}/deliveries`);
    assert.equal(log.status, 200);
    assert.deepEqual(log.body.attempts.map((attempt: any) => [attempt.attempt, attempt.status_code, attempt.succeeded]), [[3, 200, true], [2, 503, false], [1, 500, false]]);
    assert.equal(log.body.attempts[0].delivery_id, deliveryId);
    assert.equal(log.body.attempts[0].target, target.url);
    assert.equal(log.body.attempts[0].response_body, 'answer 200');
    assert.equal(typeof log.body.attempts[0].duration_ms, 'number');
    assert.equal(log.body.next_token, null);
  });

  it('gives up after the last retry, sets callback_succeeded to false, and pages through the log', async () => {
    const target = await receiver(() => ({ status: 500, body: 'x'.repeat(5000) }));
    const taskId = await seedTask(db(), (await account()).id);
    const deliveryId = await queueTaskCallback(taskId, target.url);

    await waitUntil(async () => (await task(taskId)).callback_succeeded === 0, { what: 'callback_succeeded = 0' });
    await finished(deliveryId);
    assert.equal(target.received.length, 4, 'the first attempt and three retries');
    const row = await outboxRow(deliveryId);
    assert.equal(row.state, 'failed');
    assert.equal(row.attempts, 4);

    const first = await server.current.request('GET', `/app/api/tasks/${taskId}/deliveries?limit=3`);
    assert.deepEqual(first.body.attempts.map((attempt: any) => attempt.attempt), [4, 3, 2]);
    assert.equal(Buffer.byteLength(first.body.attempts[0].response_body), 2048, 'response bodies are cut to 2 KiB');
    assert.equal(typeof first.body.next_token, 'string');
    const second = await server.current.request('GET', `/app/api/tasks/${taskId}/deliveries?limit=3&next_token=${first.body.next_token}`);
    assert.deepEqual(second.body.attempts.map((attempt: any) => attempt.attempt), [1]);
    assert.equal(second.body.next_token, null);
  });

  it('sends only the newer event when it supersedes one still waiting for its retry', async () => {
    const target = await receiver();
    const owner = await account();
    const taskId = await seedTask(db(), owner.id);
    const older = await db().kysely.transaction().execute(async (trx) => {
      const id = await OutboxRepository.enqueue(trx, { accountId: owner.id, environment: 'live', subjectType: 'task', subjectId: taskId, event: 'completed', target: target.url, payload: taskCallbackBody(taskId, 'completed', { v: 1 }) });
      // As if its first attempt had failed and it waits a minute for the retry.
      await trx.updateTable('outbox').set({ attempts: 1, next_attempt_at: Date.now() + 60_000 }).where('id', '=', id).execute();
      return id;
    });
    const newerBody = taskCallbackBody(taskId, 'pending', { v: 2 });
    const newer = await queueTaskCallback(taskId, target.url, newerBody);

    await waitUntil(async () => (await task(taskId)).callback_succeeded === 1, { what: 'the newer event to be delivered' });
    await finished(newer);
    await finished(older);
    assert.deepEqual(target.received.map((request) => JSON.parse(request.body)), [newerBody]);
    assert.equal((await outboxRow(older)).state, 'superseded');
    assert.equal((await outboxRow(newer)).state, 'succeeded');
  });

  it('holds a newer event while an older one is mid-delivery, then drops the older instead of retrying it', async () => {
    const target = await receiver((_request, index) => (index === 0 ? 'hold' : { status: 200 }));
    const taskId = await seedTask(db(), (await account()).id);
    const olderBody = taskCallbackBody(taskId, 'completed', { v: 1 });
    const newerBody = taskCallbackBody(taskId, 'completed', { v: 2 });
    const older = await queueTaskCallback(taskId, target.url, olderBody);
    await target.waitForRequests(1);
    const newer = await queueTaskCallback(taskId, target.url, newerBody);
    // A pass of a second worker, run here: if holding were broken, this pass (or the server's own worker
    // before it) would have claimed the newer event, so it would no longer be pending.
    const secondWorker = new DeliverCallbacksRunner(
      new OutboxRepository(db().kysely, db().dialect),
      new CallbackSender({ timeoutMs: 5_000, allowPrivate: true, userAgent: 'test', smtpFrom: 'test@localhost' }),
      { concurrency: 4, claimMs: 10_000, scheduleSeconds: [0.05], requestPass: () => {} },
      silent,
    );
    await secondWorker.runOnce();
    await secondWorker.stop();
    assert.equal((await outboxRow(newer)).state, 'pending', 'the newer event is not claimed while the older one is in flight');
    assert.equal(target.received.length, 1, 'the newer event waits while the older one is in flight');

    target.release(500);
    await waitUntil(async () => (await task(taskId)).callback_succeeded === 1, { what: 'the newer event to be delivered' });
    await finished(newer);
    await finished(older);
    assert.deepEqual(target.received.map((request) => JSON.parse(request.body)), [olderBody, newerBody]);
    assert.equal((await outboxRow(older)).state, 'superseded');
    assert.equal((await outboxRow(newer)).state, 'succeeded');
  });

  it('counts a redirect as a failure and does not follow it', async () => {
    const target = await receiver((_request, index) => (index === 0 ? { status: 302, headers: { location: '/callback/elsewhere' } } : { status: 200 }));
    const taskId = await seedTask(db(), (await account()).id);
    await queueTaskCallback(taskId, target.url);

    await waitUntil(async () => (await task(taskId)).callback_succeeded === 1, { what: 'delivery after the redirect' });
    assert.deepEqual(target.received.map((request) => request.path), ['/callback', '/callback']);
    const log = await server.current.request('GET', `/app/api/tasks/${taskId}/deliveries`);
    const oldest = log.body.attempts[log.body.attempts.length - 1];
    assert.equal(oldest.status_code, 302);
    assert.equal(oldest.succeeded, false);
    assert.match(oldest.error, /redirects are not followed/);
  });

  it('counts a receiver that answers too slowly as a failed attempt and retries it', async () => {
    const target = await receiver((_request, index) => (index === 0 ? 'hold' : { status: 200 }));
    const taskId = await seedTask(db(), (await account()).id);
    await queueTaskCallback(taskId, target.url);

    await waitUntil(async () => (await task(taskId)).callback_succeeded === 1, { what: 'delivery after the timeout' });
    target.release();
    const log = await server.current.request('GET', `/app/api/tasks/${taskId}/deliveries`);
    assert.equal(log.body.attempts.length, 2);
    assert.equal(log.body.attempts[1].status_code, undefined);
    assert.match(log.body.attempts[1].error, /timeout/);
    assert.equal(log.body.attempts[0].status_code, 200);
  });

  it('skips an email callback when no mail transport is configured, and says so in the log', async () => {
    const taskId = await seedTask(db(), (await account()).id);
    const deliveryId = await queueTaskCallback(taskId, 'ops@example.com');

    await waitUntil(async () => (await task(taskId)).callback_succeeded === 0, { what: 'callback_succeeded = 0' });
    assert.equal((await outboxRow(deliveryId)).state, 'skipped');
    const log = await server.current.request('GET', `/app/api/tasks/${taskId}/deliveries`);
    assert.equal(log.body.attempts.length, 1);
    assert.equal(log.body.attempts[0].error, 'skipped: no mail transport configured');
    assert.equal(log.body.attempts[0].succeeded, false);
    assert.equal(log.body.attempts[0].target, 'ops@example.com');
  });

  it('never sends the same delivery twice when several workers share the database', async () => {
    const target = await receiver();
    const owner = await account();
    // On PostgreSQL each extra worker has its own connection pool, as separate processes would. On
    // SQLite they share the server's connection: one process's connections to one file would block
    // each other's event loop; several processes on SQLite are serialised by the file lock anyway.
    const extraDbs: Db[] = dialect === 'postgres' ? [0, 1].map(() => connect({ databaseUrl: server.current.database.databaseUrl })) : [];
    const workers = [0, 1].map((index) => {
      const workerDb = extraDbs[index] ?? db();
      const runner = new DeliverCallbacksRunner(
        new OutboxRepository(workerDb.kysely, workerDb.dialect),
        new CallbackSender({ timeoutMs: 2_000, allowPrivate: true, userAgent: 'test', smtpFrom: 'test@localhost' }),
        { concurrency: 4, claimMs: 10_000, scheduleSeconds: [0.05], requestPass: () => worker.nudge() },
        silent,
      );
      const worker = new Worker([runner], 10, silent);
      return worker;
    });
    try {
      const ids = await db().kysely.transaction().execute(async (trx) => {
        const queued: string[] = [];
        for (let index = 0; index < 200; index++) {
          queued.push(await OutboxRepository.enqueue(trx, { accountId: owner.id, environment: 'live', subjectType: 'task', subjectId: `bulk-${index}`, event: 'completed', target: target.url, payload: { n: index } }));
        }
        return queued;
      });
      for (const worker of workers) worker.start();
      server.current.server.services.onWorkQueued();

      await target.waitForRequests(200);
      await waitUntil(async () => {
        const open = await db().kysely.selectFrom('outbox').select('id').where('id', 'in', ids).where('state', '!=', 'succeeded').execute();
        return open.length === 0;
      }, { what: 'all 200 rows to be recorded as succeeded' });
      const perDelivery = new Map<string, number>();
      for (const request of target.received) {
        const id = String(request.headers['x-tagwright-delivery']);
        perDelivery.set(id, (perDelivery.get(id) ?? 0) + 1);
      }
      assert.equal(perDelivery.size, 200);
      assert.deepEqual([...perDelivery.values()].filter((count) => count !== 1), [], 'every delivery arrived exactly once');
      const attempts = await db().kysely.selectFrom('delivery_attempts').select('outbox_id').where('outbox_id', 'in', ids).execute();
      assert.equal(attempts.length, 200);
    } finally {
      for (const worker of workers) await worker.stop();
      for (const extra of extraDbs) await extra.close();
    }
  });

  it("serves a task's delivery log only to its own account and environment", async () => {
    const target = await receiver();
    const taskId = await seedTask(db(), (await account()).id);
    await queueTaskCallback(taskId, target.url);
    await waitUntil(async () => (await task(taskId)).callback_succeeded === 1, { what: 'delivery' });

    const other = await server.current.createAccount();
    assert.equal((await server.current.request('GET', `/app/api/tasks/${taskId}/deliveries`)).status, 200);
    assert.equal((await server.current.request('GET', `/app/api/tasks/${taskId}/deliveries`, { key: other.liveKey })).status, 404);
    assert.equal((await server.current.request('GET', `/app/api/tasks/${taskId}/deliveries`, { key: TEST_KEY })).status, 404);
    assert.equal((await server.current.request('POST', `/app/api/tasks/${taskId}/deliveries/redeliver`, { key: other.liveKey })).status, 404);
    const missing = await server.current.request('GET', '/app/api/tasks/000000000000000000000000/deliveries');
    assert.equal(missing.status, 404);
    assert.match(missing.body.error, /task/);
    assert.equal((await server.current.request('GET', `/app/api/tasks/${taskId}/deliveries`, { key: null })).status, 401);
  });

  it('redelivers the latest event of a task on request', async () => {
    const target = await receiver();
    const taskId = await seedTask(db(), (await account()).id);
    const body = taskCallbackBody(taskId, 'completed', { v: 7 });
    await queueTaskCallback(taskId, target.url, body);
    await waitUntil(async () => (await task(taskId)).callback_succeeded === 1, { what: 'the first delivery' });

    const redelivered = await server.current.request('POST', `/app/api/tasks/${taskId}/deliveries/redeliver`, { headers: { 'content-type': 'application/json' }, rawBody: '' });
    assert.equal(redelivered.status, 200);
    assert.equal(redelivered.body.delivery.event, 'completed');
    assert.equal(redelivered.body.delivery.target, target.url);
    await target.waitForRequests(2);
    assert.deepEqual(JSON.parse(target.received[1].body), body);
    assert.equal(target.received[1].headers['x-tagwright-delivery'], redelivered.body.delivery.id);
    await waitUntil(async () => (await server.current.request('GET', `/app/api/tasks/${taskId}/deliveries`)).body.attempts.length === 2, { what: 'the second attempt in the log' });
  });

  it('refuses to redeliver a task that never had a callback', async () => {
    const taskId = await seedTask(db(), (await account()).id);
    const response = await server.current.request('POST', `/app/api/tasks/${taskId}/deliveries/redeliver`);
    assert.equal(response.status, 400);
    assert.match(response.body.error, new RegExp(taskId));
  });

  it("records a batch callback's result on the batch and serves its log and redelivery by batch id", async () => {
    const target = await receiver();
    const owner = await account();
    const batchId = await seedBatch(db(), owner.id);
    await enqueueCallback(db(), { accountId: owner.id, subjectType: 'batch', subjectId: batchId, event: 'batch_completed', target: target.url, payload: { status: 'completed' } });
    server.current.server.services.onWorkQueued();
    const batch = () => db().kysely.selectFrom('batches').selectAll().where('id', '=', batchId).executeTakeFirstOrThrow();
    await waitUntil(async () => (await batch()).callback_succeeded === 1, { what: 'batch callback_succeeded = 1' });

    const log = await server.current.request('GET', `/app/api/batches/${batchId}/deliveries`);
    assert.equal(log.status, 200);
    assert.deepEqual(log.body.attempts.map((attempt: any) => [attempt.event, attempt.status_code]), [['batch_completed', 200]]);
    assert.equal((await server.current.request('GET', `/app/api/batches/${batchId}/deliveries`, { key: TEST_KEY })).status, 404);
    const redelivered = await server.current.request('POST', `/app/api/batches/${batchId}/deliveries/redeliver`);
    assert.equal(redelivered.status, 200);
    await target.waitForRequests(2);
  });
});
