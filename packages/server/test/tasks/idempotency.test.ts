import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.ts';
import { useTestServer, TEST_KEY } from '../helpers/server.ts';
import { createProject, createTask, unique, validBody } from './helpers.ts';

describeEachDatabase('unique_id and Idempotency-Key', (dialect) => {
  const server = useTestServer(dialect);

  it('answers a reused unique_id with 409 in the exact wording, naming the existing task, and creates nothing', async () => {
    const uniqueId = `s3://bucket/${unique('file')}.png`;
    const first = await createTask(server.current, 'categorization', { unique_id: uniqueId });
    assert.equal(first.unique_id, uniqueId);
    const before = await server.current.request('GET', '/v1/tasks?limit=1');
    const again = await server.current.request('POST', '/v1/task/categorization', { body: { ...validBody('categorization'), unique_id: uniqueId } });
    assert.equal(again.status, 409);
    assert.equal(again.body.status_code, 409);
    assert.equal(again.body.error, `The unique_id ("${uniqueId}") is already used for a different task (${first.task_id}).`);
    const after = await server.current.request('GET', '/v1/tasks?limit=1');
    assert.equal(after.body.total, before.body.total);
  });

  it('keeps unique_id unique across projects and task types, canceled tasks included', async () => {
    const uniqueId = unique('cross');
    const project = await createProject(server.current, { name: unique('p'), type: 'transcription' });
    const first = await createTask(server.current, 'categorization', { unique_id: uniqueId });
    await server.current.request('POST', `/v1/task/${first.task_id}/cancel`);
    const response = await server.current.request('POST', '/v1/task/transcription', { body: { ...validBody('transcription'), project: project.name, unique_id: uniqueId } });
    assert.equal(response.status, 409);
    assert.match(response.body.error, new RegExp(first.task_id));
  });

  it('scopes unique_id to the account and environment', async () => {
    const uniqueId = unique('scoped');
    await createTask(server.current, 'categorization', { unique_id: uniqueId });
    const other = await server.current.createAccount();
    await createTask(server.current, 'categorization', { unique_id: uniqueId }, { key: other.liveKey });
    await createTask(server.current, 'categorization', { unique_id: uniqueId }, { key: TEST_KEY });
  });

  it('lets exactly one of 20 concurrent creates with one unique_id succeed; the others get 409 naming the winner', async () => {
    const uniqueId = unique('race');
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        server.current.request('POST', '/v1/task/categorization', { body: { ...validBody('categorization'), unique_id: uniqueId, metadata: { attempt: index } } }),
      ),
    );
    const winners = responses.filter((response) => response.status === 200);
    const losers = responses.filter((response) => response.status === 409);
    assert.equal(winners.length, 1, responses.map((response) => `${response.status} ${response.text}`).join('\n'));
    assert.equal(losers.length, 19);
    for (const loser of losers) assert.match(loser.body.error, new RegExp(`\\(${winners[0].body.task_id}\\)`));
    const found = await server.current.request('GET', `/v1/tasks?unique_id=${encodeURIComponent(uniqueId)}`);
    assert.equal(found.body.total, 1);
    assert.equal(found.body.docs[0].task_id, winners[0].body.task_id);
  });

  it('creates every distinct task of a concurrent burst while refusing only the duplicates in it', async () => {
    const shared = unique('burst');
    const distinct = Array.from({ length: 15 }, () => unique('solo'));
    const requests = [
      ...distinct.map((uniqueId) => ({ uniqueId, shared: false })),
      ...Array.from({ length: 10 }, () => ({ uniqueId: shared, shared: true })),
    ].sort(() => Math.random() - 0.5);
    const responses = await Promise.all(
      requests.map((request) => server.current.request('POST', '/v1/task/categorization', { body: { ...validBody('categorization'), unique_id: request.uniqueId } })),
    );
    const byValue = (value: string) => responses.filter((_, index) => requests[index].uniqueId === value);
    for (const value of distinct) assert.deepEqual(byValue(value).map((response) => response.status), [200]);
    const sharedStatuses = byValue(shared).map((response) => response.status).sort();
    assert.deepEqual(sharedStatuses, [200, ...Array(9).fill(409)]);
    for (const value of [...distinct, shared]) {
      const found = await server.current.request('GET', `/v1/tasks?unique_id=${encodeURIComponent(value)}`);
      assert.equal(found.body.total, 1, value);
    }
  });

  it('finds a task by unique_id with no other filter, whatever its status, in the list envelope', async () => {
    const uniqueId = unique('lookup');
    const project = await createProject(server.current, { name: unique('p'), type: 'categorization' });
    const created = await createTask(server.current, 'categorization', { project: project.name, unique_id: uniqueId });
    await server.current.request('POST', `/v1/task/${created.task_id}/cancel`);
    const found = await server.current.request('GET', `/tasks?unique_id=${encodeURIComponent(uniqueId)}`);
    assert.equal(found.status, 200);
    assert.deepEqual(Object.keys(found.body).sort(), ['docs', 'has_more', 'limit', 'next_token', 'offset', 'total']);
    assert.equal(found.body.docs[0].task_id, created.task_id);
    assert.equal(found.body.docs[0].status, 'canceled');
  });

  it('matches several unique_id values with OR', async () => {
    const a = await createTask(server.current, 'categorization', { unique_id: unique('or-a') });
    const b = await createTask(server.current, 'categorization', { unique_id: unique('or-b') });
    const found = await server.current.request('GET', `/v1/tasks?unique_id=${encodeURIComponent(a.unique_id)}&unique_id=${encodeURIComponent(b.unique_id)}&unique_id=missing`);
    assert.deepEqual(found.body.docs.map((doc: any) => doc.task_id).sort(), [a.task_id, b.task_id].sort());
    assert.equal(found.body.total, 2);
    const query = `unique_id=${encodeURIComponent(a.unique_id)}&unique_id=${encodeURIComponent(b.unique_id)}&limit=1`;
    const first = await server.current.request('GET', `/v1/tasks?${query}`);
    assert.deepEqual(first.body.docs.map((doc: any) => doc.task_id), [b.task_id]);
    assert.equal(first.body.has_more, true);
    const second = await server.current.request('GET', `/v1/tasks?${query}&next_token=${first.body.next_token}`);
    assert.deepEqual(second.body.docs.map((doc: any) => doc.task_id), [a.task_id]);
    assert.equal(second.body.offset, 1);
    assert.equal(second.body.next_token, null);
  });

  it('retries a unique_id lookup with + when the unencoded value arrived with spaces', async () => {
    const uniqueId = `${unique('plus')}+a+b`;
    const created = await createTask(server.current, 'categorization', { unique_id: uniqueId });
    // The Python client sends the value unencoded, so each + is decoded as a space.
    const found = await server.current.request('GET', `/v1/tasks?unique_id=${uniqueId}`);
    assert.equal(found.status, 200);
    assert.equal(found.body.total, 1);
    assert.equal(found.body.docs[0].task_id, created.task_id);
  });

  it('answers a reused Idempotency-Key with 409 naming the task, even with a different body', async () => {
    const key = crypto.randomUUID();
    const first = await createTask(server.current, 'categorization', {}, { headers: { 'idempotency-key': key } });
    const again = await server.current.request('POST', '/v1/task/imageannotation', { body: validBody('imageannotation'), headers: { 'idempotency-key': key } });
    assert.equal(again.status, 409);
    assert.match(again.body.error, /Idempotency-Key/);
    assert.match(again.body.error, new RegExp(first.task_id));
    const other = await server.current.createAccount();
    await createTask(server.current, 'categorization', {}, { key: other.liveKey, headers: { 'idempotency-key': key } });
  });

  it('checks unique_id and Idempotency-Key independently', async () => {
    const key = crypto.randomUUID();
    const uniqueId = unique('indep');
    await createTask(server.current, 'categorization', { unique_id: uniqueId }, { headers: { 'idempotency-key': key } });
    const sameKey = await server.current.request('POST', '/v1/task/categorization', { body: { ...validBody('categorization'), unique_id: unique('fresh') }, headers: { 'idempotency-key': key } });
    assert.equal(sameKey.status, 409);
    const sameUniqueId = await server.current.request('POST', '/v1/task/categorization', { body: { ...validBody('categorization'), unique_id: uniqueId }, headers: { 'idempotency-key': crypto.randomUUID() } });
    assert.equal(sameUniqueId.status, 409);
  });

  it('lets exactly one of 10 concurrent creates with one Idempotency-Key succeed', async () => {
    const key = crypto.randomUUID();
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => server.current.request('POST', '/v1/task/categorization', { body: validBody('categorization'), headers: { 'idempotency-key': key } })),
    );
    assert.equal(responses.filter((response) => response.status === 200).length, 1);
    assert.equal(responses.filter((response) => response.status === 409).length, 9);
  });

  it('keeps Idempotency-Key records for at least 24 hours and frees them after the retention', async () => {
    const key = crypto.randomUUID();
    const first = await createTask(server.current, 'categorization', {}, { headers: { 'idempotency-key': key } });
    const { db, tasks } = server.current.server.services;
    const dayAgo = Date.now() - 25 * 60 * 60 * 1000;
    await db.kysely.updateTable('idempotency_keys').set({ created_at: dayAgo }).where('idempotency_key', '=', key).execute();
    const within = await server.current.request('POST', '/v1/task/categorization', { body: validBody('categorization'), headers: { 'idempotency-key': key } });
    assert.equal(within.status, 409);
    assert.match(within.body.error, new RegExp(first.task_id));
    await db.kysely.updateTable('idempotency_keys').set({ created_at: Date.now() - 49 * 60 * 60 * 1000 }).where('idempotency_key', '=', key).execute();
    const reused = await createTask(server.current, 'categorization', {}, { headers: { 'idempotency-key': key } });
    assert.notEqual(reused.task_id, first.task_id);
    await db.kysely.updateTable('idempotency_keys').set({ created_at: Date.now() - 49 * 60 * 60 * 1000 }).where('idempotency_key', '=', key).execute();
    assert.ok((await tasks.purgeIdempotencyKeys()) >= 1);
  });

  it('changes a unique_id with POST task/{id}/unique_id, 409 naming the holder, no-op for its own value', async () => {
    const holder = await createTask(server.current, 'categorization', { unique_id: unique('holder') });
    const task = await createTask(server.current, 'categorization', { unique_id: unique('mine') });
    const taken = await server.current.request('POST', `/v1/task/${task.task_id}/unique_id`, { body: { unique_id: holder.unique_id } });
    assert.equal(taken.status, 409);
    assert.equal(taken.body.error, `The unique_id ("${holder.unique_id}") is already used for a different task (${holder.task_id}).`);
    const same = await server.current.request('POST', `/v1/task/${task.task_id}/unique_id`, { body: { unique_id: task.unique_id } });
    assert.equal(same.status, 200);
    assert.equal(same.body.updated_at, task.updated_at);
    const fresh = unique('renamed');
    const changed = await server.current.request('POST', `/v1/task/${task.task_id}/unique_id`, { body: { unique_id: fresh } });
    assert.equal(changed.status, 200);
    assert.equal(changed.body.unique_id, fresh);
    assert.ok(changed.body.updated_at >= task.updated_at);
    const missing = await server.current.request('POST', `/v1/task/${task.task_id}/unique_id`, { body: {} });
    assert.equal(missing.status, 400);
    assert.match(missing.body.error, /unique_id/);
    const array = await server.current.request('POST', `/v1/task/${task.task_id}/unique_id`, { body: [holder.unique_id] });
    assert.equal(array.status, 400);
  });

  it('clears a unique_id with DELETE so the key disappears and the value is free at once', async () => {
    const uniqueId = unique('clear');
    const task = await createTask(server.current, 'categorization', { unique_id: uniqueId });
    const cleared = await server.current.request('DELETE', `/v1/task/${task.task_id}/unique_id`, { headers: { 'content-type': 'application/json', 'content-length': '0' } });
    assert.equal(cleared.status, 200);
    assert.equal('unique_id' in cleared.body, false);
    const read = await server.current.request('GET', `/v1/task/${task.task_id}`);
    assert.equal('unique_id' in read.body, false);
    const twice = await server.current.request('DELETE', `/v1/task/${task.task_id}/unique_id`);
    assert.equal(twice.status, 200);
    await createTask(server.current, 'categorization', { unique_id: uniqueId });
  });

  it('answers the unique_id endpoints with 404 for a task of another account or environment', async () => {
    const task = await createTask(server.current, 'categorization', { unique_id: unique('foreign') });
    const other = await server.current.createAccount();
    for (const key of [other.liveKey, TEST_KEY]) {
      const set = await server.current.request('POST', `/v1/task/${task.task_id}/unique_id`, { key, body: { unique_id: 'x' } });
      assert.equal(set.status, 404);
      const clear = await server.current.request('DELETE', `/v1/task/${task.task_id}/unique_id`, { key });
      assert.equal(clear.status, 404);
    }
  });
});
