import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.ts';
import { useTestServer, LIVE_KEY, TEST_KEY } from '../helpers/server.ts';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function assertError(response: { status: number; body: any; text: string }, status: number, pattern: RegExp) {
  assert.equal(response.status, status, response.text);
  assert.equal(response.body.status_code, status);
  assert.match(response.body.error, pattern);
}

/** What the Python client sends from create_batch(project, name) with no other arguments. */
function sdkBatchBody(project: string, name: string, extra: Record<string, unknown> = {}) {
  return { project, name, calibration_batch: false, self_label_batch: false, callback: '', metadata: {}, ...extra };
}

function projectBody(name: string, extra: Record<string, unknown> = {}) {
  return { type: 'imageannotation', name, params: null, rapid: false, studio: false, datasetId: null, ...extra };
}

describeEachDatabase('v1 batches', (dialect) => {
  const server = useTestServer(dialect);
  const post = (path: string, body?: unknown, key?: string) => server.current.request('POST', path, { body, key });
  const get = (path: string, key?: string) => server.current.request('GET', path, { key });

  before(async () => {
    await post('/projects', projectBody('plain'));
    await post('/projects', projectBody('studio-project', { studio: true }));
    await post('/projects', projectBody('rapid-project', { rapid: true }));
  });

  it('creates a batch from the SDK body: in_progress, metadata {}, no callback key for ""', async () => {
    const response = await post('/v1/batches', sdkBatchBody('plain', 'first-batch'));
    assert.equal(response.status, 200, response.text);
    assert.equal(response.body.name, 'first-batch');
    assert.equal(response.body.project, 'plain');
    assert.equal(response.body.status, 'in_progress');
    assert.deepEqual(response.body.metadata, {});
    assert.match(response.body.created_at, ISO);
    assert.match(response.body.id, /^[A-Za-z0-9_-]+$/);
    for (const key of ['callback', 'completed_at', 'calibration_batch', 'self_label_batch', 'priority']) assert.equal(key in response.body, false, key);
    const read = await get('/batches/first-batch');
    assert.deepEqual(read.body, response.body);
    const status = await get('/batches/first-batch/status');
    assert.equal(status.body.status, 'in_progress');
  });

  it('starts Studio and Rapid batches in staging, and finalize moves them to in_progress', async () => {
    for (const project of ['studio-project', 'rapid-project']) {
      const name = `${project}-batch`;
      const created = await post('/batches', sdkBatchBody(project, name));
      assert.equal(created.body.status, 'staging');
      assert.equal((await get(`/batches/${name}`)).body.status, 'staging');
      assert.equal((await get(`/batches/${name}/status`)).body.status, 'staging');
      const finalized = await server.current.request('POST', `/batches/${name}/finalize`, {
        rawBody: '',
        headers: { 'content-type': 'application/json', 'content-length': '0' },
      });
      assert.equal(finalized.status, 200, finalized.text);
      assert.equal(finalized.body.status, 'in_progress');
      assert.equal((await get(`/batches/${name}`)).body.status, 'in_progress');
    }
  });

  it('answers finalize on a running batch with 200 and the unchanged batch', async () => {
    const created = await post('/batches', sdkBatchBody('plain', 'already-running'));
    const finalized = await post('/batches/already-running/finalize');
    assert.equal(finalized.status, 200);
    assert.deepEqual(finalized.body, created.body);
  });

  it('stores a callback URL or email and the Rapid flags as sent', async () => {
    const url = await post('/batches', sdkBatchBody('rapid-project', 'with-url', { callback: 'https://example.com/hook', calibration_batch: true }));
    assert.equal(url.body.callback, 'https://example.com/hook');
    assert.equal(url.body.calibration_batch, true);
    assert.equal('self_label_batch' in url.body, false);
    const email = await post('/batches', sdkBatchBody('plain', 'with-email', { callback: 'ops@example.com', self_label_batch: 'true', metadata: { a: 1 } }));
    assert.equal(email.body.callback, 'ops@example.com');
    assert.equal(email.body.self_label_batch, true);
    assert.deepEqual(email.body.metadata, { a: 1 });
  });

  it('rejects a callback that is neither a URL nor an email with 400 naming callback', async () => {
    assertError(await post('/batches', sdkBatchBody('plain', 'bad-callback', { callback: 'not a target' })), 400, /callback/);
    assertError(await post('/batches', sdkBatchBody('plain', 'ftp-callback', { callback: 'ftp://example.com/x' })), 400, /callback/);
    assert.equal((await get('/batches/bad-callback')).status, 404);
  });

  it('answers 400 naming the project when it does not exist, and 400 for a missing name or project', async () => {
    assertError(await post('/batches', sdkBatchBody('ghost-project', 'orphan')), 400, /ghost-project/);
    assertError(await post('/batches', { project: 'plain' }), 400, /name/);
    assertError(await post('/batches', { name: 'no-project' }), 400, /project/);
    assertError(await post('/batches', sdkBatchBody('plain', '')), 400, /name/);
    assertError(await post('/batches', sdkBatchBody('plain', 'bad-metadata', { metadata: [1] })), 400, /metadata/);
  });

  it('answers 409 when the batch name is taken, even in another project', async () => {
    await post('/projects', projectBody('second-project'));
    await post('/batches', sdkBatchBody('plain', 'dup-task-batch'));
    const again = await post('/batches', sdkBatchBody('second-project', 'dup-task-batch'));
    assertError(again, 409, /dup-task-batch/);
    assert.equal((await get('/batches/dup-task-batch')).body.project, 'plain');
  });

  it('answers 404 in the error shape for an unknown batch on every batch path', async () => {
    assertError(await get('/batches/no-such-batch'), 404, /no-such-batch/);
    assertError(await get('/batches/no-such-batch/status'), 404, /no-such-batch/);
    assertError(await post('/batches/no-such-batch/finalize'), 404, /no-such-batch/);
    assertError(await post('/batches/no-such-batch/setMetadata', { a: 1 }), 404, /no-such-batch/);
    assertError(await post('/batches/no-such-batch/prioritize', { priority: 20 }), 404, /no-such-batch/);
  });

  it('never answers 409 on a body-less request whose path contains "task"', async () => {
    await post('/batches', sdkBatchBody('studio-project', 'my-task-batch'));
    for (let i = 0; i < 2; i++) {
      const response = await post('/batches/my-task-batch/finalize');
      assert.equal(response.status, 200);
    }
    assert.notEqual((await post('/batches/missing-task-batch/finalize')).status, 409);
  });

  it('replaces the metadata with setMetadata; an empty body clears it; a non-object is 400', async () => {
    await post('/batches', sdkBatchBody('plain', 'meta', { metadata: { keep: false, nested: { a: 1 } } }));
    const replaced = await post('/batches/meta/setMetadata', { fresh: true });
    assert.equal(replaced.status, 200);
    assert.deepEqual(replaced.body.metadata, { fresh: true });
    assert.deepEqual((await get('/batches/meta')).body.metadata, { fresh: true });
    const cleared = await server.current.request('POST', '/batches/meta/setMetadata', { rawBody: '', headers: { 'content-type': 'application/json' } });
    assert.equal(cleared.status, 200, cleared.text);
    assert.deepEqual(cleared.body.metadata, {});
    assertError(await post('/batches/meta/setMetadata', ['a']), 400, /object/);
    assertError(await server.current.request('POST', '/batches/meta/setMetadata', { rawBody: '{not json', headers: { 'content-type': 'application/json' } }), 400, /JSON/);
  });

  it('prioritizes a batch from 10 to 30 and answers {"result":"success"}', async () => {
    await post('/batches', sdkBatchBody('plain', 'urgent'));
    const response = await post('/batches/urgent/prioritize', { priority: 30 });
    assert.equal(response.status, 200);
    assert.deepEqual(response.body, { result: 'success' });
    assert.equal((await get('/batches/urgent')).body.priority, 30);
    assert.equal((await post('/batches/urgent/prioritize', { priority: '15' })).status, 200);
    assert.equal((await get('/batches/urgent')).body.priority, 15);
    assertError(await post('/batches/urgent/prioritize', { priority: 9 }), 400, /priority/);
    assertError(await post('/batches/urgent/prioritize', { priority: 31 }), 400, /priority/);
    assertError(await post('/batches/urgent/prioritize', { priority: 'high' }), 400, /priority/);
    assertError(await post('/batches/urgent/prioritize', {}), 400, /priority/);
  });

  it('keeps live and test batches apart: a test-key batch is 404 to the live key', async () => {
    await post('/projects', projectBody('test-project'), TEST_KEY);
    // The live project is not visible to the test key either.
    assertError(await post('/batches', sdkBatchBody('plain', 'test-side'), TEST_KEY), 400, /plain/);
    const created = await post('/batches', sdkBatchBody('test-project', 'test-side'), TEST_KEY);
    assert.equal(created.status, 200, created.text);
    assertError(await get('/batches/test-side'), 404, /test-side/);
    assertError(await get('/batches/test-side/status'), 404, /test-side/);
    assert.equal((await get('/batches?limit=100')).body.docs.some((b: any) => b.name === 'test-side'), false);
    assert.equal((await post('/batches', sdkBatchBody('plain', 'test-side'))).status, 200, 'the name is free in the live environment');
  });

  it('keeps accounts apart: another account gets 404 for the batch and 400 for the project', async () => {
    await post('/batches', sdkBatchBody('plain', 'private-batch'));
    const other = await server.current.createAccount();
    assertError(await get('/batches/private-batch', other.liveKey), 404, /private-batch/);
    assertError(await post('/batches/private-batch/finalize', undefined, other.liveKey), 404, /private-batch/);
    assertError(await post('/batches/private-batch/setMetadata', { a: 1 }, other.liveKey), 404, /private-batch/);
    assertError(await post('/batches', sdkBatchBody('plain', 'x'), other.liveKey), 400, /plain/);
    const list = await get('/batches', other.liveKey);
    assert.equal(list.body.totalDocs, 0);
  });

  it('reads only committed batches, and answers while another transaction is still open', async () => {
    const plain = (await get('/projects/plain')).body;
    const caller = (await server.current.server.services.accounts.authenticate(LIVE_KEY))!;
    const now = Date.now();
    await server.current.server.services.db.kysely.transaction().execute(async (trx) => {
      await trx.insertInto('batches').values({
        id: `uncommitted${now}`, account_id: caller.account.id, environment: 'live', project_id: plain.id, name: 'uncommitted',
        status: 'in_progress', callback: null, calibration_batch: 0, self_label_batch: 0, metadata: '{}', priority: null,
        studio_priority: null, archived: 0, callback_succeeded: null, created_at: now, updated_at: now, completed_at: null,
      }).execute();
      assertError(await get('/batches/uncommitted'), 404, /uncommitted/);
      assert.equal((await get('/batches/first-batch/status')).status, 200);
    });
    assert.equal((await get('/batches/uncommitted')).status, 200);
  });

  it('answers 401 without a valid key, before validating the query', async () => {
    assertError(await server.current.request('GET', '/batches?limit=1', { key: null }), 401, /API key/);
    assertError(await server.current.request('GET', '/batches?limit=zero', { key: 'live_ffffffffffffffffffffffffffffffff' }), 401, /API key/);
  });
});
