import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { RunningServer } from '../../src/server.ts';
import { describeEachDatabase } from '../helpers/databases.ts';
import { closeServerPair, startServerPair, type TestServer } from '../helpers/server.ts';
import { addWorkers, assign, call, categorization, createProject, createTask, next, unique, type TestWorker } from './helpers.ts';

/**
 * On PostgreSQL `queue/next` and a submission check the session inside their first statement
 * (docs/work-queue.md, "The session read") instead of reading it apart. These hold the rules that
 * must not change with it, on both databases: a session ended on another server process of the same
 * database is refused at once (nothing is cached), and an ended session, a missing CSRF token, a bad
 * query or body answer exactly what they answered when the session was read first (401 before 403
 * before 400), writing nothing.
 */
describeEachDatabase('Queue requests check the session', (dialect) => {
  let server: TestServer;
  /** A second server on the same database, as another process of a multi-node install. */
  let other: RunningServer;
  let project: string;
  before(async () => {
    ({ server, other } = await startServerPair(dialect, { TAGWRIGHT_GOLD_RATE: '0' }));
    project = unique('sessions');
    await createProject(server, { type: 'categorization', name: project });
    for (let index = 0; index < 6; index++) await createTask(server, 'categorization', categorization(project));
  });
  after(() => closeServerPair(server, other));

  async function worker(): Promise<TestWorker> {
    const [added] = await addWorkers(server, 1);
    await assign(server, [added], [project]);
    return added;
  }

  async function signOutOnOther(signedIn: TestWorker): Promise<void> {
    const response = await fetch(`${other.url}/app/api/session/logout`, { method: 'POST', headers: { cookie: signedIn.cookie, 'x-csrf-token': signedIn.csrfToken } });
    assert.equal(response.status, 200);
  }

  async function leaseOf(taskId: string) {
    return server.server.services.db.kysely.selectFrom('task_leases').select(['id', 'user_id']).where('task_id', '=', taskId).executeTakeFirst();
  }

  it('refuses next and submit at once after the session is signed out on another server', async () => {
    const labeler = await worker();
    const assignment = await next(server, labeler);
    assert.ok(assignment);
    // The same session works on the other server too, and again here: whatever a server might remember of it is warm.
    const onOther = await fetch(`${other.url}/app/api/queue/next`, { headers: { cookie: labeler.cookie, 'x-csrf-token': labeler.csrfToken } });
    assert.equal(onOther.status, 200);
    assert.equal((await next(server, labeler)).task.task_id, assignment.task.task_id);

    await signOutOnOther(labeler);

    const nextAfter = await call(server, labeler, 'GET', '/queue/next');
    assert.equal(nextAfter.status, 401, nextAfter.text);
    assert.match(nextAfter.body.error, /session has ended/);
    assert.match(nextAfter.headers.get('set-cookie') ?? '', /tw_session=;/);
    const submitted = await call(server, labeler, 'POST', `/tasks/${assignment.task.task_id}/submit`, { lease_id: assignment.lease.lease_id, response: { category: 'cat' } });
    assert.equal(submitted.status, 401, submitted.text);
    // Nothing was written: the lease is still there, the task still pending.
    assert.equal((await leaseOf(assignment.task.task_id))?.id, assignment.lease.lease_id);
    const task = await server.request('GET', `/v1/task/${assignment.task.task_id}`);
    assert.equal(task.body.status, 'pending');
  });

  it('refuses a session past its end, deleting it, on next and on submit', async () => {
    const labeler = await worker();
    const assignment = await next(server, labeler);
    const kysely = server.server.services.db.kysely;
    const sessionOf = () => kysely.selectFrom('sessions').select('id').where('user_id', '=', labeler.id).executeTakeFirst();
    await kysely.updateTable('sessions').set({ expires_at: Date.now() - 1000 }).where('user_id', '=', labeler.id).execute();
    const submitted = await call(server, labeler, 'POST', `/tasks/${assignment.task.task_id}/submit`, { lease_id: assignment.lease.lease_id, response: { category: 'cat' } });
    assert.equal(submitted.status, 401, submitted.text);
    assert.equal(await sessionOf(), undefined);
    assert.equal((await call(server, labeler, 'GET', '/queue/next')).status, 401);
    assert.equal((await leaseOf(assignment.task.task_id))?.id, assignment.lease.lease_id);
  });

  it('answers an ended session 401 before a bad query or body, and a missing CSRF token 403 before a bad body', async () => {
    const labeler = await worker();
    const assignment = await next(server, labeler);
    const submitPath = `/app/api/tasks/${assignment.task.task_id}/submit`;
    const headers = { cookie: labeler.cookie, 'x-csrf-token': labeler.csrfToken };

    // Signed in: the bad query and bodies answer 400, naming what to fix.
    const badKind = await call(server, labeler, 'GET', '/queue/next?kind=nonsense');
    assert.equal(badKind.status, 400, badKind.text);
    const noResponse = await call(server, labeler, 'POST', `/tasks/${assignment.task.task_id}/submit`, { lease_id: assignment.lease.lease_id });
    assert.equal(noResponse.status, 400, noResponse.text);
    assert.match(noResponse.body.error, /response/);
    const notJson = await server.request('POST', submitPath, { key: null, headers: { ...headers, 'content-type': 'application/json' }, rawBody: '{not json' });
    assert.equal(notJson.status, 400, notJson.text);
    // Without the CSRF header: 403, whatever the body.
    const noCsrf = await server.request('POST', submitPath, { key: null, headers: { cookie: labeler.cookie }, body: { lease_id: assignment.lease.lease_id } });
    assert.equal(noCsrf.status, 403, noCsrf.text);
    const noCsrfValid = await server.request('POST', submitPath, { key: null, headers: { cookie: labeler.cookie }, body: { lease_id: assignment.lease.lease_id, response: { category: 'cat' } } });
    assert.equal(noCsrfValid.status, 403, noCsrfValid.text);
    assert.equal((await leaseOf(assignment.task.task_id))?.id, assignment.lease.lease_id);

    await signOutOnOther(labeler);
    assert.equal((await call(server, labeler, 'GET', '/queue/next?kind=nonsense')).status, 401);
    assert.equal((await call(server, labeler, 'POST', `/tasks/${assignment.task.task_id}/submit`, { lease_id: assignment.lease.lease_id })).status, 401);
    assert.equal((await server.request('POST', submitPath, { key: null, headers: { ...headers, 'content-type': 'application/json' }, rawBody: '{not json' })).status, 401);
    assert.equal((await call(server, labeler, 'POST', '/tasks/no-such-task/submit', { lease_id: 'no-such-lease', response: { category: 'cat' } })).status, 401);
  });

  it('refuses review work to a labeler and a lease of someone else, as before', async () => {
    const labeler = await worker();
    const review = await call(server, labeler, 'GET', '/queue/next?kind=review');
    assert.equal(review.status, 403, review.text);
    const holder = await worker();
    const assignment = await next(server, holder);
    const stolen = await call(server, labeler, 'POST', `/tasks/${assignment.task.task_id}/submit`, { lease_id: assignment.lease.lease_id, response: { category: 'cat' } });
    assert.equal(stolen.status, 409, stolen.text);
    const unknown = await call(server, labeler, 'POST', `/tasks/${assignment.task.task_id}/submit`, { lease_id: 'no-such-lease', response: { category: 'cat' } });
    assert.equal(unknown.status, 409, unknown.text);
    assert.equal((await leaseOf(assignment.task.task_id))?.user_id, holder.id);
  });
});
