import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { after, before, it } from 'node:test';
import type { RunningServer } from '../../src/server.ts';
import { sha256 } from '../../src/domain/ids.ts';
import { Unauthorized } from '../../src/domain/errors.ts';
import { describeEachDatabase } from '../helpers/databases.ts';
import { closeServerPair, postgresStatementsOf, startServerPair, useTestServer, type TestServer } from '../helpers/server.ts';
import { addWorkers, assign, call, categorization, createBatch, createProject, createTask, next, submit, unique, type TestWorker } from './helpers.ts';

/**
 * On PostgreSQL `queue/next` (labeling, all projects, session cookie) reads the session and the
 * context and claims from the top source in one statement when the top rank tier has one source
 * and nothing is held, expired or gold (docs/work-queue.md, "queue/next in one statement"); a named
 * project (`?project=`) still takes the old path. So on PostgreSQL these tests compare the two
 * paths on one database; on SQLite both are the old path and the same answers are expected.
 */
describeEachDatabase('queue/next in one statement', (dialect) => {
  let server: TestServer;
  /** A second server on the same database, as another process of a multi-node install. */
  let other: RunningServer;
  before(async () => {
    // No worker loop (TAGWRIGHT_ROLE=api): its polling would add statements to the round-trip count.
    ({ server, other } = await startServerPair(dialect, { TAGWRIGHT_GOLD_RATE: '0', TAGWRIGHT_ROLE: 'api' }));
  });
  after(() => closeServerPair(server, other));

  const release = async (worker: TestWorker, assignment: any) => {
    const released = await call(server, worker, 'POST', `/leases/${assignment.lease.lease_id}/release`);
    assert.equal(released.status, 200, released.text);
  };
  const leasesOf = (userId: string) => server.server.services.db.kysely.selectFrom('task_leases').select(['id', 'task_id']).where('user_id', '=', userId).execute();

  it('claims the task the old path claims, across tiers, held leases, skips and consensus attempts', async () => {
    const project = unique('same-as-old');
    await createProject(server, { type: 'categorization', name: project, pipeline: 'consensus_task', consensus_attempts: 3 });
    // `viaOne` asks for all projects (the one statement on PostgreSQL), `viaOld` names the project (the old path); both work only this project, and both do the same things.
    const [viaOne, viaOld] = await addWorkers(server, 2);
    await assign(server, [viaOne, viaOld], [project]);
    const [top, equalA, equalB] = [unique('top'), unique('equal-a'), unique('equal-b')];
    for (const name of [top, equalA, equalB]) await createBatch(server, project, name);
    for (const [name, priority] of [[top, 30], [equalA, 20], [equalB, 20]] as const) {
      const prioritized = await server.request('POST', `/v1/batches/${encodeURIComponent(name)}/prioritize`, { body: { priority } });
      assert.equal(prioritized.status, 200, prioritized.text);
    }
    const loose = await createTask(server, 'categorization', categorization(project));
    const topOld = await createTask(server, 'categorization', categorization(project, { batch: top }));
    const topUrgent = await createTask(server, 'categorization', categorization(project, { batch: top, priority: 30 }));
    const equalOld = await createTask(server, 'categorization', categorization(project, { batch: equalA }));
    const equalUrgent = await createTask(server, 'categorization', categorization(project, { batch: equalB, priority: 20 }));
    const named = `project=${encodeURIComponent(project)}`;

    /** What each path hands out now (each given back at once): they must agree. */
    const both = async (): Promise<string | null> => {
      const one = await next(server, viaOne);
      if (one) await release(viaOne, one);
      const old = await next(server, viaOld, named);
      if (old) await release(viaOld, old);
      assert.equal(one?.task.task_id ?? null, old?.task.task_id ?? null);
      return one?.task.task_id ?? null;
    };
    const eachDoes = async (action: (worker: TestWorker, assignment: any) => Promise<unknown>) => {
      await action(viaOne, await next(server, viaOne));
      await action(viaOld, await next(server, viaOld, named));
    };
    const attempt = (worker: TestWorker, assignment: any) => submit(server, worker, assignment, { category: 'cat' });
    const skip = async (worker: TestWorker, assignment: any) => {
      const skipped = await call(server, worker, 'POST', `/tasks/${assignment.task.task_id}/skip`, { lease_id: assignment.lease.lease_id, reason: 'unclear' });
      assert.equal(skipped.status, 200, skipped.text);
    };

    // The top batch alone in its tier: its urgent task, then (after both attempted it, a round still open) its older one.
    assert.equal(await both(), topUrgent.task_id);
    await eachDoes(attempt);
    assert.equal(await both(), topOld.task_id);
    await eachDoes(skip);
    // A tier of two batches (ordered by their heads), with a lease held: the held task comes back on both paths.
    assert.equal(await both(), equalUrgent.task_id);
    const held = await next(server, viaOne);
    assert.equal((await next(server, viaOne)).lease.lease_id, held.lease.lease_id);
    await release(viaOne, held);
    const heldOld = await next(server, viaOld, named);
    assert.equal((await next(server, viaOld, named)).lease.lease_id, heldOld.lease.lease_id);
    await release(viaOld, heldOld);
    assert.equal(held.task.task_id, heldOld.task.task_id);
    await eachDoes(attempt);
    assert.equal(await both(), equalOld.task_id);
    await eachDoes(attempt);
    // Tasks outside batches last; then nothing this pair has not attempted or skipped.
    assert.equal(await both(), loose.task_id);
    await eachDoes(attempt);
    assert.equal(await both(), null);
  });

  it('claims nothing for a session signed out on another server, past its end or idle too long', async () => {
    const project = unique('ended-sessions');
    await createProject(server, { type: 'categorization', name: project });
    const task = await createTask(server, 'categorization', categorization(project));
    const workers = await addWorkers(server, 3);
    await assign(server, workers, [project]);
    const [signedOut, pastEnd, idle] = workers;
    const loggedOut = await fetch(`${other.url}/app/api/session/logout`, { method: 'POST', headers: { cookie: signedOut.cookie, 'x-csrf-token': signedOut.csrfToken } });
    assert.equal(loggedOut.status, 200);
    const kysely = server.server.services.db.kysely;
    await kysely.updateTable('sessions').set({ expires_at: Date.now() - 1000 }).where('user_id', '=', pastEnd.id).execute();
    // The idle window is TAGWRIGHT_SESSION_IDLE_HOURS (default 12 h): last seen two days ago.
    await kysely.updateTable('sessions').set({ last_seen_at: Date.now() - 2 * 86_400_000 }).where('user_id', '=', idle.id).execute();
    // PostgreSQL: the task's row version, which a claim undone afterwards would change (the statement must not claim at all).
    const version = async () => (dialect === 'postgres' ? (await sql<{ v: string }>`select xmin::text as v from tasks where id = ${task.task_id}`.execute(kysely)).rows[0].v : '');
    const before = await version();
    for (const worker of workers) {
      const answer = await call(server, worker, 'GET', '/queue/next');
      assert.equal(answer.status, 401, answer.text);
      assert.match(answer.headers.get('set-cookie') ?? '', /tw_session=;/);
      assert.deepEqual(await leasesOf(worker.id), []);
    }
    const stored = await kysely.selectFrom('tasks').select('work_state').where('id', '=', task.task_id).executeTakeFirstOrThrow();
    assert.equal(stored.work_state, 'queued');
    assert.equal(await version(), before);
  });

  it('gives the claim back when the session check refuses after the statement', async () => {
    const project = unique('refused-after');
    await createProject(server, { type: 'categorization', name: project });
    const task = await createTask(server, 'categorization', categorization(project));
    const [worker] = await addWorkers(server, 1);
    await assign(server, [worker], [project]);
    const token = worker.cookie.slice('tw_session='.length);
    const services = server.server.services;
    // A caller whose session check refuses whatever the statement read (the route's admit cannot, as its check is the statement's).
    const refusing = {
      tokenHash: sha256(token),
      sessionCheck: () => services.sessions.admissionCheck(),
      admit: async () => {
        throw new Unauthorized('refused');
      },
      read: async () => {
        throw new Unauthorized('refused');
      },
      csrfDigest: null,
    };
    await assert.rejects(services.queue.nextForSession(refusing, 'label'), Unauthorized);
    assert.deepEqual(await leasesOf(worker.id), []);
    const stored = await services.db.kysely.selectFrom('tasks').select('work_state').where('id', '=', task.task_id).executeTakeFirstOrThrow();
    assert.equal(stored.work_state, 'queued');
    // The task is there for the next ask.
    assert.equal((await next(server, worker)).task.task_id, task.task_id);
  });

  it('asks PostgreSQL for the next task in one statement when it claims from the top source', { skip: dialect !== 'postgres' && 'PostgreSQL round trips' }, async () => {
    const project = unique('one-round-trip');
    await createProject(server, { type: 'categorization', name: project });
    const task = await createTask(server, 'categorization', categorization(project));
    const [worker] = await addWorkers(server, 1);
    await assign(server, [worker], [project]);
    const seen = await postgresStatementsOf(async () => {
      const assignment = await next(server, worker);
      assert.equal(assignment.task.task_id, task.task_id);
    });
    assert.equal(seen.length, 1, seen.join('\n'));
    assert.match(seen[0], /pick as/);
  });

});

describeEachDatabase('queue/next in one statement, gold on', (dialect) => {
  const server = useTestServer(dialect, { TAGWRIGHT_GOLD_RATE: '1' });

  it('hands out gold first, then customer work, as the old path does', async () => {
    const project = unique('gold-one');
    await createProject(server.current, { type: 'categorization', name: project });
    const [viaOne, viaOld] = await addWorkers(server.current, 2);
    await assign(server.current, [viaOne, viaOld], [project]);
    const customer = await createTask(server.current, 'categorization', categorization(project));
    const gold = await server.current.request('POST', '/v1/evaluation_tasks/categorization', { body: { ...categorization(project), expected_response: { category: 'dog' } } });
    assert.equal(gold.status, 200, gold.text);
    const named = `project=${encodeURIComponent(project)}`;

    const firstOne = await next(server.current, viaOne);
    const firstOld = await next(server.current, viaOld, named);
    assert.equal(firstOne.task.task_id, gold.body.id, 'the rate is 1: gold first');
    assert.equal(firstOld.task.task_id, gold.body.id);
    assert.equal(await submit(server.current, viaOne, firstOne, { category: 'dog' }), 'completed');
    assert.equal(await submit(server.current, viaOld, firstOld, { category: 'dog' }), 'completed');
    // No gold left for either: the customer task (one at a time: the first holds it, the second finds nothing).
    const thenOne = await next(server.current, viaOne);
    assert.equal(thenOne.task.task_id, customer.task_id);
    assert.equal(await next(server.current, viaOld, named), null);
    assert.equal((await call(server.current, viaOne, 'POST', `/leases/${thenOne.lease.lease_id}/release`)).status, 200);
    assert.equal((await next(server.current, viaOld, named)).task.task_id, customer.task_id);
  });
});
