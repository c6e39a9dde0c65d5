import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.ts';
import { useTestServer, LIVE_KEY, TEST_KEY } from '../helpers/server.ts';
import { ISO, assertError, collectPages, createBatch, createProject, createTask, unique, v2Client, v2Time } from './helpers.ts';

describeEachDatabase('v2 tasks', (dialect) => {
  const server = useTestServer(dialect);
  const client = v2Client(server);
  const test = v2Client(server, TEST_KEY);
  let project: { id: string; name: string };
  let batch: any;

  before(async () => {
    project = await createProject(client);
    batch = await createBatch(client, project);
  });

  it('authenticates with Bearer and answers 401 with the JSON error body without a valid key', async () => {
    const anonymous = await server.current.request('GET', '/v2/projects', { key: null });
    assertError(anonymous, 401, /API key/);
    const wrong = await server.current.request('GET', '/v2/projects', { key: 'live_ffffffffffffffffffffffffffffffff', scheme: 'bearer' });
    assertError(wrong, 401, /./);
    const basic = await server.current.request('GET', '/v2/projects');
    assert.equal(basic.status, 200);
  });

  it('reads a task with the v2 shape: ids as strings, v2 status, no unset optional keys', async () => {
    const created = await createTask(client, { batch: batch.name }, { metadata: { source: 'cam-1' } });
    const response = await client.get('/v2/task', { task_id: created.task_id });
    assert.equal(response.status, 200, response.text);
    assert.deepEqual(response.body, {
      task_id: created.task_id,
      project: project.id,
      batch: batch.id,
      status: 'pending',
      created_at: created.created_at,
      metadata: { source: 'cam-1' },
    });
    assert.equal(response.headers.get('content-type'), 'application/json; charset=utf-8');
    const unbatched = await createTask(client, { project: project.name });
    const read = await client.get('/v2/task', { task_id: unbatched.task_id });
    assert.equal('batch' in read.body, false);
  });

  it('shows completed_at only on a completed task, and errors with the message on an error task', async () => {
    const testProject = await createProject(test);
    const completed = await createTask(test, { project: testProject.name });
    const response = await test.get('/v2/task', { task_id: completed.task_id });
    assert.equal(response.body.status, 'completed');
    assert.match(response.body.completed_at, ISO);
    assert.equal('errors' in response.body, false);
    assert.equal('threads' in response.body, false);

    // An attachment failure (contract 5.6) puts a live task in error; the workbench does this through the lifecycle.
    const failing = await createTask(client, { batch: batch.name });
    const services = server.current.server.services;
    const caller = await services.accounts.authenticate(LIVE_KEY);
    const stored = await services.tasks.get(caller!, failing.task_id);
    const errorResponse = { error: 'The attachment could not be downloaded.', attachments: [{ statusCode: 404, url: 'https://example.com/image.jpg' }] };
    await services.db.kysely.transaction().execute((trx) => services.taskLifecycle.failTask(trx, stored, errorResponse));
    const failed = await client.get('/v2/task', { task_id: failing.task_id });
    assert.equal(failed.body.status, 'error');
    assert.deepEqual(failed.body.errors, [{ message: 'The attachment could not be downloaded.' }]);
    assert.equal('completed_at' in failed.body, false);
  });

  it('expands project and batch to their v2 objects and rejects an unknown expand value', async () => {
    const created = await createTask(client, { batch: batch.name });
    const response = await client.get('/v2/task', { task_id: created.task_id, expand: ['project', 'batch'], opts: ['annotation_details', 'anything'] });
    assert.equal(response.status, 200, response.text);
    assert.equal(response.body.project.id, project.id);
    assert.equal(response.body.project.name, project.name);
    assert.deepEqual(response.body.project.types, ['categorization']);
    assert.equal(response.body.batch.id, batch.id);
    assert.equal(response.body.batch.project, project.id);
    assert.equal(response.body.batch.status, 'in_progress');
    assertError(await client.get('/v2/task', { task_id: created.task_id, expand: 'delivery' }), 400, /expand.*delivery/);
  });

  it('answers 400 without task_id and 404 for an unknown task, another account, or the other environment', async () => {
    assertError(await client.get('/v2/task'), 400, /task_id/);
    assertError(await client.get('/v2/task', { task_id: 'ffffffffffffffffffffffff' }), 404, /ffffffffffffffffffffffff/);
    const created = await createTask(client, { batch: batch.name });
    const other = await server.current.createAccount();
    assertError(await v2Client(server, other.liveKey).get('/v2/task', { task_id: created.task_id }), 404, /./);
    assertError(await test.get('/v2/task', { task_id: created.task_id }), 404, /./);
    assertError(await v2Client(server, other.liveKey).get('/v2/tasks', { batch_id: batch.id }), 404, /./);
  });

  it('requires a project or batch on GET /v2/tasks and 404s an unknown one', async () => {
    assertError(await client.get('/v2/tasks'), 400, /project_id.*project_name.*batch_id.*batch_name/);
    assertError(await client.get('/v2/tasks', { status: 'pending' }), 400, /project_id/);
    assertError(await client.get('/v2/tasks', { project_id: 'nope' }), 404, /nope/);
    assertError(await client.get('/v2/tasks', { batch_name: 'no such batch' }), 404, /no such batch/);
  });

  it('pages GET /v2/tasks newest first with next_token until it is absent', async () => {
    const own = await createProject(client);
    const ownBatch = await createBatch(client, own);
    const created = [];
    for (let i = 0; i < 7; i++) created.push(await createTask(client, { batch: ownBatch.name }));
    const expected = created.map((task) => task.task_id).reverse();
    const queries: Array<Record<string, string>> = [{ batch_id: ownBatch.id }, { batch_name: ownBatch.name }, { project_id: own.id }, { project_name: own.name, batch_id: ownBatch.id }];
    for (const query of queries) {
      const { items, pages } = await collectPages(client, '/v2/tasks', 'tasks', { ...query, limit: 3 });
      assert.equal(pages, 3, JSON.stringify(query));
      assert.deepEqual(items.map((task) => task.task_id), expected);
    }
    const single = await client.get('/v2/tasks', { batch_id: ownBatch.id });
    assert.equal(single.body.tasks.length, 7);
    assert.equal('next_token' in single.body, false);
    const exact = await client.get('/v2/tasks', { batch_id: ownBatch.id, limit: 7 });
    assert.equal('next_token' in exact.body, false);
    const clamped = await client.get('/v2/tasks', { batch_id: ownBatch.id, limit: 1000 });
    assert.equal(clamped.body.tasks.length, 7);
    assertError(await client.get('/v2/tasks', { batch_id: ownBatch.id, limit: 0 }), 400, /limit/);
    assertError(await client.get('/v2/tasks', { batch_id: ownBatch.id, next_token: 'not-a-token' }), 400, /next_token/);
  });

  it('filters GET /v2/tasks by status and by completion time in the v2 client format', async () => {
    const own = await createProject(test);
    const ownBatch = await createBatch(test, own);
    const first = await createTask(test, { batch: ownBatch.name });
    // Test-mode tasks answer as created (contract 5.10); read the second back completed.
    const second = (await test.v1('GET', `/v1/task/${(await createTask(test, { batch: ownBatch.name })).task_id}`)).body;
    const completed = await test.get('/v2/tasks', { project_id: own.id, status: 'completed', expand: 'batch' });
    assert.deepEqual(completed.body.tasks.map((task: any) => task.task_id), [second.task_id, first.task_id]);
    assert.equal(completed.body.tasks[0].batch.id, ownBatch.id);
    assert.deepEqual((await test.get('/v2/tasks', { project_id: own.id, status: 'pending' })).body, { tasks: [] });
    assert.deepEqual((await test.get('/v2/tasks', { project_id: own.id, status: 'deleted' })).body, { tasks: [] });
    assertError(await test.get('/v2/tasks', { project_id: own.id, status: 'cancelled' }), 400, /status/);
    const at = Date.parse(second.completed_at);
    const range = await test.get('/v2/tasks', { project_id: own.id, completed_after: v2Time(at), completed_before: v2Time(at) });
    assert.ok(range.body.tasks.some((task: any) => task.task_id === second.task_id));
    assert.ok(range.body.tasks.every((task: any) => Date.parse(task.completed_at) === at));
    const future = await test.get('/v2/tasks', { project_id: own.id, completed_after: v2Time(at + 60_000) });
    assert.deepEqual(future.body.tasks, []);
    assertError(await test.get('/v2/tasks', { project_id: own.id, completed_after: 'soon' }), 400, /completed_after/);
  });

  it('answers an empty list when the batch is not in the named project', async () => {
    const other = await createProject(client);
    await createTask(client, { batch: batch.name });
    assert.deepEqual((await client.get('/v2/tasks', { project_id: other.id, batch_id: batch.id })).body, { tasks: [] });
  });

  it('replaces task metadata, or deep-merges it with merge: true, and v1 reads the same', async () => {
    const created = await createTask(client, { batch: batch.name }, { metadata: { a: 1, nested: { x: 1, y: { z: 1 } }, list: [1] } });
    const merged = await client.post('/v2/task/metadata', { task_id: created.task_id, metadata: { nested: { y: { w: 2 } }, list: [2], b: 'new' }, merge: true });
    assert.equal(merged.status, 200, merged.text);
    assert.deepEqual(merged.body.metadata, { a: 1, nested: { x: 1, y: { z: 1, w: 2 } }, list: [2], b: 'new' });
    assert.equal(merged.body.task_id, created.task_id);
    assert.equal(merged.body.project, project.id);
    const replaced = await client.post('/v2/task/metadata', { task_id: created.task_id, metadata: { only: true }, merge: false });
    assert.deepEqual(replaced.body.metadata, { only: true });
    assert.deepEqual((await client.v1('GET', `/v1/task/${created.task_id}`)).body.metadata, { only: true });
    const defaultReplace = await client.post('/v2/task/metadata', { task_id: created.task_id, metadata: {} });
    assert.deepEqual(defaultReplace.body.metadata, {});
    assertError(await client.post('/v2/task/metadata', { metadata: {} }), 400, /task_id/);
    assertError(await client.post('/v2/task/metadata', { task_id: created.task_id }), 400, /metadata/);
    assertError(await client.post('/v2/task/metadata', { task_id: created.task_id, metadata: [1] }), 400, /metadata/);
    assertError(await client.post('/v2/task/metadata', { task_id: 'ffffffffffffffffffffffff', metadata: {} }), 404, /ffffffffffffffffffffffff/);
  });

  it('creates a chat task in a chat project as v1 would, with threads and template variables', async () => {
    const name = unique('chat');
    assert.equal((await test.v1('POST', '/v1/projects', { type: 'chat', name, params: null })).status, 200);
    const chatProject = (await test.get('/v2/project', { project_name: name })).body;
    const chatBatch = await createBatch(test, chatProject);
    const created = await test.post('/v2/task/chat', { batch_id: chatBatch.id, template_variables: { topic: 'cats' }, metadata: { k: 1 } });
    assert.equal(created.status, 200, created.text);
    assert.equal(created.body.project, chatProject.id);
    assert.equal(created.body.batch, chatBatch.id);
    assert.equal(created.body.status, 'pending', 'answered as created (contract 5.10)');
    assert.deepEqual(created.body.threads, []);
    assert.equal((await test.get('/v2/task', { task_id: created.body.task_id })).body.status, 'completed');
    assert.deepEqual(created.body.metadata, { k: 1 });
    const v1 = await test.v1('GET', `/v1/task/${created.body.task_id}`);
    assert.equal(v1.body.type, 'chat');
    assert.deepEqual(v1.body.params.template_variables, { topic: 'cats' });
    const live = await client.v1('POST', '/v1/projects', { type: 'chat', name, params: null });
    assert.equal(live.status, 200);
    const pending = await client.post('/v2/task/chat', { project_name: name });
    assert.equal(pending.body.status, 'pending');
    assert.deepEqual(pending.body.threads, []);
  });

  it('refuses a chat task without a project, in a non-chat project, or with a reused Idempotency-Key', async () => {
    assertError(await client.post('/v2/task/chat', {}), 400, /project_id/);
    assertError(await client.post('/v2/task/chat', { project_id: project.id }), 400, /categorization/);
    assertError(await client.post('/v2/task/chat', { project_id: 'nope' }), 400, /nope/);
    const name = unique('chat');
    await test.v1('POST', '/v1/projects', { type: 'chatlite', name, params: null });
    const key = unique('idem');
    const first = await test.post('/v2/task/chat', { project_name: name }, { 'idempotency-key': key });
    assert.equal(first.status, 200, first.text);
    const again = await test.post('/v2/task/chat', { project_name: name }, { 'idempotency-key': key });
    assertError(again, 409, new RegExp(first.body.task_id));
  });

  it('answers GET /v2/annotation with 404 (annotations exist only in chat threads) and 400 without an id', async () => {
    assertError(await client.get('/v2/annotation', { annotation_id: 'abc' }), 404, /abc/);
    assertError(await client.get('/v2/annotation'), 400, /annotation_id/);
  });

  it('reads projects by id or name and lists them newest first, filtered by creation time', async () => {
    const created = await createProject(client);
    const byId = await client.get('/v2/project', { project_id: created.id });
    assert.equal(byId.status, 200, byId.text);
    assert.deepEqual(Object.keys(byId.body).sort(), ['created_at', 'id', 'name', 'types']);
    assert.deepEqual((await client.get('/v2/project', { project_name: created.name })).body, byId.body);
    assertError(await client.get('/v2/project', { project_id: 'nope' }), 404, /nope/);
    assertError(await client.get('/v2/project'), 400, /project_id/);
    const list = await client.get('/v2/projects');
    assert.equal(list.body.projects[0].id, created.id);
    assert.equal('next_token' in list.body, false);
    const since = await client.get('/v2/projects', { created_after: v2Time(Date.parse(byId.body.created_at)) });
    assert.ok(since.body.projects.some((item: any) => item.id === created.id));
    assert.ok(since.body.projects.every((item: any) => Date.parse(item.created_at) >= Date.parse(byId.body.created_at)));
    const other = await server.current.createAccount();
    assert.deepEqual((await v2Client(server, other.liveKey).get('/v2/projects')).body, { projects: [] });
    assertError(await v2Client(server, other.liveKey).get('/v2/project', { project_id: created.id }), 404, /./);
  });
});
