import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Tagwright, TaskType, TeammateRole, type ScaleClient } from '../../src/index.ts';
import { API_KEY, TASK, fakeClient, jsonResponse, type RecordedRequest } from '../helpers/fake-fetch.ts';

interface Expected {
  method: string;
  /** Path after the host, e.g. `/v1/task/abc`. */
  path: string;
  query?: Record<string, string | string[]>;
  body?: unknown;
}

const BASIC = `Basic ${Buffer.from(`${API_KEY}:`).toString('base64')}`;
const t = TASK.task_id;

/** Every SDK method and the request it must send (wire contract sections 4 and 9). */
const cases: Array<[string, (client: Tagwright) => PromiseLike<unknown>, Expected]> = [
  ['createTask', (c) => c.createTask(TaskType.ImageAnnotation, { attachment: 'a.jpg', geometries: { box: { objects_to_annotate: ['cat'] } }, unique_id: 'u1' }),
    { method: 'POST', path: '/v1/task/imageannotation', body: { attachment: 'a.jpg', geometries: { box: { objects_to_annotate: ['cat'] } }, unique_id: 'u1' } }],
  ['getTask', (c) => c.getTask(t), { method: 'GET', path: `/v1/task/${t}` }],
  ['cancelTask', (c) => c.cancelTask(t), { method: 'POST', path: `/v1/task/${t}/cancel`, query: {} }],
  ['cancelTask with clearUniqueId', (c) => c.cancelTask(t, true), { method: 'POST', path: `/v1/task/${t}/cancel`, query: { clear_unique_id: 'true' } }],
  ['auditTask', (c) => c.auditTask(t, false, 'too loose'), { method: 'POST', path: `/v1/task/${t}/audit`, body: { accepted: false, comments: 'too loose' } }],
  ['auditTask without comment', (c) => c.auditTask(t, true), { method: 'POST', path: `/v1/task/${t}/audit`, body: { accepted: true, comments: null } }],
  ['updateTaskUniqueId', (c) => c.updateTaskUniqueId(t, 'u2'), { method: 'POST', path: `/v1/task/${t}/unique_id`, body: { unique_id: 'u2' } }],
  ['clearTaskUniqueId', (c) => c.clearTaskUniqueId(t), { method: 'DELETE', path: `/v1/task/${t}/unique_id` }],
  ['setTaskMetadata', (c) => c.setTaskMetadata(t, { k: 'v' }), { method: 'POST', path: `/v1/task/${t}/setMetadata`, body: { k: 'v' } }],
  ['setTaskTags', (c) => c.setTaskTags(t, ['a', 'b']), { method: 'POST', path: `/v1/task/${t}/tags`, body: ['a', 'b'] }],
  ['addTaskTags', (c) => c.addTaskTags(t, ['c']), { method: 'PUT', path: `/v1/task/${t}/tags`, body: ['c'] }],
  ['deleteTaskTags', (c) => c.deleteTaskTags(t, ['a']), { method: 'DELETE', path: `/v1/task/${t}/tags`, body: ['a'] }],
  ['getTasks', (c) => c.getTasks({
    projectName: 'my project', batchName: 'b/1', taskType: 'imageannotation', status: 'completed', reviewStatus: ['accepted', 'fixed'],
    uniqueId: ['u1', 'u+2'], tags: ['x', 'y'], createdAfter: '2020-09-08', createdBefore: new Date('2021-04-01T00:00:00Z'),
    completedAfter: '2020-01-01', completedBefore: '2020-01-02', updatedAfter: '2020-01-03', updatedBefore: '2020-01-04', limitedResponse: true, limit: 50,
  }), { method: 'GET', path: '/v1/tasks', query: {
    project: 'my project', batch: 'b/1', type: 'imageannotation', status: 'completed', customer_review_status: 'accepted,fixed',
    unique_id: ['u1', 'u+2'], tags: ['x', 'y'], start_time: '2020-09-08', end_time: '2021-04-01T00:00:00.000Z',
    completed_after: '2020-01-01', completed_before: '2020-01-02', updated_after: '2020-01-03', updated_before: '2020-01-04',
    include_attachment_url: 'true', limited_response: 'true', limit: '50',
  } }],
  ['getTasksCount', (c) => c.getTasksCount({ projectName: 'p' }), { method: 'GET', path: '/v1/tasks', query: { project: 'p', limit: '1' } }],
  ['createBatch', (c) => c.createBatch({ project: 'p', batchName: 'b1' }),
    { method: 'POST', path: '/v1/batches', body: { project: 'p', name: 'b1', callback: '', calibration_batch: false, self_label_batch: false, metadata: {} } }],
  ['finalizeBatch', (c) => c.finalizeBatch('b 1/x'), { method: 'POST', path: '/v1/batches/b%201%2Fx/finalize' }],
  ['batchStatus', (c) => c.batchStatus('b+1'), { method: 'GET', path: '/v1/batches/b%2B1/status' }],
  ['getBatch', (c) => c.getBatch('b1'), { method: 'GET', path: '/v1/batches/b1' }],
  ['setBatchMetadata', (c) => c.setBatchMetadata('b1', { a: 1 }), { method: 'POST', path: '/v1/batches/b1/setMetadata', body: { a: 1 } }],
  ['getBatches', (c) => c.getBatches({ projectName: 'p', batchStatus: 'completed', createdAfter: '2020-09-08', excludeArchived: true }),
    { method: 'GET', path: '/v1/batches', query: { project: 'p', status: 'completed', start_time: '2020-09-08', exclude_archived: 'true' } }],
  ['listBatches', (c) => c.listBatches({ limit: 10, offset: 20, detailed: true }), { method: 'GET', path: '/v1/batches', query: { limit: '10', offset: '20', detailed: 'true' } }],
  ['batches.prioritize', (c) => c.batches.prioritize('b1', 30), { method: 'POST', path: '/v1/batches/b1/prioritize', body: { priority: 30 } }],
  ['createProject', (c) => c.createProject({ projectName: 'p', taskType: TaskType.Categorization, params: { instruction: 'x' } }),
    { method: 'POST', path: '/v1/projects', body: { type: 'categorization', name: 'p', rapid: false, studio: false, params: { instruction: 'x' }, datasetId: null } }],
  ['getProject', (c) => c.getProject('my project'), { method: 'GET', path: '/v1/projects/my%20project' }],
  ['getProjects', (c) => c.getProjects(), { method: 'GET', path: '/v1/projects', query: {} }],
  ['updateProject', (c) => c.updateProject('p', { patch: true, instruction: 'new' }), { method: 'POST', path: '/v1/projects/p/setParams', body: { patch: true, instruction: 'new' } }],
  ['getProjectTemplate', (c) => c.getProjectTemplate('p'), { method: 'GET', path: '/v1/projects/p/taskTemplates' }],
  ['importFile', (c) => c.importFile('https://example.com/a.jpg', { projectName: 'p' }), { method: 'POST', path: '/v1/files/import', body: { file_url: 'https://example.com/a.jpg', project_name: 'p' } }],
  ['listTeammates', (c) => c.listTeammates(), { method: 'GET', path: '/v1/teams' }],
  ['inviteTeammates', (c) => c.inviteTeammates(['a@example.com'], TeammateRole.Member), { method: 'POST', path: '/v1/teams/invite', body: { emails: ['a@example.com'], team_role: 'member' } }],
  ['updateTeammatesRole', (c) => c.updateTeammatesRole(['a@example.com'], TeammateRole.Manager), { method: 'POST', path: '/v1/teams/set_role', body: { emails: ['a@example.com'], team_role: 'manager' } }],
  ['listStudioAssignments', (c) => c.listStudioAssignments(), { method: 'GET', path: '/v1/studio/assignments' }],
  ['addStudioAssignments', (c) => c.addStudioAssignments(['a@example.com'], ['p']), { method: 'POST', path: '/v1/studio/assignments/add', body: { emails: ['a@example.com'], projects: ['p'] } }],
  ['removeStudioAssignments', (c) => c.removeStudioAssignments(['a@example.com'], ['p']), { method: 'POST', path: '/v1/studio/assignments/remove', body: { emails: ['a@example.com'], projects: ['p'] } }],
  ['listProjectGroups', (c) => c.listProjectGroups('p 1'), { method: 'GET', path: '/v1/studio/projects/p%201/groups' }],
  ['createProjectGroup', (c) => c.createProjectGroup('p', ['a@example.com'], 'g'), { method: 'POST', path: '/v1/studio/projects/p/groups', body: { emails: ['a@example.com'], name: 'g' } }],
  ['updateProjectGroup', (c) => c.updateProjectGroup('p', 'g/1', ['a@example.com'], ['b@example.com']),
    { method: 'PUT', path: '/v1/studio/projects/p/groups/g%2F1', body: { add_emails: ['a@example.com'], remove_emails: ['b@example.com'] } }],
  ['listStudioBatches', (c) => c.listStudioBatches(), { method: 'GET', path: '/v1/studio/batches' }],
  ['assignStudioBatches', (c) => c.assignStudioBatches('b1', ['g']), { method: 'PUT', path: '/v1/studio/batches/b1', body: { groups: ['g'] } }],
  ['setStudioBatchesPriorities', (c) => c.setStudioBatchesPriorities(['b2', 'b1']), { method: 'POST', path: '/v1/studio/batches/set_priorities', body: { batches: [{ name: 'b2' }, { name: 'b1' }] } }],
  ['resetStudioBatchesPriorities', (c) => c.resetStudioBatchesPriorities(), { method: 'POST', path: '/v1/studio/batches/reset_priorities' }],
  ['createEvaluationTask', (c) => c.createEvaluationTask(TaskType.Categorization, { attachment: 'a', categories: ['x'], expected_response: { category: 'x' } }),
    { method: 'POST', path: '/v1/evaluation_tasks/categorization', body: { attachment: 'a', categories: ['x'], expected_response: { category: 'x' } } }],
  ['createTrainingTask', (c) => c.createTrainingTask(TaskType.Categorization, { attachment: 'a', categories: ['x'] }),
    { method: 'POST', path: '/v1/training_tasks/categorization', body: { attachment: 'a', categories: ['x'] } }],
];

const v2Cases: Array<[string, (client: Tagwright) => PromiseLike<unknown>, Expected]> = [
  ['v2.getTask', (c) => c.v2.getTask(t, { expand: ['project', 'batch'] }), { method: 'GET', path: '/v2/task', query: { task_id: t, expand: ['project', 'batch'] } }],
  ['v2GetTasks', (c) => c.v2GetTasks({ projectName: 'p', status: 'completed', completedAfter: '2024-01-01', limit: 10 }),
    { method: 'GET', path: '/v2/tasks', query: { project_name: 'p', status: 'completed', completed_after: '2024-01-01', limit: '10' } }],
  ['v2.createChatTask', (c) => c.v2.createChatTask({ projectName: 'p', templateVariables: { a: 1 } }), { method: 'POST', path: '/v2/task/chat', body: { project_name: 'p', template_variables: { a: 1 } } }],
  ['v2.setTaskMetadata', (c) => c.v2.setTaskMetadata(t, { a: 1 }, { merge: true }), { method: 'POST', path: '/v2/task/metadata', body: { task_id: t, metadata: { a: 1 }, merge: true } }],
  ['v2.getBatch', (c) => c.v2.getBatch({ batchName: 'b1' }), { method: 'GET', path: '/v2/batch', query: { batch_name: 'b1' } }],
  ['v2.getBatches', (c) => c.v2.getBatches({ projectId: 'p1', status: 'paused' }), { method: 'GET', path: '/v2/batches', query: { project_id: 'p1', status: 'paused' } }],
  ['v2.createBatch', (c) => c.v2.createBatch({ name: 'b', projectName: 'p', stagingBatch: true }), { method: 'POST', path: '/v2/batch', body: { name: 'b', staging_batch: true, project_name: 'p' } }],
  ['v2.finalizeBatch', (c) => c.v2.finalizeBatch({ batchId: 'b1' }), { method: 'POST', path: '/v2/batch/finalize', body: { batch_id: 'b1' } }],
  ['v2.pauseBatch', (c) => c.v2.pauseBatch({ batchName: 'b' }), { method: 'POST', path: '/v2/batch/pause', body: { batch_name: 'b' } }],
  ['v2.resumeBatch', (c) => c.v2.resumeBatch({ batchName: 'b' }), { method: 'POST', path: '/v2/batch/resume', body: { batch_name: 'b' } }],
  ['v2.cancelBatch', (c) => c.v2.cancelBatch({ batchName: 'b' }), { method: 'POST', path: '/v2/batch/cancel', body: { batch_name: 'b' } }],
  ['v2.setBatchMetadata', (c) => c.v2.setBatchMetadata({ batchName: 'b' }, { k: 1 }), { method: 'POST', path: '/v2/batch/metadata', body: { batch_name: 'b', metadata: { k: 1 }, merge: false } }],
  ['v2.getProject', (c) => c.v2.getProject({ projectName: 'p' }), { method: 'GET', path: '/v2/project', query: { project_name: 'p' } }],
  ['v2.getProjects', (c) => c.v2.getProjects(), { method: 'GET', path: '/v2/projects', query: {} }],
  ['v2.getAnnotation', (c) => c.v2.getAnnotation('an1'), { method: 'GET', path: '/v2/annotation', query: { annotation_id: 'an1' } }],
  ['v2.getDeliveries', (c) => c.v2.getDeliveries({ projectName: 'p' }), { method: 'GET', path: '/v2/deliveries', query: { project_name: 'p' } }],
  ['v2.getDelivery', (c) => c.v2.getDelivery({ deliveryId: 'd1' }), { method: 'GET', path: '/v2/delivery', query: { delivery_id: 'd1' } }],
  ['v2.getDeliveredTasks', (c) => c.v2.getDeliveredTasks({ deliveryId: 'd1' }), { method: 'GET', path: '/v2/delivery/tasks', query: { delivery_id: 'd1' } }],
  ['v2.getDatasets', (c) => c.v2.getDatasets(), { method: 'GET', path: '/v2/datasets' }],
  ['v2.getDatasetDeliveries', (c) => c.v2.getDatasetDeliveries({ datasetId: 'ds' }), { method: 'GET', path: '/v2/datasets/deliveries', query: { dataset_id: 'ds' } }],
  ['v2.getDatasetDelivery', (c) => c.v2.getDatasetDelivery({ deliveryId: 'd' }), { method: 'GET', path: '/v2/datasets/delivery', query: { delivery_id: 'd' } }],
  ['v2.getDatasetTask', (c) => c.v2.getDatasetTask('dt'), { method: 'GET', path: '/v2/datasets/task', query: { task_id: 'dt' } }],
  ['v2.getDatasetTasks', (c) => c.v2.getDatasetTasks({ datasetId: 'ds' }), { method: 'GET', path: '/v2/datasets/tasks', query: { dataset_id: 'ds' } }],
  ['v2.getSchema', (c) => c.v2.getSchema('s1'), { method: 'GET', path: '/v2/schema', query: { schema_id: 's1' } }],
];

function queryOf(request: RecordedRequest): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const key of new Set(request.url.searchParams.keys())) {
    const values = request.url.searchParams.getAll(key);
    query[key] = values.length === 1 ? values[0] : values;
  }
  return query;
}

function answer(request: RecordedRequest): Response {
  if (request.url.pathname === '/v1/tasks') return jsonResponse({ docs: [], total: 7, limit: 1, offset: 0, has_more: false, next_token: null });
  return jsonResponse({ ...TASK });
}

describe('request mapping of every method', () => {
  for (const [name, call, expected] of [...cases, ...v2Cases]) {
    it(`${name} sends ${expected.method} ${expected.path}`, async () => {
      const { client, requests } = fakeClient(answer);
      await call(client);
      assert.equal(requests.length, 1);
      const [request] = requests;
      assert.equal(request.method, expected.method);
      assert.equal(request.url.pathname, expected.path);
      if (expected.query) assert.deepEqual(queryOf(request), expected.query);
      assert.deepEqual(request.json, expected.body);
      const v2 = expected.path.startsWith('/v2/');
      assert.equal(request.headers.get('authorization'), v2 ? `Bearer ${API_KEY}` : BASIC);
      assert.equal(request.headers.get('content-type'), expected.body === undefined ? null : 'application/json');
    });
  }

  it('getTasksCount resolves with the total of the list envelope', async () => {
    const { client } = fakeClient(answer);
    assert.equal(await client.getTasksCount(), 7);
  });

  it('uploadFile sends multipart with the text fields and the file part named file', async () => {
    const { client, requests } = fakeClient(() => jsonResponse({ id: 'f1', attachment_url: 'tagwright://files/f1' }));
    const file = await client.uploadFile(new Uint8Array([1, 2, 3]), { projectName: 'p', displayName: 'Pic' });
    assert.equal(file.attachment_url, 'tagwright://files/f1');
    const [request] = requests;
    assert.equal(request.url.pathname, '/v1/files/upload');
    assert.match(request.headers.get('content-type') ?? '', /^multipart\/form-data; boundary=/);
    assert.deepEqual([...request.form!.keys()], ['project_name', 'display_name', 'file']);
    const part = request.form!.get('file') as File;
    assert.equal(part.name, 'file');
    assert.deepEqual(new Uint8Array(await part.arrayBuffer()), new Uint8Array([1, 2, 3]));
  });

  it('getDatasetTaskResponseUrl resolves with the Location of the redirect', async () => {
    const { client, requests } = fakeClient(() => new Response(null, { status: 302, headers: { location: 'https://files.example/x' } }));
    assert.equal(await client.v2.getDatasetTaskResponseUrl('t1', 'a/1'), 'https://files.example/x');
    assert.equal(requests[0].url.pathname, '/v2/datasets/task/t1/response_url/a%2F1');
  });
});

describe('client construction', () => {
  it('defaults to Scale\'s own v1 URL and derives the v2 host from the base URL', async () => {
    const seen: string[] = [];
    const fetch = (async (url: string) => {
      seen.push(String(url));
      return jsonResponse({ projects: [] });
    }) as typeof globalThis.fetch;
    await new Tagwright({ apiKey: API_KEY, fetch }).getProjects();
    await new Tagwright({ apiKey: API_KEY, fetch }).v2.getProjects();
    await new Tagwright(API_KEY, { baseUrl: 'http://localhost:8080/v1/', fetch }).v2.getProjects();
    await new Tagwright(API_KEY, { baseUrl: 'http://localhost:8080/v1/', fetch }).getProjects();
    assert.deepEqual(seen, [
      'https://api.scale.com/v1/projects',
      'https://api.scale.com/v2/projects',
      'http://localhost:8080/v2/projects',
      'http://localhost:8080/v1/projects',
    ]);
  });

  it('is also exported under the Python name ScaleClient and sends a product User-Agent', async () => {
    const { ScaleClient } = await import('../../src/index.ts');
    const { client, requests } = fakeClient(answer, { source: 'my-app' });
    const ported: ScaleClient = client;
    assert.equal(ScaleClient, Tagwright);
    await ported.getTask(t);
    assert.match(requests[0].headers.get('user-agent') ?? '', /^tagwright-sdk\/\d+\.\d+\.\d+ Node\/\d+.* my-app$/);
  });

  it('refuses to start without an API key', () => {
    const saved = process.env.TAGWRIGHT_API_KEY;
    delete process.env.TAGWRIGHT_API_KEY;
    try {
      assert.throws(() => new Tagwright({}), /API key/);
    } finally {
      if (saved !== undefined) process.env.TAGWRIGHT_API_KEY = saved;
    }
  });

  it('types task parameters per task type', () => {
    const { client } = fakeClient(answer);
    const typed = () => {
      // @ts-expect-error imageannotation requires geometries
      void client.createTask(TaskType.ImageAnnotation, { attachment: 'a.jpg' });
      // @ts-expect-error priority is 10, 20 or 30
      void client.createTask('anything', { priority: 15 });
    };
    assert.equal(typeof typed, 'function');
  });
});
