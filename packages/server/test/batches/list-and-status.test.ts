import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.ts';
import { useTestServer, LIVE_KEY, type TestServer } from '../helpers/server.ts';

function projectBody(name: string) {
  return { type: 'imageannotation', name, params: null, rapid: false, studio: false, datasetId: null };
}

/**
 * Inserts tasks straight into the table (no task API needed), together with the maintained
 * task_counts rows that the task repository writes in the same transaction as every insert.
 */
async function insertTasks(server: TestServer, batch: { id: string }, project: { id: string }, statuses: string[]) {
  const caller = (await server.server.services.accounts.authenticate(LIVE_KEY))!;
  const now = Date.now();
  const rows = statuses.map((status, index) => ({
    id: `t${now.toString(16)}${batch.id.slice(-6)}${String(index).padStart(6, '0')}`,
    account_id: caller.account.id,
    environment: 'live' as const,
    project_id: project.id,
    batch_id: batch.id,
    type: 'imageannotation',
    status: status as 'pending' | 'completed' | 'canceled' | 'error',
    work_state: 'queued' as const,
    params: '{}',
    metadata: '{}',
    created_at: now,
    updated_at: now,
  }));
  const perStatus = new Map<string, number>();
  for (const status of statuses) perStatus.set(status, (perStatus.get(status) ?? 0) + 1);
  await server.server.services.db.kysely.transaction().execute(async (trx) => {
    await trx.insertInto('tasks').values(rows).execute();
    for (const [status, n] of perStatus) {
      await trx
        .insertInto('task_counts')
        .values({ account_id: caller.account.id, environment: 'live', project_id: project.id, batch_key: batch.id, type: 'imageannotation', status: status as 'pending', n })
        .onConflict((conflict) =>
          conflict.columns(['account_id', 'environment', 'project_id', 'batch_key', 'type', 'status', 'shard']).doUpdateSet((eb) => ({ n: eb('task_counts.n', '+', eb.ref('excluded.n')) })),
        )
        .execute();
    }
  });
}

describeEachDatabase('v1 batch list and status counts', (dialect) => {
  const server = useTestServer(dialect);
  const post = (path: string, body?: unknown) => server.current.request('POST', path, { body });
  const get = (path: string) => server.current.request('GET', path);
  let alpha: any;
  let beta: any;

  before(async () => {
    alpha = (await post('/projects', projectBody('alpha'))).body;
    beta = (await post('/projects', projectBody('beta'))).body;
    await post('/projects', { ...projectBody('gamma'), studio: true });
    // 7 batches in alpha, 3 in beta, 2 staging in gamma; created_at set to known instants for the range filters.
    const kysely = server.current.server.services.db.kysely;
    const names: Array<[string, string]> = [];
    for (let i = 0; i < 7; i++) names.push(['alpha', `a-${i}`]);
    for (let i = 0; i < 3; i++) names.push(['beta', `b-${i}`]);
    for (let i = 0; i < 2; i++) names.push(['gamma', `g-${i}`]);
    for (const [index, [project, name]] of names.entries()) {
      const created = await post('/batches', { project, name, callback: '', metadata: {}, calibration_batch: false, self_label_batch: false });
      assert.equal(created.status, 200, created.text);
      // One minute apart from 2024-01-01T00:00:00Z, in creation order.
      await kysely.updateTable('batches').set({ created_at: Date.UTC(2024, 0, 1) + index * 60_000 }).where('id', '=', created.body.id).execute();
    }
  });

  it('returns the offset envelope with a positive limit, newest first', async () => {
    const response = await get('/v1/batches');
    assert.equal(response.status, 200);
    assert.deepEqual(Object.keys(response.body).sort(), ['docs', 'has_more', 'limit', 'offset', 'totalDocs']);
    assert.equal(response.body.totalDocs, 12);
    assert.equal(response.body.limit, 100);
    assert.equal(response.body.offset, 0);
    assert.equal(response.body.has_more, false);
    assert.deepEqual(response.body.docs.map((b: any) => b.name), ['g-1', 'g-0', 'b-2', 'b-1', 'b-0', 'a-6', 'a-5', 'a-4', 'a-3', 'a-2', 'a-1', 'a-0']);
    for (const doc of response.body.docs) for (const key of ['name', 'project', 'status', 'created_at', 'metadata']) assert.ok(key in doc, key);
  });

  it('makes totalDocs with limit=1 equal what offset paging yields, as the SDK pages (exclude_archived=False)', async () => {
    const counted = await get('/batches?project=alpha&limit=1');
    assert.equal(counted.body.totalDocs, 7);
    assert.equal(counted.body.has_more, true);
    const seen: string[] = [];
    let offset = 0;
    let hasMore = true;
    while (hasMore) {
      const page = await get(`/batches?project=alpha&offset=${offset}&exclude_archived=False&limit=3`);
      assert.equal(page.body.offset, offset);
      seen.push(...page.body.docs.map((b: any) => b.name));
      offset += page.body.limit;
      hasMore = page.body.has_more;
    }
    assert.equal(seen.length, counted.body.totalDocs);
    assert.deepEqual(seen, ['a-6', 'a-5', 'a-4', 'a-3', 'a-2', 'a-1', 'a-0']);
  });

  it('filters by status, project and an inclusive created_at range', async () => {
    const staging = await get('/batches?status=staging');
    assert.deepEqual(staging.body.docs.map((b: any) => b.name), ['g-1', 'g-0']);
    const inBeta = await get('/batches?project=beta&status=in_progress');
    assert.deepEqual(inBeta.body.docs.map((b: any) => b.name), ['b-2', 'b-1', 'b-0']);
    // Batches 2..4 were created at 00:02, 00:03, 00:04; both bounds are inclusive.
    const ranged = await get('/batches?start_time=2024-01-01T00:02:00Z&end_time=2024-01-01 00:04:00.000000');
    assert.deepEqual(ranged.body.docs.map((b: any) => b.name), ['a-4', 'a-3', 'a-2']);
    assert.equal(ranged.body.totalDocs, 3);
    const dateOnly = await get('/batches?start_time=2024-01-02');
    assert.equal(dateOnly.body.totalDocs, 0);
  });

  it('matches nothing for an unknown project name', async () => {
    const response = await get('/batches?project=nobody');
    assert.equal(response.status, 200);
    assert.deepEqual(response.body.docs, []);
    assert.equal(response.body.totalDocs, 0);
    assert.equal(response.body.has_more, false);
  });

  it('excludes archived batches only when exclude_archived is true', async () => {
    const kysely = server.current.server.services.db.kysely;
    await kysely.updateTable('batches').set({ archived: 1 }).where('name', '=', 'a-0').execute();
    assert.equal((await get('/batches?project=alpha&exclude_archived=True')).body.totalDocs, 6);
    assert.equal((await get('/batches?project=alpha&exclude_archived=false')).body.totalDocs, 7);
    assert.equal((await get('/batches?project=alpha')).body.totalDocs, 7);
    await kysely.updateTable('batches').set({ archived: 0 }).where('name', '=', 'a-0').execute();
  });

  it('validates limit, offset, status, booleans and timestamps with 400 naming the key', async () => {
    for (const [query, key] of [
      ['limit=0', 'limit'], ['limit=abc', 'limit'], ['limit=-1', 'limit'], ['offset=-1', 'offset'], ['offset=x', 'offset'],
      ['status=running', 'status'], ['detailed=maybe', 'detailed'], ['exclude_archived=2', 'exclude_archived'], ['start_time=yesterday', 'start_time'],
    ]) {
      const response = await get(`/batches?${query}`);
      assert.equal(response.status, 400, query);
      assert.equal(response.body.status_code, 400);
      assert.match(response.body.error, new RegExp(key), query);
    }
    const clamped = await get('/batches?limit=1000');
    assert.equal(clamped.status, 200);
    assert.equal(clamped.body.limit, 100);
  });

  it('counts a batch\'s tasks by status under both spellings', async () => {
    const batch = (await post('/batches', { project: 'beta', name: 'counted', callback: '', metadata: {} })).body;
    const empty = await get('/batches/counted/status');
    assert.deepEqual(empty.body, {
      status: 'in_progress', pending: 0, completed: 0, error: 0, canceled: 0,
      tasks_pending: 0, tasks_completed: 0, tasks_error: 0, tasks_canceled: 0,
    });
    await insertTasks(server.current, batch, beta, ['pending', 'pending', 'pending', 'completed', 'completed', 'error', 'canceled', 'pending', 'completed']);
    // A task of another batch does not count.
    const other = (await post('/batches', { project: 'beta', name: 'other-counted', callback: '' })).body;
    await insertTasks(server.current, other, beta, ['pending']);
    const counts = await get('/batches/counted/status');
    assert.deepEqual(counts.body, {
      status: 'in_progress', pending: 4, completed: 3, error: 1, canceled: 1,
      tasks_pending: 4, tasks_completed: 3, tasks_error: 1, tasks_canceled: 1,
    });
  });

  it('counts tasks created and canceled through the task API', async () => {
    await post('/batches', { project: 'beta', name: 'through-api', callback: '' });
    const created = [];
    for (let i = 0; i < 3; i++) {
      const task = await post('/task/imageannotation', { batch: 'through-api', attachment: `https://example.com/${i}.jpg`, geometries: { box: { objects_to_annotate: ['cat'] } } });
      assert.equal(task.status, 200, task.text);
      created.push(task.body);
    }
    assert.equal((await post(`/task/${created[0].task_id}/cancel`)).status, 200);
    const counts = await get('/batches/through-api/status');
    assert.equal(counts.body.pending, 2);
    assert.equal(counts.body.canceled, 1);
    assert.equal(counts.body.tasks_pending, 2);
    assert.equal(counts.body.tasks_canceled, 1);
    assert.equal(counts.body.completed, 0);
    const total = await get('/tasks?batch=through-api&limit=1');
    assert.equal(total.body.total, counts.body.pending + counts.body.canceled);
  });

  it('adds the status counts to each batch when detailed=true', async () => {
    const batch = (await post('/batches', { project: 'alpha', name: 'detailed-one', callback: '' })).body;
    await insertTasks(server.current, batch, alpha, ['completed', 'completed', 'error']);
    const response = await get('/batches?project=alpha&detailed=true&limit=2');
    const [first, second] = response.body.docs;
    assert.equal(first.name, 'detailed-one');
    assert.equal(first.completed, 2);
    assert.equal(first.tasks_completed, 2);
    assert.equal(first.tasks_error, 1);
    assert.equal(first.pending, 0);
    assert.equal(second.tasks_pending, 0);
    const plain = await get('/batches?project=alpha&limit=1');
    assert.equal('tasks_completed' in plain.body.docs[0], false);
  });
});
