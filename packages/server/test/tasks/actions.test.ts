import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, it } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.ts';
import { useTestServer, TEST_KEY } from '../helpers/server.ts';
import { createBatch, createProject, createTask, liveCaller, outboxFor, unique, validBody } from './helpers.ts';

const empty = { headers: { 'content-type': 'application/json', 'content-length': '0' } };

describeEachDatabase('Task actions', (dialect) => {
  const server = useTestServer(dialect);

  async function complete(taskId: string, response: unknown = { annotations: [] }) {
    const { db, tasks, taskLifecycle } = server.current.server.services;
    const task = await tasks.get(await liveCaller(server.current), taskId);
    return taskLifecycle.transaction(db.kysely, (trx) => taskLifecycle.completeTask(trx, task, response));
  }

  it('cancels a pending task that has not started, and returns an already canceled task unchanged', async () => {
    const task = await createTask(server.current, 'categorization');
    const canceled = await server.current.request('POST', `/v1/task/${task.task_id}/cancel`, empty);
    assert.equal(canceled.status, 200);
    assert.equal(canceled.body.status, 'canceled');
    assert.ok(canceled.body.updated_at >= task.updated_at);
    assert.equal(canceled.body.unique_id, undefined);
    const again = await server.current.request('POST', `/task/${task.task_id}/cancel`, empty);
    assert.equal(again.status, 200);
    assert.deepEqual(again.body, canceled.body);
    const read = await server.current.request('GET', `/v1/task/${task.task_id}`);
    assert.deepEqual(read.body, canceled.body);
  });

  it('clears the unique_id while cancelling with clear_unique_id=true (lenient boolean), freeing it at once', async () => {
    for (const flag of ['true', 'True', '1']) {
      const uniqueId = unique('cancel');
      const task = await createTask(server.current, 'categorization', { unique_id: uniqueId });
      const canceled = await server.current.request('POST', `/v1/task/${task.task_id}/cancel?clear_unique_id=${flag}`, empty);
      assert.equal(canceled.status, 200);
      assert.equal('unique_id' in canceled.body, false);
      await createTask(server.current, 'categorization', { unique_id: uniqueId });
    }
    const kept = await createTask(server.current, 'categorization', { unique_id: unique('keep') });
    const canceled = await server.current.request('POST', `/v1/task/${kept.task_id}/cancel?clear_unique_id=False`, empty);
    assert.equal(canceled.body.unique_id, kept.unique_id);
    const bad = await server.current.request('POST', `/v1/task/${kept.task_id}/cancel?clear_unique_id=perhaps`, empty);
    assert.equal(bad.status, 400);
  });

  it('refuses to cancel a completed task, or one a labeler has started, with 400 (never 409)', async () => {
    const task = await createTask(server.current, 'categorization');
    await complete(task.task_id, { category: 'cat' });
    const response = await server.current.request('POST', `/v1/task/${task.task_id}/cancel`, empty);
    assert.equal(response.status, 400);
    assert.match(response.body.error, /completed/);

    const started = await createTask(server.current, 'categorization');
    const { db, tasks, taskLifecycle } = server.current.server.services;
    const row = await tasks.get(await liveCaller(server.current), started.task_id);
    await taskLifecycle.transaction(db.kysely, (trx) => taskLifecycle.setWorkState(trx, row, 'in_progress'));
    const refused = await server.current.request('POST', `/v1/task/${started.task_id}/cancel`, empty);
    assert.equal(refused.status, 400);
    assert.match(refused.body.error, /started/);
    const unchanged = await server.current.request('GET', `/v1/task/${started.task_id}`);
    assert.equal(unchanged.body.status, 'pending');
    assert.equal(unchanged.body.updated_at, started.updated_at);
  });

  it('audits only completed tasks: accepted and rejected, comments appended, audits entries added', async () => {
    const pending = await createTask(server.current, 'categorization');
    const early = await server.current.request('POST', `/v1/task/${pending.task_id}/audit`, { body: { accepted: true } });
    assert.equal(early.status, 400);
    assert.match(early.body.error, /completed/);

    const task = await createTask(server.current, 'categorization');
    await complete(task.task_id, { category: 'cat' });
    const accepted = await server.current.request('POST', `/v1/task/${task.task_id}/audit`, { body: { accepted: true, comments: null } });
    assert.equal(accepted.status, 200);
    assert.equal(accepted.body.task_id, task.task_id);
    assert.equal(accepted.body.customer_review_status, 'accepted');
    assert.equal('customer_review_comments' in accepted.body, false);
    assert.equal(accepted.body.audits.length, 1);
    const entry = accepted.body.audits[0];
    assert.equal(entry.audit_result, 'accepted');
    assert.equal(entry.audit_source, 'customer');
    assert.equal(entry.audit_time_secs, 0);
    assert.equal(typeof entry.audited_by, 'string');
    assert.match(entry.audited_at, /Z$/);
    assert.equal('comments' in entry, false);

    const rejected = await server.current.request('POST', `/v1/task/${task.task_id}/audit`, { body: { accepted: 'false', comments: 'Wrong category' } });
    assert.equal(rejected.body.customer_review_status, 'rejected');
    assert.deepEqual(rejected.body.customer_review_comments, ['Wrong category']);
    const third = await server.current.request('POST', `/v1/task/${task.task_id}/audit`, { body: { accepted: true, comments: 'Fixed now' } });
    assert.deepEqual(third.body.customer_review_comments, ['Wrong category', 'Fixed now']);
    assert.deepEqual(third.body.audits.map((audit: any) => audit.audit_result), ['accepted', 'rejected', 'accepted']);
    assert.equal(third.body.audits[2].comments, 'Fixed now');

    for (const body of [{}, { accepted: 'maybe' }, { accepted: true, comments: 5 }]) {
      const response = await server.current.request('POST', `/v1/task/${task.task_id}/audit`, { body });
      assert.equal(response.status, 400, JSON.stringify(body));
      assert.match(response.body.error, /accepted|comments/);
    }
  });

  it('replaces metadata as a whole with setMetadata; an empty body means {}', async () => {
    const task = await createTask(server.current, 'categorization', { metadata: { a: 1, b: 2 } });
    const replaced = await server.current.request('POST', `/v1/task/${task.task_id}/setMetadata`, { body: { c: { d: [1] } } });
    assert.equal(replaced.status, 200);
    assert.deepEqual(replaced.body.metadata, { c: { d: [1] } });
    assert.ok(replaced.body.updated_at >= task.updated_at);
    const cleared = await server.current.request('POST', `/v1/task/${task.task_id}/setMetadata`, empty);
    assert.equal(cleared.status, 200);
    assert.deepEqual(cleared.body.metadata, {});
    for (const rawBody of ['[1]', '"x"']) {
      const response = await server.current.request('POST', `/v1/task/${task.task_id}/setMetadata`, { rawBody, headers: { 'content-type': 'application/json' } });
      assert.equal(response.status, 400, rawBody);
    }
    const read = await server.current.request('GET', `/v1/task/${task.task_id}`);
    assert.deepEqual(read.body.metadata, {});
  });

  it('sets, adds and removes tags with bare arrays on POST, PUT and DELETE, deduplicating and keeping order', async () => {
    const task = await createTask(server.current, 'categorization');
    assert.equal('tags' in task, false);
    const set = await server.current.request('POST', `/v1/task/${task.task_id}/tags`, { body: ['b', 'a', 'b'] });
    assert.equal(set.status, 200);
    assert.deepEqual(set.body.tags, ['b', 'a']);
    const added = await server.current.request('PUT', `/v1/task/${task.task_id}/tags`, { body: ['a', 'c', 'd', 'c'] });
    assert.deepEqual(added.body.tags, ['b', 'a', 'c', 'd']);
    const removed = await server.current.request('DELETE', `/v1/task/${task.task_id}/tags`, { body: ['a', 'zzz'] });
    assert.deepEqual(removed.body.tags, ['b', 'c', 'd']);
    const wrapped = await server.current.request('POST', `/v1/task/${task.task_id}/tags`, { body: { tags: ['x', 'b'] } });
    assert.deepEqual(wrapped.body.tags, ['x', 'b']);
    const byTag = async (tag: string) => (await server.current.request('GET', `/v1/tasks?tags=${tag}&limit=100`)).body.docs.map((doc: any) => doc.task_id);
    assert.ok((await byTag('x')).includes(task.task_id));
    assert.ok(!(await byTag('c')).includes(task.task_id));
    const emptied = await server.current.request('POST', `/v1/task/${task.task_id}/tags`, empty);
    assert.equal(emptied.status, 200);
    assert.deepEqual(emptied.body.tags, []);
    assert.ok(!(await byTag('x')).includes(task.task_id));
  });

  it('gives a task that never had tags a tags key after an empty tag call', async () => {
    const task = await createTask(server.current, 'categorization');
    const response = await server.current.request('DELETE', `/v1/task/${task.task_id}/tags`, empty);
    assert.equal(response.status, 200);
    assert.deepEqual(response.body.tags, []);
  });

  it('answers 400 for non-string tags and non-array tag bodies', async () => {
    const task = await createTask(server.current, 'categorization');
    for (const [method, rawBody] of [['POST', '[1]'], ['PUT', '["a", null]'], ['DELETE', '{"tags": "a"}'], ['POST', '"a"'], ['PUT', '{"tags": [true]}']]) {
      const response = await server.current.request(method, `/v1/task/${task.task_id}/tags`, { rawBody, headers: { 'content-type': 'application/json' } });
      assert.equal(response.status, 400, `${method} ${rawBody}`);
      assert.equal(response.body.status_code, 400);
    }
  });

  it('answers every task action with 404 for a task of another account or environment', async () => {
    const task = await createTask(server.current, 'categorization');
    const other = await server.current.createAccount();
    for (const key of [other.liveKey, TEST_KEY]) {
      const calls: Array<[string, string, Record<string, unknown>]> = [
        ['POST', 'cancel', empty],
        ['POST', 'audit', { body: { accepted: true } }],
        ['POST', 'setMetadata', { body: { a: 1 } }],
        ['POST', 'tags', { body: ['a'] }],
        ['PUT', 'tags', { body: ['a'] }],
        ['DELETE', 'tags', { body: ['a'] }],
      ];
      for (const [method, action, options] of calls) {
        const response = await server.current.request(method, `/v1/task/${task.task_id}/${action}`, { key, ...options });
        assert.equal(response.status, 404, `${method} ${action}`);
        assert.equal(response.body.status_code, 404);
      }
    }
    const read = await server.current.request('GET', `/v1/task/${task.task_id}`);
    assert.deepEqual(read.body, task);
  });
});

describeEachDatabase('Test mode, callbacks and batch completion', (dialect) => {
  const server = useTestServer(dialect);
  const received: Array<{ headers: http.IncomingHttpHeaders; body: any }> = [];
  let receiver: http.Server;
  let receiverUrl = '';

  before(async () => {
    receiver = http.createServer((request, response) => {
      let text = '';
      request.on('data', (chunk) => (text += chunk));
      request.on('end', () => {
        received.push({ headers: request.headers, body: JSON.parse(text) });
        response.end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/callback`;
  });
  after(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

  async function waitFor<T>(find: () => T | undefined): Promise<T> {
    for (let attempt = 0; attempt < 200; attempt++) {
      const found = find();
      if (found !== undefined) return found;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error('timed out waiting for a callback');
  }

  it('completes a test-mode task at once with a synthetic response of the right shape', async () => {
    const cases: Array<[string, Record<string, unknown>, unknown]> = [
      ['categorization', { categories: ['cat', 'dog'] }, { category: 'cat' }],
      ['categorization', { categories: [{ choice: 'kitten' }] }, { category: 'kitten' }],
      ['imageannotation', {}, { annotations: [] }],
      ['namedentityrecognition', {}, { annotations: [] }],
      ['lidarannotation', {}, { annotations: [] }],
      ['transcription', { fields: { phone: 'Phone', name: 'Name' } }, { fields: { phone: '', name: '' } }],
      ['datacollection', { fields: { url: 'URL' }, repeatable_fields: { item: 'Item' } }, { fields: { url: '' }, repeatable_fields: [] }],
      ['textcollection', {}, { annotations: {} }],
      ['chat', {}, { responses: [] }],
      ['documentmodel', {}, {}],
    ];
    for (const [type, extra, expected] of cases) {
      const answered = await createTask(server.current, type, extra, { key: TEST_KEY });
      assert.equal(answered.status, 'pending', type);
      const created = (await server.current.request('GET', `/v1/task/${answered.task_id}`, { key: TEST_KEY })).body;
      assert.equal(created.status, 'completed', type);
      assert.deepEqual(created.response, expected, type);
      assert.ok(created.completed_at >= created.created_at, type);
      const canceled = await server.current.request('POST', `/v1/task/${created.task_id}/cancel`, { key: TEST_KEY, ...empty });
      assert.equal(canceled.status, 400, type);
    }
  });

  it('delivers the test-mode completion callback with {task, response, task_id, status}', async () => {
    const created = await createTask(server.current, 'categorization', { callback_url: receiverUrl, metadata: { marker: 'test-mode' } }, { key: TEST_KEY });
    const delivery = await waitFor(() => received.find((entry) => entry.body.task_id === created.task_id));
    assert.equal(delivery.body.status, 'completed');
    assert.deepEqual(delivery.body.response, { category: 'cat' });
    assert.equal(delivery.body.task.task_id, created.task_id);
    assert.deepEqual(delivery.body.task.response, { category: 'cat' });
    assert.deepEqual(delivery.body.task.metadata, { marker: 'test-mode' });
    assert.ok(delivery.headers['scale-callback-auth']);
  });

  it('queues task callbacks for completion, error, audit and recall, but not for cancel', async () => {
    const { db, tasks, taskLifecycle } = server.current.server.services;
    const caller = await liveCaller(server.current);
    const target = 'ops@example.com';
    const task = await createTask(server.current, 'categorization', { callback_url: target });
    assert.equal((await outboxFor(server.current, task.task_id)).length, 0);

    let row = await tasks.get(caller, task.task_id);
    await taskLifecycle.transaction(db.kysely, (trx) => taskLifecycle.completeTask(trx, row, { category: 'dog' }));
    await server.current.request('POST', `/v1/task/${task.task_id}/audit`, { body: { accepted: false } });
    row = await tasks.get(caller, task.task_id);
    await taskLifecycle.transaction(db.kysely, (trx) => taskLifecycle.recallTask(trx, row));
    const recalled = await server.current.request('GET', `/v1/task/${task.task_id}`);
    assert.equal(recalled.body.status, 'pending');
    assert.equal('response' in recalled.body, false);
    assert.equal('completed_at' in recalled.body, false);
    row = await tasks.get(caller, task.task_id);
    await taskLifecycle.transaction(db.kysely, (trx) => taskLifecycle.completeTask(trx, row, { category: 'cat' }));
    const reworked = await server.current.request('GET', `/v1/task/${task.task_id}`);
    assert.deepEqual(reworked.body.prior_responses, [{ category: 'dog' }]);
    assert.deepEqual(reworked.body.response, { category: 'cat' });

    const events = (await outboxFor(server.current, task.task_id)).map((entry) => [entry.event, entry.payload.status, entry.target]);
    assert.deepEqual(events, [
      ['completed', 'completed', target],
      ['audit', 'completed', target],
      ['pending', 'pending', target],
      ['completed', 'completed', target],
    ]);
    const last = (await outboxFor(server.current, task.task_id)).at(-1)!;
    assert.deepEqual(Object.keys(last.payload).sort(), ['response', 'status', 'task', 'task_id']);
    // The worker may deliver an earlier callback between the completion and the GET: it writes the
    // task's callback_succeeded and updated_at, which the payload (built at the completion) predates.
    const beforeDelivery = ({ callback_succeeded: _succeeded, updated_at: _updated, ...rest }: Record<string, unknown>) => rest;
    if (reworked.body.callback_succeeded === undefined) assert.deepEqual(last.payload.task, reworked.body);
    else assert.deepEqual(beforeDelivery(last.payload.task), beforeDelivery(reworked.body));

    const failing = await createTask(server.current, 'categorization', { callback_url: target });
    row = await tasks.get(caller, failing.task_id);
    const errorResponse = { error: 'Attachment could not be downloaded', attachments: [{ statusCode: 404, url: 'https://cdn.example.com/img/1.jpg' }] };
    await taskLifecycle.transaction(db.kysely, (trx) => taskLifecycle.failTask(trx, row, errorResponse));
    const failed = await server.current.request('GET', `/v1/task/${failing.task_id}`);
    assert.equal(failed.body.status, 'error');
    assert.deepEqual(failed.body.response, errorResponse);
    assert.deepEqual((await outboxFor(server.current, failing.task_id)).map((entry) => entry.payload.status), ['error']);

    const canceled = await createTask(server.current, 'categorization', { callback_url: target });
    await server.current.request('POST', `/v1/task/${canceled.task_id}/cancel`, empty);
    assert.equal((await outboxFor(server.current, canceled.task_id)).length, 0);
  });

  it('queues no callback when neither the task nor the account has a target', async () => {
    const created = await createTask(server.current, 'categorization', {}, { key: TEST_KEY });
    const task = (await server.current.request('GET', `/v1/task/${created.task_id}`, { key: TEST_KEY })).body;
    assert.equal(task.status, 'completed');
    assert.equal((await outboxFor(server.current, task.task_id)).length, 0);
  });

  it('completes a batch when its last task finishes, once, and sends the batch callback with counts', async () => {
    const project = await createProject(server.current, { name: unique('p'), type: 'categorization' });
    const batch = await createBatch(server.current, project.name, unique('b'), { callback: receiverUrl });
    const tasks = await Promise.all([0, 1, 2, 3].map(() => createTask(server.current, 'categorization', { batch: batch.name })));
    await server.current.request('POST', `/v1/task/${tasks[0].task_id}/cancel`, empty);
    const { db, taskLifecycle, tasks: service } = server.current.server.services;
    const caller = await liveCaller(server.current);
    const [erroring, ...rest] = tasks.slice(1);
    const errorRow = await service.get(caller, erroring.task_id);
    await taskLifecycle.transaction(db.kysely, (trx) => taskLifecycle.failTask(trx, errorRow, { error: 'gone' }));
    const midway = await server.current.request('GET', `/v1/batches/${encodeURIComponent(batch.name)}`);
    assert.equal(midway.body.status, 'in_progress');
    // The last two finish at the same time: exactly one of them completes the batch.
    await Promise.all(
      rest.map(async (task) => {
        const row = await service.get(caller, task.task_id);
        await taskLifecycle.transaction(db.kysely, (trx) => taskLifecycle.completeTask(trx, row, { category: 'cat' }));
      }),
    );
    const done = await server.current.request('GET', `/v1/batches/${encodeURIComponent(batch.name)}`);
    assert.equal(done.body.status, 'completed');
    assert.ok(done.body.completed_at);
    const batchEvents = await outboxFor(server.current, batch.id);
    assert.equal(batchEvents.length, 1);
    assert.equal(batchEvents[0].subject_type, 'batch');
    const delivery = await waitFor(() => received.find((entry) => entry.body.batch?.name === batch.name));
    assert.equal(delivery.body.status, 'completed');
    assert.deepEqual(delivery.body.counts, { pending: 0, completed: 2, error: 1, canceled: 1 });
    assert.equal(delivery.body.batch.status, 'completed');
  });

  it('completes a test-mode batch when its tasks complete on creation', async () => {
    const project = await createProject(server.current, { name: unique('p'), type: 'categorization' }, TEST_KEY);
    const batch = await createBatch(server.current, project.name, unique('b'), {}, TEST_KEY);
    await createTask(server.current, 'categorization', { batch: batch.name }, { key: TEST_KEY });
    const done = await server.current.request('GET', `/v1/batches/${encodeURIComponent(batch.name)}`, { key: TEST_KEY });
    assert.equal(done.body.status, 'completed');
  });

  it('cancels the unstarted tasks of a batch in bulk and keeps the counts right', async () => {
    const project = await createProject(server.current, { name: unique('p'), type: 'categorization' });
    const batch = await createBatch(server.current, project.name, unique('b'));
    const tasks = await Promise.all([0, 1, 2].map(() => createTask(server.current, 'categorization', { batch: batch.name })));
    const { db, taskLifecycle, tasks: service } = server.current.server.services;
    const caller = await liveCaller(server.current);
    const started = await service.get(caller, tasks[0].task_id);
    await taskLifecycle.transaction(db.kysely, (trx) => taskLifecycle.setWorkState(trx, started, 'in_progress'));
    const canceled = await taskLifecycle.transaction(db.kysely, (trx) => taskLifecycle.cancelUnstartedTasksInBatch(trx, batch.id));
    assert.equal(canceled, 2);
    const counted = await server.current.request('GET', `/v1/tasks?batch=${encodeURIComponent(batch.name)}&status=canceled&limit=1`);
    assert.equal(counted.body.total, 2);
    const pending = await server.current.request('GET', `/v1/tasks?batch=${encodeURIComponent(batch.name)}&status=pending`);
    assert.deepEqual(pending.body.docs.map((doc: any) => doc.task_id), [tasks[0].task_id]);
    assert.equal(pending.body.total, 1);
  });
});

describeEachDatabase('Evaluation and training tasks', (dialect) => {
  const server = useTestServer(dialect);

  it('creates an evaluation task keyed id with expected_response and initial_response', async () => {
    const response = await server.current.request('POST', '/v1/evaluation_tasks/categorization', {
      body: { ...validBody('categorization'), expected_response: { category: 'cat' }, initial_response: { category: 'dog' }, unique_id: unique('gold') },
    });
    assert.equal(response.status, 200, response.text);
    assert.match(response.body.id, /^[0-9a-f]{24}$/);
    assert.equal('task_id' in response.body, false);
    assert.deepEqual(response.body.expected_response, { category: 'cat' });
    assert.deepEqual(response.body.initial_response, { category: 'dog' });
    assert.equal('expected_response' in response.body.params, false);
  });

  it('requires expected_response on evaluation tasks and validates like task creation', async () => {
    const missing = await server.current.request('POST', '/v1/evaluation_tasks/categorization', { body: validBody('categorization') });
    assert.equal(missing.status, 400);
    assert.match(missing.body.error, /expected_response/);
    const invalid = await server.current.request('POST', '/v1/evaluation_tasks/categorization', { body: { attachment: 'https://a/1.jpg', expected_response: {} } });
    assert.equal(invalid.status, 400);
    assert.match(invalid.body.error, /categories/);
    const unknownType = await server.current.request('POST', '/evaluation_tasks/nope', { body: { expected_response: {} } });
    assert.equal(unknownType.status, 400);
  });

  it('creates a training task with expected_response null when none is given', async () => {
    const project = await createProject(server.current, { name: unique('p'), type: 'categorization', params: { instruction: 'Project rules.' } });
    const response = await server.current.request('POST', '/v1/training_tasks/categorization', { body: { ...validBody('categorization'), project: project.name } });
    assert.equal(response.status, 200, response.text);
    assert.equal(response.body.expected_response, null);
    assert.equal(response.body.project, project.name);
    assert.equal(response.body.instruction, 'Project rules.');
    assert.equal(response.body.project_param_version, 0);
  });

  it('never lists evaluation or training tasks in GET tasks', async () => {
    const project = await createProject(server.current, { name: unique('p'), type: 'categorization' });
    await server.current.request('POST', '/v1/evaluation_tasks/categorization', { body: { ...validBody('categorization'), project: project.name, expected_response: { category: 'cat' } } });
    await server.current.request('POST', '/v1/training_tasks/categorization', { body: { ...validBody('categorization'), project: project.name } });
    const listed = await server.current.request('GET', `/v1/tasks?project=${encodeURIComponent(project.name)}`);
    assert.equal(listed.body.total, 0);
    assert.deepEqual(listed.body.docs, []);
  });

  it('honours Idempotency-Key and unique_id on evaluation and training tasks', async () => {
    const key = crypto.randomUUID();
    const first = await server.current.request('POST', '/v1/training_tasks/categorization', { body: validBody('categorization'), headers: { 'idempotency-key': key } });
    assert.equal(first.status, 200);
    const again = await server.current.request('POST', '/v1/evaluation_tasks/categorization', { body: { ...validBody('categorization'), expected_response: {} }, headers: { 'idempotency-key': key } });
    assert.equal(again.status, 409);
    assert.match(again.body.error, new RegExp(first.body.id));
    const uniqueId = unique('quality');
    const one = await server.current.request('POST', '/v1/training_tasks/categorization', { body: { ...validBody('categorization'), unique_id: uniqueId } });
    const two = await server.current.request('POST', '/v1/training_tasks/categorization', { body: { ...validBody('categorization'), unique_id: uniqueId } });
    assert.equal(two.status, 409);
    assert.match(two.body.error, new RegExp(one.body.id));
  });
});
