import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.ts';
import { useTestServer, LIVE_KEY, TEST_KEY } from '../helpers/server.ts';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** What the Python client sends from create_project(name, type) with no other arguments. */
function sdkCreateBody(name: string, type = 'imageannotation', extra: Record<string, unknown> = {}) {
  return { type, name, params: null, rapid: false, studio: false, datasetId: null, ...extra };
}

function assertError(response: { status: number; body: any }, status: number, pattern: RegExp) {
  assert.equal(response.status, status, JSON.stringify(response.body));
  assert.equal(response.body.status_code, status);
  assert.equal(typeof response.body.error, 'string');
  assert.match(response.body.error, pattern);
}

function hasNoNulls(value: unknown): boolean {
  if (value === null) return false;
  if (Array.isArray(value)) return value.every(hasNoNulls);
  if (typeof value === 'object') return Object.values(value as object).every(hasNoNulls);
  return true;
}

describeEachDatabase('v1 projects', (dialect) => {
  const server = useTestServer(dialect);

  it('creates a project from the SDK body with an empty param_history and no null fields', async () => {
    const response = await server.current.request('POST', '/v1/projects', { body: sdkCreateBody('kitten_labeling') });
    assert.equal(response.status, 200);
    assert.equal(response.body.name, 'kitten_labeling');
    assert.equal(response.body.type, 'imageannotation');
    assert.deepEqual(response.body.param_history, []);
    assert.match(response.body.created_at, ISO);
    assert.match(response.body.id, /^[A-Za-z0-9_-]+$/);
    assert.ok(hasNoNulls(response.body), JSON.stringify(response.body));
    assert.equal('datasetId' in response.body, false);
    assert.equal('rapid' in response.body, false);
  });

  it('turns create params into param_history version 0, as in the seed example', async () => {
    const response = await server.current.request('POST', '/projects', {
      body: sdkCreateBody('seeded', 'imageannotation', { params: { instruction: 'Instructions' } }),
    });
    assert.equal(response.status, 200);
    assert.equal(response.body.param_history.length, 1);
    const [entry] = response.body.param_history;
    assert.deepEqual(Object.keys(entry).sort(), ['created_at', 'instruction', 'version']);
    assert.equal(entry.instruction, 'Instructions');
    assert.equal(entry.version, 0);
    assert.match(entry.created_at, ISO);
  });

  it('reads back the created project with GET projects/{name}', async () => {
    const created = await server.current.request('POST', '/projects', {
      body: sdkCreateBody('read-back', 'categorization', { params: { categories: ['a', 'b'] }, datasetId: 'ds-1' }),
    });
    const read = await server.current.request('GET', '/v1/projects/read-back');
    assert.equal(read.status, 200);
    assert.deepEqual(read.body, created.body);
    assert.equal(read.body.datasetId, 'ds-1');
  });

  it('stores Studio fields: studio, rapid, pipeline and consensus_attempts (numeric strings accepted)', async () => {
    const response = await server.current.request('POST', '/projects', {
      body: sdkCreateBody('studio-consensus', 'imageannotation', { studio: true, rapid: 'true', pipeline: 'consensus_task', consensus_attempts: '3' }),
    });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.equal(response.body.studio, true);
    assert.equal(response.body.rapid, true);
    assert.equal(response.body.pipeline, 'consensus_task');
    assert.equal(response.body.consensus_attempts, 3);
  });

  it('rejects a type outside the contract enum with 400 naming type', async () => {
    assertError(await server.current.request('POST', '/projects', { body: sdkCreateBody('bad-type', 'kittenannotation') }), 400, /'type'/);
  });

  it('rejects a missing name or type with 400 naming the parameter', async () => {
    assertError(await server.current.request('POST', '/projects', { body: { type: 'imageannotation' } }), 400, /name/);
    assertError(await server.current.request('POST', '/projects', { body: { name: 'no-type' } }), 400, /type/);
    assertError(await server.current.request('POST', '/projects', { body: sdkCreateBody('  ') }), 400, /name/);
  });

  it('rejects an invalid pipeline, consensus_attempts below 1, and non-object params with 400', async () => {
    assertError(await server.current.request('POST', '/projects', { body: sdkCreateBody('p1', 'imageannotation', { pipeline: 'fast_task' }) }), 400, /pipeline/);
    assertError(await server.current.request('POST', '/projects', { body: sdkCreateBody('p2', 'imageannotation', { consensus_attempts: 0 }) }), 400, /consensus_attempts/);
    assertError(await server.current.request('POST', '/projects', { body: sdkCreateBody('p3', 'imageannotation', { consensus_attempts: 1.5 }) }), 400, /consensus_attempts/);
    assertError(await server.current.request('POST', '/projects', { body: sdkCreateBody('p4', 'imageannotation', { params: ['x'] }) }), 400, /params/);
    assertError(await server.current.request('POST', '/projects', { body: [sdkCreateBody('p5')] }), 400, /body|object/);
  });

  it('answers 409 when the project name is taken, and creates nothing', async () => {
    await server.current.request('POST', '/projects', { body: sdkCreateBody('taken', 'imageannotation', { params: { instruction: 'first' } }) });
    const again = await server.current.request('POST', '/projects', { body: sdkCreateBody('taken', 'categorization') });
    assertError(again, 409, /taken/);
    const read = await server.current.request('GET', '/projects/taken');
    assert.equal(read.body.type, 'imageannotation');
    assert.equal(read.body.param_history[0].instruction, 'first');
  });

  it('answers 404 in the error shape for an unknown project', async () => {
    assertError(await server.current.request('GET', '/projects/no-such-project'), 404, /no-such-project/);
    assertError(await server.current.request('POST', '/projects/no-such-project/setParams', { body: { instruction: 'x' } }), 404, /no-such-project/);
    assertError(await server.current.request('GET', '/projects/no-such-project/taskTemplates'), 404, /no-such-project/);
  });

  it('answers 401 without a valid key, before any validation', async () => {
    assertError(await server.current.request('GET', '/projects', { key: null }), 401, /API key/);
    assertError(await server.current.request('POST', '/projects', { key: 'live_ffffffffffffffffffffffffffffffff', body: [] }), 401, /API key/);
    assertError(await server.current.request('GET', '/projects/anything?archived=maybe', { key: null }), 401, /API key/);
  });

  it('lists projects as a bare array, newest first, with the archived filter', async () => {
    const other = await server.current.createAccount();
    const request = (method: string, path: string, body?: unknown) => server.current.request(method, path, { key: other.liveKey, body });
    for (const name of ['first', 'second', 'third']) await request('POST', '/projects', sdkCreateBody(name));
    const kysely = server.current.server.services.db.kysely;
    await kysely.updateTable('projects').set({ archived: 1 }).where('account_id', '=', other.accountId).where('name', '=', 'second').execute();

    const all = await request('GET', '/projects');
    assert.equal(all.status, 200);
    assert.ok(Array.isArray(all.body));
    assert.deepEqual(all.body.map((p: any) => p.name), ['third', 'second', 'first']);
    assert.equal(all.body[1].archived, true);
    const unarchived = await request('GET', '/projects?archived=False');
    assert.deepEqual(unarchived.body.map((p: any) => p.name), ['third', 'first']);
    const archived = await request('GET', '/projects?archived=true');
    assert.deepEqual(archived.body.map((p: any) => p.name), ['second']);
    assertError(await request('GET', '/projects?archived=maybe'), 400, /archived/);
  });

  it('keeps live and test projects apart: a test-key project is 404 to the live key', async () => {
    const created = await server.current.request('POST', '/projects', { key: TEST_KEY, body: sdkCreateBody('test-only') });
    assert.equal(created.status, 200);
    assert.equal((await server.current.request('GET', '/projects/test-only', { key: TEST_KEY })).status, 200);
    assertError(await server.current.request('GET', '/projects/test-only'), 404, /test-only/);
    const liveList = await server.current.request('GET', '/projects');
    assert.equal(liveList.body.some((p: any) => p.name === 'test-only'), false);
    // The same name is free in the other environment.
    assert.equal((await server.current.request('POST', '/projects', { body: sdkCreateBody('test-only') })).status, 200);
    // A `|test` suffix on the live key selects the test environment.
    const suffixed = await server.current.request('GET', '/projects/test-only', { key: `${LIVE_KEY}|test` });
    assert.equal(suffixed.status, 200);
    assert.equal(suffixed.body.id, created.body.id);
  });

  it('keeps accounts apart: another account gets 404 and may use the same name', async () => {
    await server.current.request('POST', '/projects', { body: sdkCreateBody('mine') });
    const other = await server.current.createAccount();
    assertError(await server.current.request('GET', '/projects/mine', { key: other.liveKey }), 404, /mine/);
    assertError(await server.current.request('POST', '/projects/mine/setParams', { key: other.liveKey, body: { x: 1 } }), 404, /mine/);
    assert.equal((await server.current.request('GET', '/projects', { key: other.liveKey })).body.some((p: any) => p.name === 'mine'), false);
    assert.equal((await server.current.request('POST', '/projects', { key: other.liveKey, body: sdkCreateBody('mine') })).status, 200);
  });
});
