import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, it } from 'node:test';
import pg from 'pg';
import { describeEachDatabase } from '../helpers/databases.ts';
import { startTestServer, TEST_KEY, type TestServer } from '../helpers/server.ts';
import { addWorkers, assign, call, categorization, createProject, createTask, next, submit, unique } from '../queue/helpers.ts';
import { CallbackReceiver, waitUntil } from './fixtures.ts';

/**
 * Two writers that touch the same rows, lined up so that each takes its first lock and then waits
 * for the second: the test holds the task's row lock (a transaction of its own) while both requests
 * arrive, waits until PostgreSQL shows both of them waiting for a lock, and lets go. Writers that
 * take their rows in one order then run one after the other; writers that take them in opposite
 * orders deadlock every time (PostgreSQL aborts one: a 500, or a retry the deadlock count shows).
 * test/callbacks/lock-order.test.ts runs every path at once; this makes two known pairs certain.
 * On SQLite (one writer, no row locks) the same pairs run unaligned and must end the same way.
 */
class RowHolder {
  private constructor(
    private readonly client: pg.Client,
    private readonly database: string,
  ) {}

  static async open(server: TestServer): Promise<RowHolder> {
    const client = new pg.Client({ connectionString: server.database.databaseUrl });
    await client.connect();
    return new RowHolder(client, new URL(server.database.databaseUrl!).pathname.slice(1));
  }

  private lockedTask = '';

  async lockTask(id: string): Promise<void> {
    this.lockedTask = id;
    await this.client.query('begin');
    await this.client.query('select id from tasks where id = $1 for update', [id]);
  }

  /**
   * Resolves once `count` backends wait behind the held row, directly or behind another waiter;
   * else fails naming what each backend does. (Counting every backend that waits for some lock
   * also counted the file-import worker's claims waiting for each other, lining up too early.)
   * The holder asks inside its open transaction, where PostgreSQL keeps the first pg_stat_activity
   * snapshot to the end: a backend the server's pool opened after that (a second writer on a new
   * connection) was never seen, and the line-up waited in vain — the flake that once hung CI. So
   * each look clears the snapshot first.
   */
  async waiters(count: number): Promise<void> {
    try {
      await waitUntil(
        async () => {
          await this.client.query('select pg_stat_clear_snapshot()');
          const result = await this.client.query(
            `with recursive behind(pid) as (
               select pg_backend_pid()
               union
               select a.pid from pg_stat_activity a join behind b on b.pid = any(pg_blocking_pids(a.pid)) where a.datname = $1
             )
             select count(*)::int - 1 as n from behind`,
            [this.database],
          );
          return result.rows[0].n >= count;
        },
        { timeoutMs: 60_000, what: `${count} request(s) waiting for a row lock` },
      );
    } catch (error) {
      await this.client.query('select pg_stat_clear_snapshot()');
      const backends = await this.client.query(
        'select state, wait_event_type, wait_event, left(query, 160) as query from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
        [this.database],
      );
      const callbacks = await this.client.query('select event, state, attempts from outbox where subject_id = $1 order by id', [this.lockedTask]);
      throw new Error(`${(error as Error).message}; the test database's other backends: ${JSON.stringify(backends.rows)}; the task's callbacks: ${JSON.stringify(callbacks.rows)}`);
    }
  }

  async release(): Promise<void> {
    await this.client.query('commit');
  }

  async deadlocks(): Promise<number> {
    const result = await this.client.query('select deadlocks from pg_stat_database where datname = $1', [this.database]);
    return Number(result.rows[0]?.deadlocks ?? 0);
  }

  close(): Promise<void> {
    return this.client.end();
  }
}

describeEachDatabase('lock order: writers lined up on one task', (dialect) => {
  let server: TestServer;
  let receiver: CallbackReceiver;
  let holder: RowHolder | undefined;
  let deadlocksBefore = 0;
  let closed = false;
  before(async () => {
    server = await startTestServer(dialect, { TAGWRIGHT_GOLD_RATE: '0' });
    // The first callback of a `hold` target stays unanswered until the test answers it.
    receiver = await CallbackReceiver.start((request) => (request.path.includes('hold') && !receiver.received.slice(0, -1).some((earlier) => earlier.path === request.path) ? 'hold' : { status: 200 }));
    if (dialect === 'postgres') {
      holder = await RowHolder.open(server);
      deadlocksBefore = await holder.deadlocks();
    }
  });
  after(async () => {
    await holder?.close();
    await receiver?.close();
    if (!closed) await server.server.close();
    await server.database.drop();
    fs.rmSync(server.config.dataDir, { recursive: true, force: true });
  });

  /** Sends `first`, waits until it waits, sends `second`, waits until both wait, then lets the task go. */
  async function lineUp<A, B>(taskId: string, first: () => Promise<A>, second: () => Promise<B>): Promise<[A, B]> {
    if (!holder) return Promise.all([first(), second()]);
    await holder.lockTask(taskId);
    let one!: Promise<A>;
    let two!: Promise<B>;
    try {
      one = first();
      await holder.waiters(1);
      two = second();
      await holder.waiters(2);
    } finally {
      // Always let go: a request left waiting on this lock would hold the server's close, and the
      // suite, forever (CI hung here once when the second writer never came).
      await holder.release();
    }
    return Promise.all([one, two]);
  }

  it('a review decision and a release of its lease: one of them wins, no deadlock, no 500', async () => {
    const project = unique('pair-review');
    await createProject(server, { type: 'categorization', name: project, params: { review: true } });
    const [labeler] = await addWorkers(server, 1);
    const [reviewer] = await addWorkers(server, 1, 'member', 'reviewer');
    await assign(server, [labeler, reviewer], [project]);
    const task = await createTask(server, 'categorization', categorization(project, { callback_url: receiver.url }));
    assert.equal(await submit(server, labeler, await next(server, labeler), { category: 'cat' }), 'review');
    const review = await next(server, reviewer, 'kind=review');
    const lease = review.lease.lease_id;

    // The review locks the lease (then the task); the release deletes the lease, then requeues the task.
    const [decided, released] = await lineUp(
      task.task_id,
      () => call(server, reviewer, 'POST', `/tasks/${task.task_id}/review`, { lease_id: lease, result: 'accepted' }),
      () => call(server, reviewer, 'POST', `/leases/${lease}/release`),
    );
    assert.ok(decided.status < 500 && released.status < 500, `no 500 (review ${decided.status} ${decided.text}, release ${released.status} ${released.text})`);
    assert.equal([decided.status, released.status].filter((status) => status === 200).length, 1, `exactly one wins (review ${decided.status}, release ${released.status})`);
    const stored = await server.request('GET', `/v1/task/${task.task_id}`);
    assert.equal(stored.body.status, decided.status === 200 ? 'completed' : 'pending');
  });

  it('a customer audit and the callback worker recording the delivery of the same task: both land, no deadlock', async () => {
    const project = unique('pair-audit');
    await createProject(server, { type: 'categorization', name: project });
    assert.equal((await server.request('POST', '/v1/projects', { key: TEST_KEY, body: { type: 'categorization', name: project } })).status, 200);
    const target = `${receiver.url}?${unique('hold')}`;
    const created = await server.request('POST', '/v1/task/categorization', { key: TEST_KEY, body: categorization(project, { callback_url: target }) });
    assert.equal(created.status, 200);
    const taskId = created.body.task_id;
    const path = target.slice(new URL(target).origin.length);
    const sent = () => receiver.received.filter((request) => request.path === path);
    await waitUntil(() => sent().length === 1, { what: 'the completed callback in flight' });

    // The audit locks the task, then supersedes the task's callback rows (touching the delivering one);
    // the worker, once the receiver answers, records the result: the task first, then its outbox row.
    const [audited] = await lineUp(
      taskId,
      () => server.request('POST', `/v1/task/${taskId}/audit`, { key: TEST_KEY, body: { accepted: true } }),
      async () => receiver.release(200),
    );
    assert.equal(audited.status, 200, audited.text);
    const kysely = server.server.services.db.kysely;
    await waitUntil(async () => (await kysely.selectFrom('outbox').select('state').where('subject_id', '=', taskId).where('state', 'in', ['pending', 'delivering']).execute()).length === 0, {
      what: 'both callbacks of the task finished',
    });
    const rows = await kysely.selectFrom('outbox').select(['event', 'state']).where('subject_id', '=', taskId).orderBy('id').execute();
    assert.deepEqual(rows, [{ event: 'completed', state: 'succeeded' }, { event: 'audit', state: 'succeeded' }]);
    assert.equal((await server.request('GET', `/v1/task/${taskId}`, { key: TEST_KEY })).body.callback_succeeded, true);
    assert.ok(sent().length >= 2, 'the audit callback was delivered too');
  });

  it('PostgreSQL detected no deadlock in these pairs', { skip: dialect !== 'postgres' }, async () => {
    // A backend's statistics reach the view at the latest when it disconnects.
    await server.server.close();
    closed = true;
    assert.equal((await holder!.deadlocks()) - deadlocksBefore, 0);
  });
});
