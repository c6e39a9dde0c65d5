import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.ts';
import { useTestServer, LIVE_KEY, TEST_KEY } from '../helpers/server.ts';
import { ISO, assertError, collectPages, createBatch, createProject, createTask, v2Client, v2Time, type V2Client } from './helpers.ts';

/** A staging batch with `count` test-mode tasks (completed at once), finalized so that it completes. */
async function deliveredBatch(client: V2Client, project: { id: string }, count: number): Promise<{ batch: any; tasks: any[] }> {
  const batch = await createBatch(client, project, { staging_batch: true });
  const tasks = [];
  for (let i = 0; i < count; i++) {
    // Test-mode tasks answer as created (contract 5.10); read them back completed.
    const created = await createTask(client, { batch: batch.name }, { metadata: { n: i } });
    tasks.push((await client.v1('GET', `/v1/task/${created.task_id}`)).body);
  }
  const finalized = await client.post('/v2/batch/finalize', { batch_id: batch.id });
  assert.equal(finalized.body.status, 'completed', finalized.text);
  return { batch: finalized.body, tasks };
}

describeEachDatabase('v2 deliveries', (dialect) => {
  const server = useTestServer(dialect);
  const test = v2Client(server, TEST_KEY);
  const live = v2Client(server);

  it('creates a delivery named after the batch when it completes, holding its completed tasks', async () => {
    const project = await createProject(test);
    const batch = await createBatch(test, project);
    const task = await createTask(test, { batch: batch.name });
    assert.equal((await test.get('/v2/batch', { batch_id: batch.id })).body.status, 'completed');
    const list = await test.get('/v2/deliveries', { project_id: project.id });
    assert.equal(list.status, 200, list.text);
    assert.equal(list.body.deliveries.length, 1);
    const delivery = list.body.deliveries[0];
    assert.deepEqual(Object.keys(delivery).sort(), ['delivered_at', 'id', 'name', 'project', 'task_count']);
    assert.equal(delivery.name, batch.name);
    assert.equal(delivery.task_count, 1);
    assert.equal(delivery.project, project.id);
    assert.match(delivery.delivered_at, ISO);
    const one = await test.get('/v2/delivery', { delivery_id: delivery.id });
    assert.equal(one.status, 200, one.text);
    assert.equal(one.body.delivery, delivery.id);
    assert.deepEqual(one.body.tasks.map((item: any) => item.task_id), [task.task_id]);
    assert.equal(one.body.tasks[0].status, 'completed');
    assert.equal('next_token' in one.body, false);
  });

  it('delivers every task of a batch that completes at finalize, and pages its tasks to the end', async () => {
    const project = await createProject(test);
    const { batch, tasks } = await deliveredBatch(test, project, 5);
    const delivery = (await test.get('/v2/deliveries', { project_name: project.name })).body.deliveries[0];
    assert.equal(delivery.name, batch.name);
    assert.equal(delivery.task_count, 5);
    const { items, pages } = await collectPages(test, '/v2/delivery', 'tasks', { delivery_id: delivery.id, limit: 2 });
    assert.equal(pages, 3);
    assert.deepEqual(items.map((task) => task.task_id).sort(), tasks.map((task) => task.task_id).sort());
    assert.deepEqual(items.map((task) => task.task_id), [...items.map((task) => task.task_id)].sort().reverse());
    const byName = await test.get('/v2/delivery', { delivery_name: batch.name, project_id: project.id, expand: ['delivery', 'project', 'batch'] });
    assert.equal(byName.status, 200, byName.text);
    assert.equal(byName.body.delivery.id, delivery.id);
    assert.equal(byName.body.delivery.project.id, project.id);
    assert.equal(byName.body.tasks[0].project.id, project.id);
    assert.equal(byName.body.tasks[0].batch.id, batch.id);
  });

  it('lists delivered tasks with responses, total counting the current page only', async () => {
    const project = await createProject(test);
    const { tasks } = await deliveredBatch(test, project, 3);
    const delivery = (await test.get('/v2/deliveries', { project_id: project.id })).body.deliveries[0];
    const first = await test.get('/v2/delivery/tasks', { delivery_id: delivery.id, limit: 2 });
    assert.equal(first.status, 200, first.text);
    assert.equal(first.body.total, 2);
    assert.equal(first.body.docs.length, 2);
    const doc = first.body.docs[0];
    assert.deepEqual(Object.keys(doc).sort(), ['created_at', 'delivered_at', 'delivery_id', 'response', 'response_schema_id', 'task_id']);
    assert.equal(doc.delivery_id, delivery.id);
    assert.equal(doc.delivered_at, delivery.delivered_at);
    assert.deepEqual(doc.response, { category: 'cat' });
    const second = await test.get('/v2/delivery/tasks', { delivery_id: delivery.id, limit: 2, next_token: first.body.next_token });
    assert.equal(second.body.total, 1);
    assert.equal('next_token' in second.body, false);
    const all = [...first.body.docs, ...second.body.docs].map((item: any) => item.task_id).sort();
    assert.deepEqual(all, tasks.map((task) => task.task_id).sort());
    const byProject = await test.get('/v2/delivery/tasks', { project_name: project.name });
    assert.equal(byProject.body.total, 3);
    assert.equal((await test.get('/v2/delivery/tasks', { project_id: project.id, status: 'pending' })).body.total, 0);
    assert.equal((await test.get('/v2/delivery/tasks', { project_id: project.id, status: 'completed' })).body.total, 3);
    const at = Date.parse(tasks[0].completed_at);
    const ranged = await test.get('/v2/delivery/tasks', { project_id: project.id, completed_after: v2Time(at), completed_before: v2Time(at) });
    assert.ok(ranged.body.docs.some((item: any) => item.task_id === tasks[0].task_id));
    assertError(await test.get('/v2/delivery/tasks'), 400, /delivery_id/);
    assertError(await test.get('/v2/delivery/tasks', { delivery_id: 'unknown' }), 404, /unknown/);
  });

  it('delivers only newly completed tasks when a reopened batch completes again, as "<batch> #2"', async () => {
    const project = await createProject(test);
    const batch = await createBatch(test, project);
    const first = await createTask(test, { batch: batch.name });
    const second = await createTask(test, { batch: batch.name });
    const deliveries = (await test.get('/v2/deliveries', { project_id: project.id })).body.deliveries;
    assert.deepEqual(deliveries.map((delivery: any) => delivery.name), [`${batch.name} #2`, batch.name]);
    assert.deepEqual(deliveries.map((delivery: any) => delivery.task_count), [1, 1]);
    const newest = await test.get('/v2/delivery', { delivery_id: deliveries[0].id });
    assert.deepEqual(newest.body.tasks.map((task: any) => task.task_id), [second.task_id]);
    const oldest = await test.get('/v2/delivery', { delivery_name: batch.name, project_name: project.name });
    assert.deepEqual(oldest.body.tasks.map((task: any) => task.task_id), [first.task_id]);
  });

  it('delivers a recalled task again once it is completed again, leaving the first delivery unchanged', async () => {
    const project = await createProject(live);
    const batch = await createBatch(live, project);
    const created = await createTask(live, { batch: batch.name });
    const { db, tasks, taskLifecycle, accounts } = server.current.server.services;
    const caller = (await accounts.authenticate(LIVE_KEY))!;
    // The workbench completes and recalls tasks through the lifecycle; no public endpoint does.
    const complete = async (response: unknown) => {
      const row = await tasks.get(caller, created.task_id);
      await db.kysely.transaction().execute((trx) => taskLifecycle.completeTask(trx, row, response));
    };
    await complete({ category: 'dog' });
    const recalled = await tasks.get(caller, created.task_id);
    await db.kysely.transaction().execute((trx) => taskLifecycle.recallTask(trx, recalled));
    await complete({ category: 'cat' });
    const deliveries = (await live.get('/v2/deliveries', { project_id: project.id })).body.deliveries;
    assert.deepEqual(deliveries.map((delivery: any) => [delivery.name, delivery.task_count]), [[`${batch.name} #2`, 1], [batch.name, 1]]);
    for (const delivery of deliveries) {
      const docs = (await live.get('/v2/delivery/tasks', { delivery_id: delivery.id })).body.docs;
      assert.deepEqual(docs.map((doc: any) => [doc.task_id, doc.response]), [[created.task_id, { category: 'cat' }]]);
    }
  });

  it('creates no delivery for a batch without completed tasks or one that is cancelled', async () => {
    const project = await createProject(live);
    const batch = await createBatch(live, project);
    const pending = await createTask(live, { batch: batch.name });
    await live.v1('POST', `/v1/task/${pending.task_id}/cancel`);
    assert.equal((await live.get('/v2/batch', { batch_id: batch.id })).body.status, 'completed');
    const cancelled = await createBatch(live, project);
    await createTask(live, { batch: cancelled.name });
    await live.post('/v2/batch/cancel', { batch_id: cancelled.id });
    assert.deepEqual((await live.get('/v2/deliveries', { project_id: project.id })).body, { deliveries: [] });
  });

  it('filters deliveries by time and expands the project', async () => {
    const project = await createProject(test);
    await deliveredBatch(test, project, 1);
    const delivery = (await test.get('/v2/deliveries', { project_id: project.id, expand: 'project' })).body.deliveries[0];
    assert.equal(delivery.project.id, project.id);
    assert.equal(delivery.project.name, project.name);
    const at = Date.parse(delivery.delivered_at);
    const inRange = await test.get('/v2/deliveries', { project_id: project.id, delivered_after: v2Time(at), delivered_before: v2Time(at) });
    assert.equal(inRange.body.deliveries.length, 1);
    const later = await test.get('/v2/deliveries', { project_id: project.id, delivered_after: v2Time(at + 1) });
    assert.deepEqual(later.body.deliveries, []);
    assertError(await test.get('/v2/deliveries', { expand: 'batch' }), 400, /expand/);
    const all = await test.get('/v2/deliveries');
    assert.ok(all.body.deliveries.some((item: any) => item.id === delivery.id));
  });

  it('answers GET /v2/delivery with 400 without a delivery and 404 for unknown ones', async () => {
    const project = await createProject(test);
    assertError(await test.get('/v2/delivery'), 400, /delivery_id/);
    assertError(await test.get('/v2/delivery', { delivery_name: 'x' }), 400, /project/);
    assertError(await test.get('/v2/delivery', { delivery_id: 'missing' }), 404, /missing/);
    assertError(await test.get('/v2/delivery', { delivery_name: 'missing', project_id: project.id }), 404, /missing/);
    assertError(await test.get('/v2/delivery', { delivery_name: 'missing', project_id: 'no-project' }), 404, /no-project/);
  });

  it('hides deliveries of other accounts and of the other environment', async () => {
    const project = await createProject(test);
    await deliveredBatch(test, project, 1);
    const delivery = (await test.get('/v2/deliveries', { project_id: project.id })).body.deliveries[0];
    const other = await server.current.createAccount();
    const stranger = v2Client(server, other.testKey);
    assertError(await stranger.get('/v2/delivery', { delivery_id: delivery.id }), 404, /./);
    assertError(await stranger.get('/v2/delivery/tasks', { delivery_id: delivery.id }), 404, /./);
    assertError(await stranger.get('/v2/deliveries', { project_id: project.id }), 404, /./);
    assert.deepEqual((await stranger.get('/v2/deliveries')).body, { deliveries: [] });
    assertError(await live.get('/v2/delivery', { delivery_id: delivery.id }), 404, /./);
  });

  it('answers the optional dataset and schema endpoints with empty lists or JSON 404s', async () => {
    assert.deepEqual((await test.get('/v2/datasets')).body, { datasets: [] });
    assert.deepEqual((await test.get('/v2/datasets/deliveries')).body, { deliveries: [] });
    assert.deepEqual((await test.get('/v2/datasets/tasks')).body, { tasks: [] });
    assert.deepEqual((await test.get('/v2/datasets/delivery')).body, { tasks: [] });
    for (const [path, query] of [
      ['/v2/datasets/task', { task_id: 't1' }],
      ['/v2/datasets/delivery', { delivery_id: 'd1' }],
      ['/v2/datasets/deliveries', { dataset_id: 'ds1' }],
      ['/v2/datasets/task/t1/response_url/a1', {}],
      ['/v2/schema', { schema_id: 's1' }],
    ] as const) {
      const response = await test.get(path, query);
      assertError(response, 404, /./);
      assert.equal(response.headers.get('content-type'), 'application/json; charset=utf-8');
    }
    assertError(await test.get('/v2/schema'), 400, /schema_id/);
    assertError(await test.get('/v2/datasets/tasks', { expand: 'project' }), 400, /expand/);
  });
});
