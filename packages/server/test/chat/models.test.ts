import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.ts';
import { useTestServer, type TestServer } from '../helpers/server.ts';
import { startFakeModel } from '../helpers/fake-model.ts';
import { addWorkers, assign, call, createProject, next, submit, unique, type TestWorker } from '../queue/helpers.ts';
import { assertError, v2Client } from '../v2/helpers.ts';

/** Server-sent events of a generate call: `[event, data]` pairs in order. */
async function generate(server: TestServer, worker: TestWorker, taskId: string, body: unknown): Promise<{ status: number; events: Array<[string, any]>; text: string }> {
  const response = await fetch(`${server.url}/app/api/tasks/${taskId}/generate`, {
    method: 'POST',
    headers: { cookie: worker.cookie, 'x-csrf-token': worker.csrfToken, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  const events: Array<[string, any]> = [];
  for (const block of text.split('\n\n')) {
    const event = /^event: (.+)$/m.exec(block)?.[1];
    const data = /^data: (.+)$/m.exec(block)?.[1];
    if (event && data) events.push([event, JSON.parse(data)]);
  }
  return { status: response.status, events, text };
}

describeEachDatabase('chat model endpoints', (dialect) => {
  const server = useTestServer(dialect, { TAGWRIGHT_MODEL_TIMEOUT_MS: '400', TAGWRIGHT_MODEL_MAX_BYTES: '20000' });
  const client = v2Client(server);
  let model: Awaited<ReturnType<typeof startFakeModel>>;
  let project: string;
  let labeler: TestWorker;
  let manager: TestWorker;

  before(async () => {
    model = await startFakeModel();
    project = unique('chat');
    await createProject(server.current, { type: 'chat', name: project, params: { conversation: [{ role: 'system', content: 'Be brief.' }] } });
    [labeler] = await addWorkers(server.current, 1);
    [manager] = await addWorkers(server.current, 1, 'manager', 'manager');
    await assign(server.current, [labeler], [project]);
  });
  after(() => model.close());

  const put = (name: string, body: unknown, as: TestWorker = manager) => call(server.current, as, 'POST', '', undefined).then(() => server.current.request('PUT', `/app/api/projects/${encodeURIComponent(project)}/model-endpoints/${name}`, { key: null, headers: { cookie: as.cookie, 'x-csrf-token': as.csrfToken }, body }));

  it('lets managers configure endpoints, never showing the key, and refuses bad ones with a 400 naming the field', async () => {
    const created = await put('model_a', { url: model.url, model: 'echo', api_key: 'sk-secret-a', parameters: { temperature: 0.7, max_completion_tokens: 64, seed: 3 } });
    assert.equal(created.status, 200, created.text);
    assert.deepEqual(created.body.endpoint, { name: 'model_a', url: model.url, model: 'echo', parameters: { temperature: 0.7, max_completion_tokens: 64, seed: 3 }, has_api_key: true, updated_at: created.body.endpoint.updated_at });
    assert.equal(created.text.includes('sk-secret-a'), false);
    assert.equal((await put('model_b', { url: model.url, model: 'json' })).status, 200);
    // Replacing without api_key keeps the stored key.
    assert.equal((await put('model_a', { url: model.url, model: 'echo', parameters: { temperature: 0.7, max_completion_tokens: 64, seed: 3 } })).body.endpoint.has_api_key, true);
    const listed = await server.current.request('GET', `/app/api/projects/${encodeURIComponent(project)}/model-endpoints`);
    assert.deepEqual(listed.body.endpoints.map((endpoint: any) => endpoint.name), ['model_a', 'model_b']);
    assert.equal(listed.text.includes('sk-secret'), false);
    assertError(await put('model_c', { model: 'echo' }), 400, /'url'/);
    assertError(await put('model_c', { url: 'ftp://example.com', model: 'echo' }), 400, /http or https/);
    assertError(await put('model_c', { url: model.url }), 400, /'model'/);
    assertError(await put('model_c', { url: model.url, model: 'echo', parameters: { max_completion_tokens: 1.5 } }), 400, /max_completion_tokens.*whole number/);
    assertError(await put('user', { url: model.url, model: 'echo' }), 400, /role name/);
    assertError(await put('model_c', { url: model.url, model: 'echo' }, labeler), 403, /roles/);
  });

  it('streams a model answer to the labeler holding the lease, records it, and the submitted message names the model', async () => {
    const task = await client.post('/v2/task/chat', { project_name: project });
    const assignment = await next(server.current, labeler, `project=${encodeURIComponent(project)}`);
    assert.equal(assignment.task.task_id, task.body.task_id);
    const endpoints = await call(server.current, labeler, 'GET', `/tasks/${task.body.task_id}/model-endpoints`);
    assert.deepEqual(endpoints.body.endpoints.map((endpoint: any) => Object.keys(endpoint).sort()), [['model', 'name', 'parameters'], ['model', 'name', 'parameters']]);
    const messages = [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'what is a qubit' }];
    const answer = await generate(server.current, labeler, task.body.task_id, { lease_id: assignment.lease.lease_id, endpoint: 'model_a', messages });
    assert.equal(answer.status, 200, answer.text);
    const tokens = answer.events.filter(([event]) => event === 'token').map(([, data]) => data.text);
    assert.deepEqual(tokens, ['Echo: ', 'what ', 'is ', 'a ', 'qubit']);
    const [doneEvent, done] = answer.events.at(-1)!;
    assert.equal(doneEvent, 'done');
    assert.equal(done.ok, true);
    assert.equal(done.text, 'Echo: what is a qubit');
    assert.equal(done.source_id, 'model_a');
    assert.deepEqual(done.model_parameters, { model: 'echo', temperature: 0.7, max_completion_tokens: 64 });
    // What the model server received: the key as Bearer, the parameters, the conversation, stream: true.
    const received = model.requests.at(-1)!;
    assert.equal(received.authorization, 'Bearer sk-secret-a');
    assert.deepEqual(received.body, { temperature: 0.7, max_completion_tokens: 64, seed: 3, model: 'echo', messages, stream: true });
    const plain = await generate(server.current, labeler, task.body.task_id, { lease_id: assignment.lease.lease_id, endpoint: 'model_b', messages });
    assert.equal(plain.events.at(-1)![1].text, 'Plain: what is a qubit');
    assert.equal(model.requests.at(-1)!.authorization, undefined);

    const turn = (a: any, b: any) => ({
      messages: [
        { role: 'system', source_id: 'system', content: { text: 'Be brief.' }, annotations: [] },
        { role: 'user', source_id: 'user', content: { text: 'what is a qubit' }, annotations: [] },
        a,
        b,
      ],
      annotations: [{ key: 'preference', type: 'ranked_choices', value: ['model_b', 'model_a'] }],
    });
    const fromModel = (summary: any) => ({ role: 'assistant', source_id: summary.source_id, generation_id: summary.generation_id, content: { text: summary.text }, annotations: [] });
    const attempt = (response: unknown) => call(server.current, labeler, 'POST', `/tasks/${task.body.task_id}/submit`, { lease_id: assignment.lease.lease_id, response });
    const edited = { ...fromModel(done), content: { text: 'Edited' } };
    assertError(await attempt({ threads: [{ turns: [turn(edited, fromModel(plain.events.at(-1)![1]))], annotations: [] }] }), 400, /edited answer carries no generation_id/);
    const swapped = { ...fromModel(done), source_id: 'model_b' };
    const written = { role: 'assistant', source_id: 'model_a', content: { text: 'Written by hand' }, annotations: [] };
    assertError(await attempt({ threads: [{ turns: [turn(swapped, written)], annotations: [] }] }), 400, /comes from .*model_a/);
    assert.equal(await submit(server.current, labeler, assignment, { threads: [{ turns: [turn(fromModel(done), fromModel(plain.events.at(-1)![1]))], annotations: [] }] }), 'completed');
    const stored = (await client.get('/v2/task', { task_id: task.body.task_id, opts: 'model_parameters' })).body.threads[0].turns[0].messages;
    assert.equal(stored[2].source_id, 'model_a');
    assert.deepEqual(stored[2].model_parameters, { model: 'echo', temperature: 0.7, max_completion_tokens: 64 });
    assert.deepEqual(stored[3].model_parameters, { model: 'json' });
    assert.equal('generation_id' in stored[2], false);
  });

  it('reports endpoint failures, broken streams, timeouts and oversized answers in the done event', async () => {
    await put('failing', { url: model.url, model: 'fail' });
    await put('broken', { url: model.url, model: 'broken-stream' });
    await put('stalling', { url: model.url, model: 'stall' });
    await put('huge', { url: model.url, model: 'huge' });
    const task = await client.post('/v2/task/chat', { project_name: project });
    const assignment = await next(server.current, labeler, `project=${encodeURIComponent(project)}`);
    assert.equal(assignment.task.task_id, task.body.task_id);
    const ask = async (endpoint: string) => (await generate(server.current, labeler, task.body.task_id, { lease_id: assignment.lease.lease_id, endpoint, messages: [{ role: 'user', content: 'hi' }] })).events.at(-1)![1];
    const failed = await ask('failing');
    assert.equal(failed.ok, false);
    assert.match(failed.error, /HTTP 500: the model is overloaded/);
    const broken = await ask('broken');
    assert.equal(broken.ok, false);
    assert.equal(broken.text, 'Half an answer');
    assert.match(broken.error, /upstream connection lost/);
    const stalled = await ask('stalling');
    assert.equal(stalled.ok, false);
    assert.equal(stalled.timed_out, true);
    assert.equal(stalled.text, 'Hello');
    const huge = await ask('huge');
    assert.equal(huge.ok, false);
    assert.match(huge.error, /over the 20000-byte limit/);
    // A failed answer cannot be submitted as the model's.
    const response = { threads: [{ turns: [{ messages: [{ role: 'user', source_id: 'user', content: { text: 'hi' }, annotations: [] }, { role: 'assistant', source_id: 'failing', generation_id: failed.generation_id, content: { text: '' }, annotations: [] }], annotations: [] }], annotations: [] }] };
    assertError(await call(server.current, labeler, 'POST', `/tasks/${task.body.task_id}/submit`, { lease_id: assignment.lease.lease_id, response }), 400, /not a finished model answer/);
  });

  it('answers a plain 4xx, not a stream, without a lease, an endpoint or messages', async () => {
    const task = await client.post('/v2/task/chat', { project_name: project });
    const [other] = await addWorkers(server.current, 1);
    const refused = await generate(server.current, other, task.body.task_id, { lease_id: 'nope', endpoint: 'model_a', messages: [{ role: 'user', content: 'hi' }] });
    assert.ok(refused.status >= 400 && refused.status < 500, refused.text);
    assert.equal(refused.events.length, 0);
    const assignment = await next(server.current, labeler, `project=${encodeURIComponent(project)}`);
    const bad = (body: unknown) => generate(server.current, labeler, assignment.task.task_id, { lease_id: assignment.lease.lease_id, ...(body as object) });
    assert.match((await bad({ messages: [{ role: 'user', content: 'hi' }] })).text, /'endpoint'/);
    assert.match((await bad({ endpoint: 'nobody', messages: [{ role: 'user', content: 'hi' }] })).text, /no model endpoint named .*nobody/);
    assert.match((await bad({ endpoint: 'model_a', messages: [{ role: 'tool', content: 'hi' }] })).text, /messages\[0\]/);
  });
});

describe('chat model endpoints behind the outbound guard', () => {
  const server = useTestServer('sqlite', { TAGWRIGHT_ALLOW_PRIVATE_OUTBOUND: 'false' });

  it('refuses to call a model endpoint on a loopback address unless private outbound is allowed', async () => {
    const model = await startFakeModel();
    try {
      const project = unique('chat');
      await createProject(server.current, { type: 'chat', name: project, params: null });
      const [labeler] = await addWorkers(server.current, 1);
      await assign(server.current, [labeler], [project]);
      assert.equal((await server.current.request('PUT', `/app/api/projects/${project}/model-endpoints/local`, { body: { url: model.url, model: 'echo' } })).status, 200);
      await server.current.request('POST', '/v2/task/chat', { body: { project_name: project }, scheme: 'bearer' });
      const assignment = await next(server.current, labeler, `project=${project}`);
      const result = await generate(server.current, labeler, assignment.task.task_id, { lease_id: assignment.lease.lease_id, endpoint: 'local', messages: [{ role: 'user', content: 'hi' }] });
      const done = result.events.at(-1)![1];
      assert.equal(done.ok, false);
      assert.match(done.error, /private|loopback|refus/i);
      assert.equal(model.requests.length, 0);
    } finally {
      await model.close();
    }
  });
});
