import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { RunningServer } from '../../src/server.ts';
import { describeEachDatabase } from '../helpers/databases.ts';
import { closeServerPair, postgresStatementsOf, startServerPair, type TestServer } from '../helpers/server.ts';
import { addWorkers, assign, call, categorization, createProject, createTask, next, unique, type TestWorker } from './helpers.ts';

/**
 * On PostgreSQL `POST leases/{id}/release` with a session cookie reads and checks the session in
 * the statement that releases (repositories/release-in-one-statement.ts) instead of reading it
 * apart. A release cannot be taken back, so the statement releases only what the session checks let
 * through; these hold, on both databases, that every refusal answers as before (401 for an ended,
 * expired or idle session, also one signed out on another server process; 403 for a missing or wrong
 * CSRF token; 401 before 400 and 403; 409 for a lease that is not the caller's) and keeps the lease.
 */
describeEachDatabase('A release checks the session', (dialect) => {
  let server: TestServer;
  /** A second server on the same database, as another process of a multi-node install. */
  let other: RunningServer;
  let project: string;
  before(async () => {
    // No worker loop (TAGWRIGHT_ROLE=api): its polling would add statements to the round-trip count.
    ({ server, other } = await startServerPair(dialect, { TAGWRIGHT_GOLD_RATE: '0', TAGWRIGHT_ROLE: 'api' }));
    project = unique('release-session');
    await createProject(server, { type: 'categorization', name: project });
    for (let index = 0; index < 8; index++) await createTask(server, 'categorization', categorization(project));
  });
  after(() => closeServerPair(server, other));

  async function worker(): Promise<TestWorker> {
    const [added] = await addWorkers(server, 1);
    await assign(server, [added], [project]);
    return added;
  }

  const kysely = () => server.server.services.db.kysely;
  const leaseOf = (taskId: string) => kysely().selectFrom('task_leases').select(['id', 'user_id']).where('task_id', '=', taskId).executeTakeFirst();
  const workState = async (taskId: string) => (await kysely().selectFrom('tasks').select('work_state').where('id', '=', taskId).executeTakeFirstOrThrow()).work_state;
  const releasePath = (assignment: any) => `/app/api/leases/${assignment.lease.lease_id}/release`;

  it('releases the caller\'s lease and gives the task back', async () => {
    const labeler = await worker();
    const assignment = await next(server, labeler);
    const released = await call(server, labeler, 'POST', `/leases/${assignment.lease.lease_id}/release`);
    assert.equal(released.status, 200, released.text);
    assert.deepEqual(released.body, {});
    assert.equal(await leaseOf(assignment.task.task_id), undefined);
    assert.equal(await workState(assignment.task.task_id), 'queued');
    // Released once: a second release answers 409.
    const again = await call(server, labeler, 'POST', `/leases/${assignment.lease.lease_id}/release`);
    assert.equal(again.status, 409, again.text);
  });

  it('answers 403 for a missing, empty or wrong CSRF token and keeps the lease', async () => {
    const labeler = await worker();
    const assignment = await next(server, labeler);
    for (const headers of [{ cookie: labeler.cookie } as Record<string, string>, { cookie: labeler.cookie, 'x-csrf-token': '' }, { cookie: labeler.cookie, 'x-csrf-token': `${labeler.csrfToken}x` }]) {
      const refused = await server.request('POST', releasePath(assignment), { key: null, headers, body: {} });
      assert.equal(refused.status, 403, refused.text);
      assert.match(refused.body.error, /x-csrf-token/);
      assert.equal((await leaseOf(assignment.task.task_id))?.id, assignment.lease.lease_id);
      assert.equal(await workState(assignment.task.task_id), 'in_progress');
    }
  });

  it('answers 401 for a session signed out on another server, past its end or idle too long, and keeps the lease', async () => {
    const sessions = server.server.services.sessions;
    for (const end of ['signed out', 'past its end', 'idle'] as const) {
      const labeler = await worker();
      const assignment = await next(server, labeler);
      if (end === 'signed out') {
        const out = await fetch(`${other.url}/app/api/session/logout`, { method: 'POST', headers: { cookie: labeler.cookie, 'x-csrf-token': labeler.csrfToken } });
        assert.equal(out.status, 200);
      } else if (end === 'past its end') {
        await kysely().updateTable('sessions').set({ expires_at: Date.now() - 1000 }).where('user_id', '=', labeler.id).execute();
      } else {
        await kysely().updateTable('sessions').set({ last_seen_at: Date.now() - sessions.admissionCheck().idleMs - 1000 }).where('user_id', '=', labeler.id).execute();
      }
      const refused = await call(server, labeler, 'POST', `/leases/${assignment.lease.lease_id}/release`);
      assert.equal(refused.status, 401, `${end}: ${refused.text}`);
      assert.match(refused.body.error, /session has ended/);
      assert.match(refused.headers.get('set-cookie') ?? '', /tw_session=;/);
      assert.equal((await leaseOf(assignment.task.task_id))?.id, assignment.lease.lease_id, end);
      assert.equal(await workState(assignment.task.task_id), 'in_progress', end);
      // An ended session is deleted, as the hook's read always did.
      assert.equal(await kysely().selectFrom('sessions').select('id').where('user_id', '=', labeler.id).executeTakeFirst(), undefined, end);
      // Without a CSRF token too: 401 comes before 403.
      const noCsrf = await server.request('POST', releasePath(assignment), { key: null, headers: { cookie: labeler.cookie }, body: {} });
      assert.equal(noCsrf.status, 401, `${end}: ${noCsrf.text}`);
    }
  });

  it('answers 409 for a lease of someone else or none, and keeps the holder\'s lease', async () => {
    const holder = await worker();
    const labeler = await worker();
    const assignment = await next(server, holder);
    const stolen = await call(server, labeler, 'POST', `/leases/${assignment.lease.lease_id}/release`);
    assert.equal(stolen.status, 409, stolen.text);
    const unknown = await call(server, labeler, 'POST', '/leases/no-such-lease/release');
    assert.equal(unknown.status, 409, unknown.text);
    assert.equal((await leaseOf(assignment.task.task_id))?.user_id, holder.id);
    // The holder's ended session: 401, not 409.
    await kysely().updateTable('sessions').set({ expires_at: Date.now() - 1000 }).where('user_id', '=', labeler.id).execute();
    assert.equal((await call(server, labeler, 'POST', '/leases/no-such-lease/release')).status, 401);
  });

  it('releases in one statement on PostgreSQL', { skip: dialect !== 'postgres' && 'PostgreSQL round trips' }, async () => {
    const labeler = await worker();
    const assignment = await next(server, labeler);
    const seen = await postgresStatementsOf(async () => {
      const released = await call(server, labeler, 'POST', `/leases/${assignment.lease.lease_id}/release`);
      assert.equal(released.status, 200, released.text);
    });
    assert.equal(seen.length, 1, seen.join('\n'));
    assert.match(seen[0], /admitted as/);
    assert.equal(await workState(assignment.task.task_id), 'queued');
  });
});
