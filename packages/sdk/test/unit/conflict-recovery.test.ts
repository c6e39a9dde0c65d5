import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ScaleDuplicateResource, TaskType } from '../../src/index.ts';
import { TASK, fakeClient, jsonResponse } from '../helpers/fake-fetch.ts';

const conflict = (taskId = TASK.task_id) =>
  jsonResponse({ status_code: 409, error: `The unique_id ("u 1+x") is already used for a different task (${taskId}).` }, 409);
const list = (docs: unknown[]) => jsonResponse({ docs, total: docs.length, limit: 1, offset: 0, has_more: false, next_token: null });
const params = { attachment: 'https://example.com/1.jpg', unique_id: 'u 1+x', geometries: { box: { objects_to_annotate: ['cat'] } } };

describe('409 after a retried create', () => {
  it('looks the task up by unique_id and returns it when a retry after a 5xx collides with the first attempt', async () => {
    const { client, requests } = fakeClient((request, index) => {
      if (index === 0) return jsonResponse({ status_code: 500, error: 'lost' }, 500);
      if (index === 1) return conflict();
      assert.equal(request.url.pathname, '/v1/tasks');
      return list([{ ...TASK, unique_id: 'u 1+x' }]);
    });
    const task = await client.createTask(TaskType.ImageAnnotation, params);
    assert.equal(task.task_id, TASK.task_id);
    assert.equal(requests.length, 3);
    assert.equal(requests[2].method, 'GET');
    assert.deepEqual(requests[2].url.searchParams.getAll('unique_id'), ['u 1+x']);
  });

  it('recovers the same way when the first attempt lost its connection', async () => {
    const { client } = fakeClient((_request, index) => {
      if (index === 0) throw new TypeError('fetch failed', { cause: new Error('socket hang up') });
      if (index === 1) return conflict();
      return list([TASK]);
    });
    const task = await client.createTask(TaskType.ImageAnnotation, params);
    assert.equal(task.task_id, TASK.task_id);
  });

  it('throws ScaleDuplicateResource without a lookup when the first attempt already gets 409', async () => {
    const { client, requests } = fakeClient(() => conflict());
    await assert.rejects(client.createTask(TaskType.ImageAnnotation, params), (error: ScaleDuplicateResource) => {
      assert.ok(error instanceof ScaleDuplicateResource);
      assert.match(error.message, /already used/);
      return true;
    });
    assert.equal(requests.length, 1);
  });

  it('throws the 409 when the lookup finds nothing', async () => {
    const { client } = fakeClient((_request, index) => (index === 0 ? jsonResponse({}, 503) : index === 1 ? conflict() : list([])));
    await assert.rejects(client.createTask(TaskType.ImageAnnotation, params), ScaleDuplicateResource);
  });

  it('fetches the task named by task_id in the 409 body when the create had no unique_id (idempotency-key collision)', async () => {
    const { client, requests } = fakeClient((request, index) => {
      if (index === 0) return jsonResponse({ status_code: 502, error: 'bad gateway' }, 502);
      if (index === 1) return jsonResponse({ status_code: 409, error: 'Idempotency-Key already used', task_id: 'abc123' }, 409);
      assert.equal(request.url.pathname, '/v1/task/abc123');
      return jsonResponse({ ...TASK, task_id: 'abc123' });
    });
    const task = await client.createTask('categorization', { attachment: 'a', categories: ['x'] });
    assert.equal(task.task_id, 'abc123');
    assert.equal(requests[0].headers.get('idempotency-key'), requests[1].headers.get('idempotency-key'));
  });
});

describe('409 after a retried create of a named resource', () => {
  const batch = { id: 'b1', name: 'b 1', project: 'p', status: 'in_progress', created_at: '2024-05-01T00:00:00.000Z', metadata: {} };

  it('createBatch returns the batch by name when a retry after a lost answer gets 409', async () => {
    const { client, requests } = fakeClient((request, index) => {
      if (index === 0) throw new TypeError('fetch failed', { cause: new Error('other side closed') });
      if (index === 1) return jsonResponse({ status_code: 409, error: 'A batch named "b 1" already exists.' }, 409);
      assert.equal(request.url.pathname, '/v1/batches/b%201');
      return jsonResponse(batch);
    });
    assert.deepEqual(await client.createBatch({ project: 'p', batchName: 'b 1' }), batch);
    assert.equal(requests[2].method, 'GET');
  });

  it('createProject and v2.createBatch recover the same way, and a first-attempt 409 is still thrown', async () => {
    const project = { name: 'p', type: 'categorization', param_history: [], created_at: '2024-05-01T00:00:00.000Z' };
    const projects = fakeClient((_request, index) => (index === 0 ? jsonResponse({}, 504) : index === 1 ? jsonResponse({ status_code: 409, error: 'taken' }, 409) : jsonResponse(project)));
    assert.deepEqual(await projects.client.createProject({ projectName: 'p', taskType: 'categorization' }), project);
    assert.equal(projects.requests[2].url.pathname, '/v1/projects/p');

    const v2 = fakeClient((_request, index) => (index === 0 ? jsonResponse({}, 500) : index === 1 ? jsonResponse({ status_code: 409, error: 'taken' }, 409) : jsonResponse(batch)));
    assert.deepEqual(await v2.client.v2.createBatch({ name: 'b 1', projectName: 'p' }), batch);
    assert.equal(v2.requests[2].url.pathname, '/v2/batch');
    assert.equal(v2.requests[2].url.searchParams.get('batch_name'), 'b 1');

    const first = fakeClient(() => jsonResponse({ status_code: 409, error: 'taken' }, 409));
    await assert.rejects(first.client.createBatch({ project: 'p', batchName: 'b 1' }), ScaleDuplicateResource);
    assert.equal(first.requests.length, 1);
  });
});
