import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.ts';
import { useTestServer, TEST_KEY } from '../helpers/server.ts';
import { LABELABLE_TASK_TYPES } from '../../src/families/index.ts';
import { ALL_TYPES, createBatch, createProject, createTask, unique, validBody } from './helpers.ts';

describeEachDatabase('POST task/{type}', (dialect) => {
  const server = useTestServer(dialect);

  it('creates a live task of every labelable type, and answers 402 listing them for every other type', async () => {
    for (const type of ALL_TYPES) {
      const response = await server.current.request('POST', `/v1/task/${type}`, { body: validBody(type) });
      if (!LABELABLE_TASK_TYPES.includes(type)) {
        assert.equal(response.status, 402, `${type}: ${response.text}`);
        assert.equal(response.body.status_code, 402);
        assert.match(response.body.error, new RegExp(`"${type}" is not enabled`));
        assert.match(response.body.error, /imageannotation, annotation, polygonannotation/);
        continue;
      }
      assert.equal(response.status, 200, `${type}: ${response.text}`);
      assert.equal(response.body.type, type);
      assert.equal(response.body.status, 'pending');
      assert.match(response.body.task_id, /^[0-9a-f]{24}$/);
    }
  });

  it('creates a test-mode task of every type in the contract enum, answered pending as created', async () => {
    for (const type of ALL_TYPES) {
      const response = await server.current.request('POST', `/v1/task/${type}`, { key: TEST_KEY, body: validBody(type) });
      assert.equal(response.status, 200, `${type}: ${response.text}`);
      assert.equal(response.body.type, type);
      assert.equal(response.body.status, 'pending');
    }
  });

  it('answers an unknown task type with 400 naming the type', async () => {
    const response = await server.current.request('POST', '/v1/task/boxdrawing', { body: validBody('imageannotation') });
    assert.equal(response.status, 400);
    assert.equal(response.body.status_code, 400);
    assert.match(response.body.error, /boxdrawing/);
  });

  it('serves task creation at the root as well as under /v1', async () => {
    const response = await server.current.request('POST', '/task/categorization', { body: validBody('categorization') });
    assert.equal(response.status, 200);
    const again = await server.current.request('GET', `//task/${response.body.task_id}`);
    assert.equal(again.status, 200);
  });

  it('requires an attachment on attachment-based types with the contract message', async () => {
    for (const type of ['documentmodel', 'videoannotation', 'lidarannotation', 'imageannotation', 'documenttranscription']) {
      const { attachment: _a, ...rest } = validBody(type);
      const response = await server.current.request('POST', `/v1/task/${type}`, { body: rest });
      assert.equal(response.status, 400, type);
      assert.equal(response.body.error, 'Please provide an attachment or attachments parameter.');
    }
    const emptyList = await server.current.request('POST', '/v1/task/videoannotation', { body: { attachments: [] } });
    assert.equal(emptyList.status, 400);
    const several = await server.current.request('POST', '/v1/task/videoannotation', { body: { attachments: ['https://a/1.jpg', 'https://a/2.jpg'], geometries: { box: { objects_to_annotate: ['car'] } } } });
    assert.equal(several.status, 200);
  });

  it('accepts chat-family tasks with no parameters at all', async () => {
    const response = await server.current.request('POST', '/v1/task/chat', { key: TEST_KEY, headers: { 'content-type': 'application/json' } });
    assert.equal(response.status, 200, response.text);
    assert.deepEqual(response.body.params, {});
  });

  it('rejects workbench tasks that cannot be labeled, naming the field', async () => {
    const cases: Array<[string, Record<string, unknown>, RegExp]> = [
      ['imageannotation', { attachment: 'https://a/1.jpg' }, /'geometries'/],
      ['imageannotation', { attachment: 'https://a/1.jpg', geometries: {} }, /'geometries'/],
      ['imageannotation', { attachment: 'https://a/1.jpg', geometries: { blob: { objects_to_annotate: ['a'] } } }, /blob/],
      ['imageannotation', { attachment: 'https://a/1.jpg', geometries: { box: { objects_to_annotate: [] } } }, /geometries\.box\.objects_to_annotate/],
      ['imageannotation', { attachment: 'https://a/1.jpg', geometries: { polygon: { objects_to_annotate: [3] } } }, /geometries\.polygon\.objects_to_annotate\[0\]/],
      ['annotation', { attachment: 'https://a/1.jpg' }, /'objects_to_annotate'/],
      ['polygonannotation', { attachment: 'https://a/1.jpg', objects_to_annotate: 'car' }, /'objects_to_annotate'/],
      ['lineannotation', { attachment: 'https://a/1.jpg' }, /'objects_to_annotate'/],
      ['pointannotation', { attachment: 'https://a/1.jpg' }, /'objects_to_annotate'/],
      ['segmentannotation', { attachment: 'https://a/1.jpg' }, /'labels'/],
      ['categorization', { attachment: 'https://a/1.jpg' }, /'categories'/],
      ['categorization', { attachment: 'https://a/1.jpg', categories: [] }, /'categories'/],
      ['textcollection', { attachments: [{ type: 'text', content: 'x' }] }, /'fields'/],
      ['textcollection', { attachments: [{ type: 'text', content: 'x' }], fields: [{ type: 'text' }] }, /'fields\[0\]'/],
      ['datacollection', { attachment: 'https://a/1.jpg', fields: [] }, /'fields'/],
      ['transcription', { attachment: 'https://a/1.jpg' }, /'fields'/],
      ['comparison', { attachments: ['https://a/1.jpg'], choices: ['a'] }, /'attachments'/],
      ['comparison', { attachments: ['https://a/1.jpg', 'https://a/2.jpg'] }, /'fields' or 'choices'/],
      ['namedentityrecognition', { labels: ['PER'] }, /'text'/],
      ['namedentityrecognition', { text: 'x' }, /'labels'/],
      ['documentmodel', { attachment: 5 }, /'attachment'/],
      ['documentmodel', { attachments: 'https://a/1.jpg' }, /'attachments'/],
      ['documentmodel', { attachment: 'https://a/1.jpg', attachment_type: 7 }, /'attachment_type'/],
      ['documentmodel', { attachment: 'https://a/1.jpg', hypothesis: [1] }, /'hypothesis'/],
    ];
    for (const [type, body, message] of cases) {
      const response = await server.current.request('POST', `/v1/task/${type}`, { body });
      assert.equal(response.status, 400, `${type} ${JSON.stringify(body)}: ${response.text}`);
      assert.match(response.body.error, message, `${type} ${JSON.stringify(body)}`);
    }
  });

  it('returns a new task with metadata {}, no tags key, params as sent and unknown fields kept in params', async () => {
    const body = {
      ...validBody('imageannotation'),
      custom_flag: 'yes',
      nested: { deep: [1, '2', null] },
      min_width: '30',
      hypothesis: { annotations: [] },
    };
    const created = await createTask(server.current, 'imageannotation', body);
    assert.deepEqual(created.metadata, {});
    assert.equal('tags' in created, false);
    assert.equal('unique_id' in created, false);
    assert.equal('batch' in created, false);
    assert.equal('completed_at' in created, false);
    assert.equal('response' in created, false);
    assert.equal('callback_succeeded' in created, false);
    for (const value of Object.values(created)) assert.notEqual(value, null);
    assert.deepEqual(created.params, body);
    assert.equal(created.params.min_width, '30');
    assert.match(created.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.equal(created.updated_at, created.created_at);

    const read = await server.current.request('GET', `/v1/task/${created.task_id}`);
    assert.equal(read.status, 200);
    assert.deepEqual(read.body, created);
  });

  it('stores the common fields at the top level and not in params', async () => {
    const project = await createProject(server.current, { name: unique('common') });
    const created = await createTask(server.current, 'imageannotation', {
      project: project.name,
      callback_url: 'https://receiver.example/scale',
      instruction: 'Box every car.',
      unique_id: unique('uid'),
      metadata: { source: 's3' },
      tags: ['b', 'a', 'b'],
      priority: '20',
    });
    assert.equal(created.project, project.name);
    assert.equal(created.callback_url, 'https://receiver.example/scale');
    assert.equal(created.instruction, 'Box every car.');
    assert.deepEqual(created.metadata, { source: 's3' });
    assert.deepEqual(created.tags, ['b', 'a']);
    assert.equal(created.priority, 20);
    for (const key of ['project', 'callback_url', 'instruction', 'unique_id', 'metadata', 'tags', 'priority']) assert.equal(key in created.params, false, key);
    const tagged = await server.current.request('GET', `/v1/tasks?tags=a&project=${encodeURIComponent(project.name)}`);
    assert.deepEqual(tagged.body.docs.map((doc: any) => doc.task_id), [created.task_id]);
  });

  it('accepts an email address as callback_url and rejects malformed targets with 400', async () => {
    const email = await createTask(server.current, 'categorization', { callback_url: 'ops@example.com' });
    assert.equal(email.callback_url, 'ops@example.com');
    for (const bad of ['not a url', 'ftp://example.com/x', 'http://', 'a@b@c', 42]) {
      const response = await server.current.request('POST', '/v1/task/categorization', { body: { ...validBody('categorization'), callback_url: bad } });
      assert.equal(response.status, 400, String(bad));
      assert.match(response.body.error, /callback_url/);
    }
  });

  it('rejects a priority other than 10, 20 or 30, a non-object metadata and non-string tags', async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ priority: 15 }, /'priority'/],
      [{ priority: 'high' }, /'priority'/],
      [{ metadata: [1] }, /'metadata'/],
      [{ metadata: 'x' }, /'metadata'/],
      [{ tags: 'a' }, /'tags'/],
      [{ tags: [1] }, /'tags'/],
      [{ unique_id: '' }, /'unique_id'/],
      [{ unique_id: 5 }, /'unique_id'/],
      [{ project: 5 }, /'project'/],
      [{ project_version: 'x' }, /'project_version'/],
      [{ instruction: ['x'] }, /'instruction'/],
    ];
    for (const [extra, message] of cases) {
      const response = await server.current.request('POST', '/v1/task/categorization', { body: { ...validBody('categorization'), ...extra } });
      assert.equal(response.status, 400, JSON.stringify(extra));
      assert.match(response.body.error, message, JSON.stringify(extra));
    }
  });

  it('answers 400, never 409, for a body that is not a JSON object', async () => {
    for (const rawBody of ['[]', '[{"unique_id":"x"}]', '"text"', '{not json']) {
      const response = await server.current.request('POST', '/v1/task/categorization', { rawBody, headers: { 'content-type': 'application/json' } });
      assert.equal(response.status, 400, rawBody);
      assert.equal(response.body.status_code, 400);
    }
  });

  it('uses the account default callback URL when the task names none', async () => {
    const { db } = server.current.server.services;
    const other = await server.current.createAccount();
    await db.kysely.updateTable('accounts').set({ default_callback_url: 'https://default.example/cb' }).where('id', '=', other.accountId).execute();
    const created = await createTask(server.current, 'categorization', {}, { key: other.liveKey });
    assert.equal(created.callback_url, 'https://default.example/cb');
    const explicit = await createTask(server.current, 'categorization', { callback_url: 'https://mine.example/cb' }, { key: other.liveKey });
    assert.equal(explicit.callback_url, 'https://mine.example/cb');
  });
});

describeEachDatabase('Task project and batch resolution', (dialect) => {
  const server = useTestServer(dialect, { TAGWRIGHT_DEFAULT_PROJECT: 'catch-all' });

  it('creates the default project on first use with the first task type, and it then accepts every type', async () => {
    const other = await server.current.createAccount();
    const first = await createTask(server.current, 'categorization', {}, { key: other.liveKey });
    assert.equal(first.project, 'catch-all');
    const project = await server.current.request('GET', '/v1/projects/catch-all', { key: other.liveKey });
    assert.equal(project.status, 200);
    assert.equal(project.body.type, 'categorization');
    const second = await createTask(server.current, 'imageannotation', {}, { key: other.liveKey });
    assert.equal(second.project, 'catch-all');
    const explicit = await createTask(server.current, 'transcription', { project: 'catch-all' }, { key: other.liveKey });
    assert.equal(explicit.project, 'catch-all');
  });

  it('creates exactly one default project when first tasks arrive concurrently', async () => {
    const other = await server.current.createAccount();
    const responses = await Promise.all(
      Array.from({ length: 8 }, () => server.current.request('POST', '/v1/task/categorization', { key: other.liveKey, body: validBody('categorization') })),
    );
    assert.deepEqual(responses.map((response) => response.status), Array(8).fill(200));
    const projects = await server.current.request('GET', '/v1/projects', { key: other.liveKey });
    assert.equal(projects.body.filter((project: any) => project.name === 'catch-all').length, 1);
  });

  it('places a task with only a batch in the batch project', async () => {
    const project = await createProject(server.current, { name: unique('p'), type: 'categorization' });
    const batch = await createBatch(server.current, project.name, unique('b'));
    const created = await createTask(server.current, 'categorization', { batch: batch.name });
    assert.equal(created.project, project.name);
    assert.equal(created.batch, batch.name);
  });

  it('answers 400 for an unknown project or batch, a batch of another project, and a project of another type', async () => {
    const project = await createProject(server.current, { name: unique('p'), type: 'categorization' });
    const otherProject = await createProject(server.current, { name: unique('p'), type: 'categorization' });
    const batch = await createBatch(server.current, otherProject.name, unique('b'));
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ project: 'no-such-project' }, /'project'.*no-such-project/],
      [{ batch: 'no-such-batch' }, /'batch'.*no-such-batch/],
      [{ project: project.name, batch: batch.name }, /'batch'/],
    ];
    for (const [extra, message] of cases) {
      const response = await server.current.request('POST', '/v1/task/categorization', { body: { ...validBody('categorization'), ...extra } });
      assert.equal(response.status, 400, JSON.stringify(extra));
      assert.match(response.body.error, message);
    }
    const wrongType = await server.current.request('POST', '/v1/task/imageannotation', { body: { ...validBody('imageannotation'), project: project.name } });
    assert.equal(wrongType.status, 400);
    assert.match(wrongType.body.error, /categorization/);
  });

  it('does not see projects and batches of another account or environment', async () => {
    const project = await createProject(server.current, { name: unique('p'), type: 'categorization' });
    const other = await server.current.createAccount();
    const foreign = await server.current.request('POST', '/v1/task/categorization', { key: other.liveKey, body: { ...validBody('categorization'), project: project.name } });
    assert.equal(foreign.status, 400);
    const testMode = await server.current.request('POST', '/v1/task/categorization', { key: TEST_KEY, body: { ...validBody('categorization'), project: project.name } });
    assert.equal(testMode.status, 400);
  });

  it('refuses tasks in a cancelled batch', async () => {
    const project = await createProject(server.current, { name: unique('p'), type: 'categorization' });
    const batch = await createBatch(server.current, project.name, unique('b'));
    const { db } = server.current.server.services;
    await db.kysely.updateTable('batches').set({ status: 'cancelled' }).where('id', '=', batch.id).execute();
    const response = await server.current.request('POST', '/v1/task/categorization', { body: { ...validBody('categorization'), batch: batch.name } });
    assert.equal(response.status, 400);
    assert.match(response.body.error, /cancelled/);
  });

  it('accepts tasks in a staging Studio batch but not once it is finalized', async () => {
    const project = await createProject(server.current, { name: unique('studio'), type: 'categorization', studio: true });
    const batch = await createBatch(server.current, project.name, unique('b'));
    assert.equal(batch.status, 'staging');
    await createTask(server.current, 'categorization', { batch: batch.name });
    const finalized = await server.current.request('POST', `/v1/batches/${encodeURIComponent(batch.name)}/finalize`, { headers: { 'content-type': 'application/json' } });
    assert.equal(finalized.body.status, 'in_progress');
    const late = await server.current.request('POST', '/v1/task/categorization', { body: { ...validBody('categorization'), batch: batch.name } });
    assert.equal(late.status, 400);
    assert.match(late.body.error, /staging/);
  });

  it('accepts tasks in a Rapid batch only while it is staging', async () => {
    const project = await createProject(server.current, { name: unique('rapid'), type: 'categorization', rapid: true });
    const batch = await createBatch(server.current, project.name, unique('b'));
    await createTask(server.current, 'categorization', { batch: batch.name });
    await server.current.request('POST', `/v1/batches/${encodeURIComponent(batch.name)}/finalize`);
    const late = await server.current.request('POST', '/v1/task/categorization', { body: { ...validBody('categorization'), batch: batch.name } });
    assert.equal(late.status, 400);
  });

  it('reopens a completed batch of a standard project when a task is added', async () => {
    const project = await createProject(server.current, { name: unique('p'), type: 'categorization' });
    const batch = await createBatch(server.current, project.name, unique('b'));
    const task = await createTask(server.current, 'categorization', { batch: batch.name });
    const canceled = await server.current.request('POST', `/v1/task/${task.task_id}/cancel`);
    assert.equal(canceled.status, 200);
    const completed = await server.current.request('GET', `/v1/batches/${encodeURIComponent(batch.name)}`);
    assert.equal(completed.body.status, 'completed');
    assert.ok(completed.body.completed_at);
    await createTask(server.current, 'categorization', { batch: batch.name });
    const reopened = await server.current.request('GET', `/v1/batches/${encodeURIComponent(batch.name)}`);
    assert.equal(reopened.body.status, 'in_progress');
    assert.equal('completed_at' in reopened.body, false);
  });
});

describeEachDatabase('Project parameter inheritance', (dialect) => {
  const server = useTestServer(dialect);

  async function projectWithHistory() {
    const name = unique('inherit');
    await createProject(server.current, {
      name,
      type: 'imageannotation',
      params: { instruction: 'Project v0 rules.', geometries: { box: { objects_to_annotate: ['v0'] } }, with_labels: true },
    });
    const v1 = await server.current.request('POST', `/v1/projects/${encodeURIComponent(name)}/setParams`, {
      body: { instruction: 'Project v1 rules.', geometries: { polygon: { objects_to_annotate: ['v1'] } }, callback_url: 'https://project.example/cb' },
    });
    assert.equal(v1.status, 200, v1.text);
    const v2 = await server.current.request('POST', `/v1/projects/${encodeURIComponent(name)}/setParams`, {
      body: { patch: 'true', priority: 30, instruction: 'Project v2 rules.' },
    });
    assert.equal(v2.status, 200, v2.text);
    return name;
  }

  it('inherits the latest version, appends the project instruction after a blank line, and records the version', async () => {
    const project = await projectWithHistory();
    const created = await createTask(server.current, 'imageannotation', { project, attachment: 'https://a/1.jpg', geometries: undefined, instruction: 'Task rules.' });
    assert.equal(created.instruction, 'Task rules.\n\nProject v2 rules.');
    assert.equal(created.project_param_version, 2);
    // v2 was a patch over v1: geometries and callback_url come from v1, priority from v2.
    assert.deepEqual(created.params.geometries, { polygon: { objects_to_annotate: ['v1'] } });
    assert.equal(created.callback_url, 'https://project.example/cb');
    assert.equal(created.priority, 30);
    assert.equal('version' in created.params, false);
    assert.equal('created_at' in created.params, false);
    assert.equal('instruction' in created.params, false);
  });

  it('lets task values win over project values and uses the project instruction alone when the task has none', async () => {
    const project = await projectWithHistory();
    const created = await createTask(server.current, 'imageannotation', {
      project,
      geometries: { box: { objects_to_annotate: ['mine'] } },
      priority: 10,
    });
    assert.deepEqual(created.params.geometries, { box: { objects_to_annotate: ['mine'] } });
    assert.equal(created.priority, 10);
    assert.equal(created.instruction, 'Project v2 rules.');
  });

  it('selects a version with project_version N and answers 400 for a version that does not exist', async () => {
    const project = await projectWithHistory();
    const created = await createTask(server.current, 'imageannotation', { project, geometries: undefined, project_version: 0 });
    assert.equal(created.project_param_version, 0);
    assert.equal(created.instruction, 'Project v0 rules.');
    assert.deepEqual(created.params.geometries, { box: { objects_to_annotate: ['v0'] } });
    assert.equal(created.params.with_labels, true);
    assert.equal('project_version' in created.params, false);
    const missing = await server.current.request('POST', '/v1/task/imageannotation', { body: { ...validBody('imageannotation'), project, project_version: 7 } });
    assert.equal(missing.status, 400);
    assert.match(missing.body.error, /project_version/);
  });

  it('skips inheritance with project_version -1 and then validates the task alone', async () => {
    const project = await projectWithHistory();
    const created = await createTask(server.current, 'imageannotation', { project, project_version: '-1', instruction: 'Only mine.' });
    assert.equal(created.instruction, 'Only mine.');
    assert.equal('project_param_version' in created, false);
    assert.equal('callback_url' in created, false);
    assert.equal('priority' in created, false);
    const invalid = await server.current.request('POST', '/v1/task/imageannotation', { body: { project, project_version: -1, attachment: 'https://a/1.jpg' } });
    assert.equal(invalid.status, 400);
    assert.match(invalid.body.error, /geometries/);
  });

  it('validates the merged result, so a project can supply required parameters', async () => {
    const project = await projectWithHistory();
    const response = await server.current.request('POST', '/v1/task/imageannotation', { body: { project, attachment: 'https://a/1.jpg' } });
    assert.equal(response.status, 200, response.text);
    assert.deepEqual(response.body.params.geometries, { polygon: { objects_to_annotate: ['v1'] } });
  });

  it('omits project_param_version when the project has no parameters', async () => {
    const project = await createProject(server.current, { name: unique('bare'), type: 'imageannotation' });
    const created = await createTask(server.current, 'imageannotation', { project: project.name });
    assert.equal('project_param_version' in created, false);
    assert.equal('instruction' in created, false);
  });

  it('never changes existing tasks when the project parameters change', async () => {
    const project = await projectWithHistory();
    const created = await createTask(server.current, 'imageannotation', { project, geometries: undefined });
    await server.current.request('POST', `/v1/projects/${encodeURIComponent(project)}/setParams`, { body: { instruction: 'v3', geometries: { point: { objects_to_annotate: ['p'] } } } });
    const read = await server.current.request('GET', `/v1/task/${created.task_id}`);
    assert.deepEqual(read.body, created);
  });
});
