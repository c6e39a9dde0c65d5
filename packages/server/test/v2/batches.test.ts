import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.ts';
import { useTestServer, TEST_KEY } from '../helpers/server.ts';
import { ISO, assertError, collectPages, createBatch, createProject, createTask, unique, v2Client, v2Time } from './helpers.ts';

describeEachDatabase('v2 batches', (dialect) => {
  const server = useTestServer(dialect);
  const client = v2Client(server);
  let project: { id: string; name: string };

  before(async () => {
    project = await createProject(client);
  });

  it('creates an in_progress batch with the v2 shape: project as an id string, metadata, no unset keys', async () => {
    const name = unique('batch');
    const response = await client.post('/v2/batch', { name, project_id: project.id });
    assert.equal(response.status, 200, response.text);
    assert.equal(response.body.name, name);
    assert.equal(response.body.project, project.id);
    assert.equal(response.body.status, 'in_progress');
    assert.deepEqual(response.body.metadata, {});
    assert.match(response.body.created_at, ISO);
    assert.match(response.body.id, /^[A-Za-z0-9_-]+$/);
    for (const key of ['completed_at', 'callback']) assert.equal(key in response.body, false, key);
    assert.deepEqual((await client.get('/v2/batch', { batch_id: response.body.id })).body, response.body);
    assert.deepEqual((await client.get('/v2/batch', { batch_name: name })).body, response.body);
  });

  it('starts a batch in staging when staging_batch is true or the project is Studio or Rapid', async () => {
    assert.equal((await createBatch(client, project, { staging_batch: true })).status, 'staging');
    const studio = await createProject(client, { studio: true });
    assert.equal((await createBatch(client, studio)).status, 'staging');
    const rapid = await createProject(client, { rapid: true });
    const byName = await client.post('/v2/batch', { name: unique('batch'), project_name: rapid.name, callback: 'https://example.com/hook', metadata: { a: 1 } });
    assert.equal(byName.body.status, 'staging');
    assert.equal(byName.body.callback, 'https://example.com/hook');
    assert.deepEqual(byName.body.metadata, { a: 1 });
  });

  it('refuses a batch without a name or project (400), with an unknown project (400), and a taken name (409)', async () => {
    assertError(await client.post('/v2/batch', { project_id: project.id }), 400, /name/);
    assertError(await client.post('/v2/batch', { name: unique('batch') }), 400, /project_id/);
    assertError(await client.post('/v2/batch', { name: unique('batch'), project_id: 'nope' }), 400, /project_id.*nope/);
    assertError(await client.post('/v2/batch', { name: unique('batch'), project_name: 'no such project' }), 400, /no such project/);
    assertError(await client.post('/v2/batch', { name: unique('batch'), project_id: project.id, metadata: [1] }), 400, /metadata/);
    const taken = await createBatch(client, project);
    assertError(await client.post('/v2/batch', { name: taken.name, project_id: project.id }), 409, new RegExp(taken.name));
  });

  it('answers GET /v2/batch with 400 without a batch and 404 for an unknown one', async () => {
    assertError(await client.get('/v2/batch'), 400, /batch_id/);
    assertError(await client.get('/v2/batch', { batch_id: 'missing' }), 404, /missing/);
    assertError(await client.get('/v2/batch', { batch_name: 'missing name' }), 404, /missing name/);
  });

  it('expands project to the v2 Project object and rejects an unknown expand value', async () => {
    const batch = await createBatch(client, project);
    const expanded = await client.get('/v2/batch', { batch_id: batch.id, expand: 'project' });
    assert.equal(expanded.status, 200, expanded.text);
    assert.deepEqual(expanded.body.project, { id: project.id, name: project.name, created_at: expanded.body.project.created_at, types: ['categorization'] });
    assertError(await client.get('/v2/batch', { batch_id: batch.id, expand: 'batch' }), 400, /expand.*batch/);
    const bracketed = await client.get('/v2/batch', { batch_id: batch.id, 'expand[]': 'project' });
    assert.equal(bracketed.body.project.id, project.id);
  });

  it('pages through GET /v2/batches newest first until next_token is absent', async () => {
    const own = await createProject(client);
    const created = [];
    for (let i = 0; i < 5; i++) created.push(await createBatch(client, own));
    const { items, pages } = await collectPages(client, '/v2/batches', 'batches', { project_id: own.id, limit: 2 });
    assert.equal(pages, 3);
    assert.deepEqual(items.map((batch) => batch.id), created.map((batch) => batch.id).reverse());
    const byName = await client.get('/v2/batches', { project_name: own.name, limit: 100, expand: 'project' });
    assert.equal(byName.body.batches.length, 5);
    assert.equal(byName.body.batches[0].project.name, own.name);
    assert.equal('next_token' in byName.body, false);
  });

  it('filters GET /v2/batches by status and created range in the v2 client time format', async () => {
    const own = await createProject(client);
    const staging = await createBatch(client, own, { staging_batch: true });
    const running = await createBatch(client, own);
    const onlyStaging = await client.get('/v2/batches', { project_id: own.id, status: 'staging' });
    assert.deepEqual(onlyStaging.body.batches.map((batch: any) => batch.id), [staging.id]);
    const from = Date.parse(running.created_at);
    const range = await client.get('/v2/batches', { project_id: own.id, created_after: v2Time(from), created_before: v2Time(from) });
    assert.ok(range.body.batches.some((batch: any) => batch.id === running.id));
    assert.ok(range.body.batches.every((batch: any) => Date.parse(batch.created_at) === from));
    assertError(await client.get('/v2/batches', { status: 'canceled' }), 400, /status/);
    assertError(await client.get('/v2/batches', { created_after: 'yesterday' }), 400, /created_after/);
    assertError(await client.get('/v2/batches', { next_token: 'garbage' }), 400, /next_token/);
    assertError(await client.get('/v2/batches', { limit: 0 }), 400, /limit/);
    assertError(await client.get('/v2/batches', { project_id: 'unknown-project' }), 404, /unknown-project/);
  });

  it('finalizes only a staging batch and answers with the Batch itself', async () => {
    const batch = await createBatch(client, project, { staging_batch: true });
    const finalized = await client.post('/v2/batch/finalize', { batch_id: batch.id });
    assert.equal(finalized.status, 200, finalized.text);
    assert.equal(finalized.body.id, batch.id);
    assert.equal(finalized.body.status, 'in_progress');
    assertError(await client.post('/v2/batch/finalize', { batch_name: batch.name }), 400, /in_progress/);
    assertError(await client.post('/v2/batch/finalize', { batch_id: 'missing' }), 404, /missing/);
    assertError(await client.post('/v2/batch/finalize', {}), 400, /batch_id/);
  });

  it('pauses, resumes and cancels along the v2 state machine, answering {batch, message}', async () => {
    const batch = await createBatch(client, project);
    const paused = await client.post('/v2/batch/pause', { batch_id: batch.id });
    assert.equal(paused.status, 200, paused.text);
    assert.equal(paused.body.batch.status, 'paused');
    assert.equal(typeof paused.body.message, 'string');
    assertError(await client.post('/v2/batch/pause', { batch_id: batch.id }), 400, /paused/);
    assertError(await client.post('/v2/batch/finalize', { batch_id: batch.id }), 400, /paused/);
    const resumed = await client.post('/v2/batch/resume', { batch_name: batch.name });
    assert.equal(resumed.body.batch.status, 'in_progress');
    assertError(await client.post('/v2/batch/resume', { batch_id: batch.id }), 400, /in_progress/);
    await client.post('/v2/batch/pause', { batch_id: batch.id });
    const cancelled = await client.post('/v2/batch/cancel', { batch_id: batch.id });
    assert.equal(cancelled.status, 200, cancelled.text);
    assert.equal(cancelled.body.batch.status, 'cancelled');
    assertError(await client.post('/v2/batch/resume', { batch_id: batch.id }), 400, /cancelled.*never be resumed/);
    assertError(await client.post('/v2/batch/cancel', { batch_id: batch.id }), 400, /cancelled/);
    assertError(await client.post('/v2/batch/pause', { batch_id: batch.id }), 400, /cancelled/);
    const staging = await createBatch(client, project, { staging_batch: true });
    assertError(await client.post('/v2/batch/pause', { batch_id: staging.id }), 400, /staging/);
    assertError(await client.post('/v2/batch/resume', { batch_id: staging.id }), 400, /staging/);
    assert.equal((await client.post('/v2/batch/cancel', { batch_id: staging.id })).body.batch.status, 'cancelled');
  });

  it('cancels every task that has not started, shows cancelled in v1 too, and refuses new tasks', async () => {
    const batch = await createBatch(client, project);
    const tasks = [];
    for (let i = 0; i < 3; i++) tasks.push(await createTask(client, { batch: batch.name }));
    const cancelled = await client.post('/v2/batch/cancel', { batch_id: batch.id });
    assert.match(cancelled.body.message, /3 tasks that had not started were canceled/);
    for (const task of tasks) {
      const read = await client.get('/v2/task', { task_id: task.task_id });
      assert.equal(read.body.status, 'canceled');
      assert.equal((await client.v1('GET', `/v1/task/${task.task_id}`)).body.status, 'canceled');
    }
    const v1 = await client.v1('GET', `/v1/batches/${encodeURIComponent(batch.name)}`);
    assert.equal(v1.body.status, 'cancelled');
    const v1Status = await client.v1('GET', `/v1/batches/${encodeURIComponent(batch.name)}/status`);
    assert.equal(v1Status.body.canceled, 3);
    assert.equal(v1Status.body.pending, 0);
    const refused = await client.v1('POST', '/v1/task/categorization', { batch: batch.name, attachment: 'https://example.com/a.jpg', categories: ['a'] });
    assertError(refused, 400, /cancelled/);
  });

  it('accepts new tasks in a paused batch, where they wait', async () => {
    const batch = await createBatch(client, project);
    await client.post('/v2/batch/pause', { batch_id: batch.id });
    const task = await createTask(client, { batch: batch.name });
    assert.equal(task.status, 'pending');
    assert.equal((await client.get('/v2/batch', { batch_id: batch.id })).body.status, 'paused');
  });

  it('replaces batch metadata, or deep-merges it with merge: true', async () => {
    const batch = await createBatch(client, project, { metadata: { keep: 1, nested: { a: 1, b: { c: 1 } }, list: [1, 2] } });
    const merged = await client.post('/v2/batch/metadata', { batch_id: batch.id, metadata: { nested: { b: { d: 2 } }, list: [3], added: true }, merge: true });
    assert.equal(merged.status, 200, merged.text);
    assert.deepEqual(merged.body.metadata, { keep: 1, nested: { a: 1, b: { c: 1, d: 2 } }, list: [3], added: true });
    const replaced = await client.post('/v2/batch/metadata', { batch_name: batch.name, metadata: { only: 'this' } });
    assert.deepEqual(replaced.body.metadata, { only: 'this' });
    assert.deepEqual((await client.v1('GET', `/v1/batches/${encodeURIComponent(batch.name)}`)).body.metadata, { only: 'this' });
    assertError(await client.post('/v2/batch/metadata', { batch_id: batch.id }), 400, /metadata/);
    assertError(await client.post('/v2/batch/metadata', { batch_id: batch.id, metadata: 'text' }), 400, /metadata/);
    assertError(await client.post('/v2/batch/metadata', { batch_id: 'missing', metadata: {} }), 404, /missing/);
  });

  it('completes a staging batch whose test tasks all finished as soon as it is finalized', async () => {
    const test = v2Client(server, TEST_KEY);
    const own = await createProject(test);
    const batch = await createBatch(test, own, { staging_batch: true });
    const created = await createTask(test, { batch: batch.name });
    const task = (await test.v1('GET', `/v1/task/${created.task_id}`)).body;
    assert.equal(task.status, 'completed');
    assert.equal((await test.get('/v2/batch', { batch_id: batch.id })).body.status, 'staging');
    const finalized = await test.post('/v2/batch/finalize', { batch_id: batch.id });
    assert.equal(finalized.body.status, 'completed');
    assert.match(finalized.body.completed_at, ISO);
    assertError(await test.post('/v2/batch/cancel', { batch_id: batch.id }), 400, /completed/);
    const at = Date.parse(finalized.body.completed_at);
    const completed = await test.get('/v2/batches', { project_id: own.id, completed_after: v2Time(at), completed_before: v2Time(at) });
    assert.deepEqual(completed.body.batches.map((item: any) => item.id), [batch.id]);
    assert.deepEqual((await test.get('/v2/batches', { project_id: own.id, completed_after: v2Time(at + 1) })).body, { batches: [] });
    assert.deepEqual((await test.get('/v2/batches', { project_id: own.id, status: 'completed' })).body.batches.length, 1);
  });

  it('hides other accounts and the other environment behind 404', async () => {
    const batch = await createBatch(client, project);
    const other = await server.current.createAccount();
    const stranger = v2Client(server, other.liveKey);
    assertError(await stranger.get('/v2/batch', { batch_id: batch.id }), 404, new RegExp(batch.id));
    assertError(await stranger.post('/v2/batch/pause', { batch_id: batch.id }), 404, /./);
    assertError(await stranger.post('/v2/batch/cancel', { batch_name: batch.name }), 404, /./);
    assertError(await v2Client(server, TEST_KEY).get('/v2/batch', { batch_id: batch.id }), 404, /./);
    assert.deepEqual((await stranger.get('/v2/batches')).body, { batches: [] });
  });
});
