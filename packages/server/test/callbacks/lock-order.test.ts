import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, it } from 'node:test';
import { sql } from 'kysely';
import { describeEachDatabase } from '../helpers/databases.ts';
import { deadlocksOf, startTestServer, LIVE_KEY, TEST_KEY, type TestServer } from '../helpers/server.ts';
import { addWorkers, assign, unique } from '../queue/helpers.ts';
import { CallbackReceiver, waitUntil } from './fixtures.ts';
import { LockOrderClients } from './lock-order-clients.ts';

const LEASE_SECONDS = 1;

// Every PostgreSQL write path that holds rows of more than one kind takes them in one order (docs/tasks.md,
// "Lock order"): lease → batch → task (several: in id order) → task_work → counter rows → outbox rows.
// Here all of them run at once, with the callback worker delivering to a receiver that fails some
// answers and is slow on others (so its recording transactions overlap the state changes of the same
// tasks): a path taking two kinds the other way round shows up as a deadlock PostgreSQL detects
// (lifecycle transactions retry a deadlock victim silently, so the count is the check) or as a 500.
describeEachDatabase('one lock order under concurrency', (dialect) => {
  let server: TestServer;
  let receiver: CallbackReceiver;
  let closed = false;
  before(async () => {
    server = await startTestServer(dialect, { TAGWRIGHT_GOLD_RATE: '0', TAGWRIGHT_LEASE_SECONDS: String(LEASE_SECONDS), TAGWRIGHT_CALLBACK_SCHEDULE: '0.05,0.05' });
    // One answer in four fails (the row is retried, and given up after the schedule), one in four is slow.
    receiver = await CallbackReceiver.start((_request, index) => (index % 4 === 0 ? { status: 500 } : index % 4 === 1 ? { status: 200, delayMs: 150 } : { status: 200 }));
  });
  after(async () => {
    await receiver?.close();
    if (!closed) await server.server.close();
    await server.database.drop();
    fs.rmSync(server.config.dataDir, { recursive: true, force: true });
  });

  it('creates, labels, reviews, reopens, cancels, audits and batch operations with the callback worker: no deadlock, no 500, exact counts, every callback recorded', async (t) => {
    const standard = unique('lock-standard');
    const reviewed = unique('lock-reviewed');
    for (const key of [LIVE_KEY, TEST_KEY]) {
      assert.equal((await server.request('POST', '/v1/projects', { key, body: { type: 'categorization', name: standard } })).status, 200);
      assert.equal((await server.request('POST', '/v1/projects', { key, body: { type: 'categorization', name: reviewed, params: { review: true } } })).status, 200);
    }
    const batch = (name: string, project: string, key = LIVE_KEY) => server.request('POST', '/v1/batches', { key, body: { project, name, callback: receiver.url } });
    const [staged, paused, canceled, inReview, testBatch] = [unique('staged'), unique('paused'), unique('canceled'), unique('in-review'), unique('test-batch')];
    for (const name of [staged, paused, canceled]) assert.equal((await batch(name, standard)).status, 200);
    assert.equal((await batch(inReview, reviewed)).status, 200);
    assert.equal((await batch(testBatch, standard, TEST_KEY)).status, 200);
    for (const name of [paused, canceled, inReview]) assert.equal((await server.request('POST', `/v1/batches/${name}/finalize`)).status, 200);
    assert.equal((await server.request('POST', `/v1/batches/${testBatch}/finalize`, { key: TEST_KEY })).status, 200);

    const labelers = await addWorkers(server, 6);
    const reviewers = await addWorkers(server, 2, 'member', 'reviewer');
    const [manager] = await addWorkers(server, 1, 'manager', 'manager');
    await assign(server, [...labelers, ...reviewers], [standard, reviewed]);

    const deadlocksBefore = dialect === 'postgres' ? await deadlocksOf(server) : 0;
    const clients = new LockOrderClients(server, receiver.url, 11);
    const creators = Promise.all([
      clients.create(LIVE_KEY, [{ project: standard }, { project: standard, batch: staged }, { project: standard, batch: paused }, { project: standard, batch: canceled }], 40),
      clients.create(LIVE_KEY, [{ project: reviewed }, { project: reviewed, batch: inReview }, { project: standard, batch: paused }], 40),
      clients.create(TEST_KEY, [{ project: standard }, { project: standard, batch: testBatch }], 30),
      clients.create(TEST_KEY, [{ project: reviewed }, { project: standard, batch: testBatch }], 30),
    ]).then(() => {
      clients.creating = false;
    });
    await Promise.all([
      creators,
      ...labelers.map((labeler) => clients.label(labeler, LEASE_SECONDS * 1000)),
      ...reviewers.map((reviewer) => clients.review(reviewer)),
      clients.customer(manager, [standard, reviewed]),
      clients.batches({ finalize: [staged], pauseResume: paused, cancel: canceled }),
    ]);

    const tally = new Map<string, number>();
    for (const answer of clients.answers) tally.set(`${answer.route} ${answer.status}`, (tally.get(`${answer.route} ${answer.status}`) ?? 0) + 1);
    t.diagnostic(`answers: ${[...tally].map(([key, n]) => `${key}: ${n}`).join(', ')}; completions acknowledged: ${clients.completed.size}`);
    const failures = clients.answers.filter((answer) => answer.status >= 500);
    assert.deepEqual(failures, [], 'no request answered 500');
    assert.ok(clients.completed.size > 60, `many completions were acknowledged (${clients.completed.size})`);
    assert.ok(clients.answers.some((answer) => answer.route === 'POST review' && answer.status === 200), 'reviews were decided');

    // The worker delivers or gives up on every queued callback (two quick retries).
    const kysely = server.server.services.db.kysely;
    const live = () => kysely.selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('n')).where('state', 'in', ['pending', 'delivering']).executeTakeFirstOrThrow();
    await waitUntil(async () => Number((await live()).n) === 0, { timeoutMs: 60_000, what: 'every callback delivered or given up' });

    // Counter rows equal the rows they count, per project, batch, type, status and environment.
    const rows = await sql<{ key: string; n: string }>`select environment || ' ' || project_id || ' ' || coalesce(batch_id, '') || ' ' || type || ' ' || status as key, count(*) as n from tasks group by 1`.execute(kysely);
    const counted = await sql<{ key: string; n: string }>`select environment || ' ' || project_id || ' ' || batch_key || ' ' || type || ' ' || status as key, sum(n) as n from task_counts group by 1 having sum(n) <> 0`.execute(kysely);
    const asMap = (result: { rows: Array<{ key: string; n: string }> }) => Object.fromEntries(result.rows.map((row) => [row.key, Number(row.n)]).sort());
    assert.deepEqual(asMap(counted), asMap(rows), 'task counters match the task rows');

    // Every acknowledged completion reached the receiver (at least one attempt) and its result is recorded on the task.
    const delivered = new Set(receiver.received.map((request) => JSON.parse(request.body).task_id).filter(Boolean));
    const tasks = await kysely.selectFrom('tasks').select(['id', 'status', 'callback_succeeded']).where('id', 'in', [...clients.completed]).execute();
    assert.equal(tasks.length, clients.completed.size);
    for (const task of tasks) {
      assert.ok(delivered.has(task.id), `the callback of completed task ${task.id} was sent`);
      assert.notEqual(task.callback_succeeded, null, `the delivery result of task ${task.id} is recorded`);
    }

    if (dialect === 'postgres') {
      // A backend's statistics reach the view at the latest when it disconnects.
      await server.server.close();
      closed = true;
      assert.equal((await deadlocksOf(server)) - deadlocksBefore, 0, 'PostgreSQL detected no deadlock');
    }
  });
});
