import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pg from 'pg';
import { describeEachDatabase } from '../helpers/databases.ts';
import { useTestServer, type TestServer } from '../helpers/server.ts';
import { addWorkers, assign, call, categorization, createProject, createTask, getTask, next, unique, type TestWorker } from './helpers.ts';

/**
 * A submission against a lease or task that changed under it answers as the locking transaction
 * always did and leaves no half-written state. On PostgreSQL a submission is one unlocked read and
 * one conditional write (services/one-statement-submit.ts); the races below put another
 * connection's change between the two.
 */

/** Everything a submission writes about a task: its attempts, pipeline state, leases and drafts. */
async function traces(server: TestServer, taskId: string) {
  const kysely = server.server.services.db.kysely;
  const [attempts, work, leases, drafts] = await Promise.all([
    kysely.selectFrom('task_attempts').select('id').where('task_id', '=', taskId).execute(),
    kysely.selectFrom('task_work').select('task_id').where('task_id', '=', taskId).execute(),
    kysely.selectFrom('task_leases').select('id').where('task_id', '=', taskId).execute(),
    kysely.selectFrom('task_drafts').select('task_id').where('task_id', '=', taskId).execute(),
  ]);
  return { attempts: attempts.length, work: work.length, leases: leases.length, drafts: drafts.length };
}

async function heldTask(server: TestServer, extra: Record<string, unknown> = {}): Promise<{ worker: TestWorker; task: any; assignment: any }> {
  const project = unique('race');
  await createProject(server, { type: 'categorization', name: project });
  const [worker] = await addWorkers(server, 1);
  await assign(server, [worker], [project]);
  const task = await createTask(server, 'categorization', categorization(project, extra));
  const assignment = await next(server, worker);
  assert.equal(assignment.task.task_id, task.task_id);
  return { worker, task, assignment };
}

function submitHeld(server: TestServer, worker: TestWorker, assignment: any) {
  return call(server, worker, 'POST', `/tasks/${assignment.task.task_id}/submit`, { lease_id: assignment.lease.lease_id, response: { category: 'cat' }, time_spent_secs: 2 });
}

describeEachDatabase('Submissions against a lease that went away', (dialect) => {
  const server = useTestServer(dialect, { TAGWRIGHT_GOLD_RATE: '0' });

  it('answers 409 for a released lease and writes nothing; the draft stays', async () => {
    const { worker, task, assignment } = await heldTask(server.current);
    const saved = await call(server.current, worker, 'POST', `/tasks/${task.task_id}/draft`, { lease_id: assignment.lease.lease_id, response: { category: 'dog' } });
    assert.equal(saved.status, 200, saved.text);
    assert.equal((await call(server.current, worker, 'POST', `/leases/${assignment.lease.lease_id}/release`)).status, 200);
    const late = await submitHeld(server.current, worker, assignment);
    assert.equal(late.status, 409, late.text);
    assert.match(late.body.error, /expired or was released/);
    assert.deepEqual(await traces(server.current, task.task_id), { attempts: 0, work: 0, leases: 0, drafts: 1 });
    const row = await server.current.server.services.db.kysely.selectFrom('tasks').select(['status', 'work_state']).where('id', '=', task.task_id).executeTakeFirstOrThrow();
    assert.deepEqual(row, { status: 'pending', work_state: 'queued' });
  });

  it("answers 409 for another labeler's lease and writes nothing", async () => {
    const { task, assignment } = await heldTask(server.current);
    const [other] = await addWorkers(server.current, 1, 'labeler', 'other');
    const foreign = await submitHeld(server.current, other, assignment);
    assert.equal(foreign.status, 409, foreign.text);
    assert.match(foreign.body.error, /held by someone else/);
    assert.deepEqual(await traces(server.current, task.task_id), { attempts: 0, work: 0, leases: 1, drafts: 0 });
  });
});

// The interleavings need a second connection holding row locks while the server's write waits for
// them; SQLite runs one writer at a time, so there is no interleaving to test there.
const postgresUrl = process.env.TEST_DATABASE_URL;
describe('Submissions racing another connection [postgres]', { skip: postgresUrl ? false : 'TEST_DATABASE_URL not set' }, () => {
  const server = useTestServer('postgres', { TAGWRIGHT_GOLD_RATE: '0' });

  /**
   * Runs `change` in a transaction on its own connection, starts the submission, waits until the
   * submission's write is waiting for the rows `change` locked (it has made its read by then), and
   * commits. Answers the submission's response.
   */
  async function submitAround(worker: TestWorker, assignment: any, change: (client: pg.Client) => Promise<void>) {
    const url = server.current.database.databaseUrl!;
    const holder = new pg.Client({ connectionString: url });
    const watcher = new pg.Client({ connectionString: url });
    await Promise.all([holder.connect(), watcher.connect()]);
    try {
      await holder.query('begin');
      await change(holder);
      const pending = submitHeld(server.current, worker, assignment);
      for (;;) {
        const { rows } = await watcher.query<{ n: number }>("select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'");
        if (rows[0].n > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      await holder.query('commit');
      return await pending;
    } finally {
      await Promise.all([holder.end(), watcher.end()]);
    }
  }

  it('answers 409 when the lease is released between its read and its write, and writes nothing', async () => {
    const { worker, task, assignment } = await heldTask(server.current);
    const answer = await submitAround(worker, assignment, async (client) => {
      // What a release on another server process does.
      await client.query('delete from task_leases where id = $1', [assignment.lease.lease_id]);
      await client.query("update tasks set work_state = 'queued' where id = $1", [task.task_id]);
    });
    assert.equal(answer.status, 409, answer.text);
    assert.deepEqual(await traces(server.current, task.task_id), { attempts: 0, work: 0, leases: 0, drafts: 0 });
    assert.equal((await getTask(server.current, task.task_id)).status, 'pending');
  });

  it('answers 409 when only the lease row goes between its read and its write (the task untouched), and writes nothing', async () => {
    const { worker, task, assignment } = await heldTask(server.current);
    const answer = await submitAround(worker, assignment, (client) => client.query('delete from task_leases where id = $1', [assignment.lease.lease_id]).then(() => undefined));
    assert.equal(answer.status, 409, answer.text);
    assert.deepEqual(await traces(server.current, task.task_id), { attempts: 0, work: 0, leases: 0, drafts: 0 });
    const row = await server.current.server.services.db.kysely.selectFrom('tasks').select(['status', 'work_state']).where('id', '=', task.task_id).executeTakeFirstOrThrow();
    assert.deepEqual(row, { status: 'pending', work_state: 'in_progress' });
  });

  it('answers 409 when the task fails between its read and its write, and writes nothing', async () => {
    const { worker, task, assignment } = await heldTask(server.current);
    const answer = await submitAround(worker, assignment, async (client) => {
      await client.query("update tasks set status = 'error', work_state = 'error', response = $2 where id = $1", [task.task_id, JSON.stringify({ error: 'attachment gone' })]);
    });
    assert.equal(answer.status, 409, answer.text);
    assert.deepEqual(await traces(server.current, task.task_id), { attempts: 0, work: 0, leases: 1, drafts: 0 });
    assert.equal((await getTask(server.current, task.task_id)).status, 'error');
  });

  it('completes with the task as it stands when it changed between the read and the write: the callback carries the new metadata', async () => {
    const { worker, task, assignment } = await heldTask(server.current, { callback_url: 'http://127.0.0.1:9/never', metadata: { step: 'old' } });
    const answer = await submitAround(worker, assignment, async (client) => {
      await client.query('update tasks set metadata = $2, updated_at = updated_at + 1 where id = $1', [task.task_id, JSON.stringify({ step: 'new' })]);
    });
    assert.equal(answer.status, 200, answer.text);
    assert.equal(answer.body.next_state, 'completed');
    const outbox = await server.current.server.services.db.kysely
      .selectFrom('outbox')
      .select('payload')
      .where('subject_id', '=', task.task_id)
      .where('event', '=', 'completed')
      .execute();
    assert.equal(outbox.length, 1, 'one callback queued with the completion');
    const payload = JSON.parse(outbox[0].payload);
    assert.deepEqual(payload.task.metadata, { step: 'new' });
    assert.deepEqual(payload.response, { category: 'cat' });
    assert.deepEqual(await traces(server.current, task.task_id), { attempts: 1, work: 1, leases: 0, drafts: 0 });
    const completed = await getTask(server.current, task.task_id);
    assert.equal(completed.status, 'completed');
    assert.deepEqual(completed.metadata, { step: 'new' });
  });
});
