import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.ts';
import { useTestServer, TEST_KEY } from '../helpers/server.ts';
import { assertError, v2Client } from '../v2/helpers.ts';
import { addWorkers, assign, call, createProject, next, submit, unique, type TestWorker } from '../queue/helpers.ts';
import { CHAT_PARAMS, completedConversation } from './fixtures.ts';

describeEachDatabase('chat threads (v2)', (dialect) => {
  const server = useTestServer(dialect);
  const client = v2Client(server);
  const test = v2Client(server, TEST_KEY);
  let labeler: TestWorker;
  let project: string;

  before(async () => {
    project = unique('chat');
    await createProject(server.current, { type: 'chat', name: project, params: CHAT_PARAMS });
    [labeler] = await addWorkers(server.current, 1);
    await assign(server.current, [labeler], [project]);
  });

  /** Creates a live chat task and completes it through the work queue with `response`. */
  async function completeLive(response: unknown): Promise<string> {
    const created = await client.post('/v2/task/chat', { project_name: project, template_variables: { topic: 'qubits' } });
    assert.equal(created.status, 200, created.text);
    assert.deepEqual(created.body.threads, []);
    const assignment = await next(server.current, labeler, `project=${encodeURIComponent(project)}`);
    assert.equal(assignment.task.task_id, created.body.task_id);
    assert.equal(await submit(server.current, labeler, assignment, response), 'completed');
    return created.body.task_id;
  }

  it('stores a submitted conversation as threads, turns, messages and annotations, and serves it on GET /v2/task', async () => {
    const taskId = await completeLive(completedConversation(2));
    const { body: task, status } = await client.get('/v2/task', { task_id: taskId });
    assert.equal(status, 200);
    assert.equal(task.status, 'completed');
    assert.equal(task.threads.length, 1);
    const [thread] = task.threads;
    assert.match(thread.id, /^thread_[0-9a-f]{24}$/);
    assert.equal(thread.turns.length, 2);
    assert.equal('submissions' in thread, false, 'submissions only with opts=submissions');
    const [first, second] = thread.turns;
    assert.match(first.id, /^turn_/);
    assert.deepEqual(first.messages.map((message: any) => [message.role, message.source_id]), [['system', 'system'], ['user', 'user'], ['assistant', 'model_a'], ['assistant', 'model_b']]);
    assert.deepEqual(second.messages.map((message: any) => message.content.text), ['Question 1', 'Answer A1 about qubits', 'Answer B1']);
    for (const message of first.messages) assert.ok(Array.isArray(message.annotations), 'every message carries annotations');
    const ranking = first.annotations.find((annotation: any) => annotation.key === 'preference');
    assert.match(ranking.id, /^an_/);
    assert.deepEqual(ranking.value, ['model_a', 'model_b']);
    assert.equal(ranking.justification, 'A mentions qubits.');
    // Rubric criteria get server ids and the evaluations follow them.
    const criterion = first.rubrics[0].criteria_definitions[0];
    assert.match(criterion.id, /^crit_/);
    assert.equal(first.messages[2].rubric_evaluations[0].criteria_evaluations[0].criterion_definition_id, criterion.id);
    // metadata.criteria follows the renamed annotation id.
    const weighting = first.annotations.find((annotation: any) => annotation.key === 'weighting');
    assert.equal(first.annotations.find((annotation: any) => annotation.key === 'overall').metadata.criteria, weighting.id);
    const topic = thread.annotations.find((annotation: any) => annotation.key === 'topic');
    assert.equal(topic.value, 'science');
    assert.equal('title' in topic, false, 'details only with opts=annotation_details');

    // The v1 view of the same conversation (task-types.md §7.1).
    const v1 = await client.v1('GET', `/v1/task/${taskId}`);
    assert.deepEqual(v1.body.response.responses.slice(0, 4), [
      { type: 'SystemPrompt', output: 'You are a physics tutor.' },
      { type: 'PromptInput', output: 'Question 0' },
      { type: 'ModelResponse', output: 'Answer A0 about qubits' },
      { type: 'ModelResponse', output: 'Answer B0' },
    ]);
    assert.equal(v1.body.response.responses.length, 7);
  });

  it('adds annotation details, model parameters and submissions only with the matching opts', async () => {
    const conversation = completedConversation(1);
    (conversation.threads[0].turns[0].messages[2] as any).model_parameters = { model: 'my-model-123', temperature: 0.7 };
    const taskId = await completeLive(conversation);
    const plain = (await client.get('/v2/task', { task_id: taskId })).body.threads[0];
    assert.equal('model_parameters' in plain.turns[0].messages[2], false);
    const detailed = (await client.get('/v2/task', { task_id: taskId, opts: ['annotation_details', 'model_parameters', 'submissions', 'no_such_opt'] })).body.threads[0];
    assert.deepEqual(detailed.turns[0].messages[2].model_parameters, { model: 'my-model-123', temperature: 0.7 });
    const topic = detailed.annotations.find((annotation: any) => annotation.key === 'topic');
    assert.equal(topic.title, 'Topic');
    assert.deepEqual(topic.possible_values, ['science', 'other']);
    assert.equal(detailed.submissions.length, 1);
    assert.equal(detailed.submissions[0].contributor_id, labeler.id);
    assert.match(detailed.submissions[0].submitted_at, /^\d{4}-\d{2}-\d{2}T/);
    // The list carries the same threads.
    const listed = await client.get('/v2/tasks', { project_name: project, opts: 'submissions', limit: 100 });
    const entry = listed.body.tasks.find((task: any) => task.task_id === taskId);
    assert.deepEqual(entry.threads[0].submissions, detailed.submissions);
  });

  it('finds any annotation by id on GET /v2/annotation, nested ones included, and 404s others', async () => {
    const taskId = await completeLive(completedConversation(1));
    const thread = (await client.get('/v2/task', { task_id: taskId })).body.threads[0];
    const ranking = thread.turns[0].annotations[0];
    const found = await client.get('/v2/annotation', { annotation_id: ranking.id });
    assert.equal(found.status, 200, found.text);
    assert.equal(found.body.id, ranking.id);
    assert.deepEqual(found.body.value, ['model_a', 'model_b']);
    const chunkAnnotation = thread.turns[0].messages[2].content.chunks[0].annotations[0];
    const chunk = await client.get('/v2/annotation', { annotation_id: chunkAnnotation.id });
    assert.equal(chunk.status, 200);
    assert.equal(chunk.body.value, true);
    assertError(await client.get('/v2/annotation', { annotation_id: 'an_missing' }), 404, /an_missing/);
    assertError(await test.get('/v2/annotation', { annotation_id: ranking.id }), 404, /No annotation/);
  });

  it('refuses a submission that breaks the shape or leaves a required question unanswered, naming the path', async () => {
    await client.post('/v2/task/chat', { project_name: project });
    const assignment = await next(server.current, labeler, `project=${encodeURIComponent(project)}`);
    const attempt = (response: unknown) => call(server.current, labeler, 'POST', `/tasks/${assignment.task.task_id}/submit`, { lease_id: assignment.lease.lease_id, response });
    const badRole = completedConversation(1);
    (badRole.threads[0].turns[0].messages[1] as any).role = 'tool';
    assertError(await attempt(badRole), 400, /response\.threads\[0\]\.turns\[0\]\.messages\[1\]\.role/);
    const unanswered = completedConversation(1);
    unanswered.threads[0].turns[0].annotations.shift();
    assertError(await attempt(unanswered), 400, /turns\[0\]\.annotations.*preference/);
    const fractional = completedConversation(1);
    fractional.threads[0].turns[0].messages[2].annotations[0].value = 2.5;
    assertError(await attempt(fractional), 400, /messages\[2\]\.annotations\[0\]\.value.*whole number/);
    const outside = completedConversation(1);
    outside.threads[0].turns[0].messages[2].annotations[0].value = 7;
    assertError(await attempt(outside), 400, /not one of 1, 2, 3/);
    const stranger = completedConversation(1);
    stranger.threads[0].turns[0].annotations[0].value = ['model_a', 'model_z'];
    assertError(await attempt(stranger), 400, /model_z.*source_id/);
    const singleFile = completedConversation(1);
    (singleFile.threads[0].annotations[4] as any).value = { url: 'https://example.com/a.png' };
    assertError(await attempt(singleFile), 400, /annotations\[4\]\.value.*array of files/);
    assert.equal((await attempt(completedConversation(1))).status, 200);
  });

  it('refuses chat params with a malformed question set (400 naming the question)', async () => {
    const name = unique('chat');
    const created = await client.v1('POST', '/v1/projects', { type: 'chat', name, params: null });
    assert.equal(created.status, 200);
    assertError(await client.v1('POST', '/v1/task/chat', { project: name, annotations: [{ key: 'x', type: 'workspace_container', scope: 'turn' }] }), 400, /annotations\[0\]\.type/);
    assertError(await client.v1('POST', '/v1/task/chat', { project: name, annotations: [{ key: 'x', type: 'category', scope: 'turn' }] }), 400, /possible_values/);
    assertError(await client.v1('POST', '/v1/task/chat', { project: name, conversation: [{ role: 'tool', content: 'x' }] }), 400, /conversation\[0\]\.role/);
  });

  it('completes a test-mode chat task with the seeded conversation as its thread and the matching v1 responses', async () => {
    const name = unique('chat');
    assert.equal((await test.v1('POST', '/v1/projects', { type: 'chat', name, params: null })).status, 200);
    const created = await test.post('/v2/task/chat', {
      project_name: name,
      conversation: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: { text: 'Hello' }, source_id: 'model_a' },
        { role: 'user', content: 'Bye' },
      ],
    });
    assert.equal(created.status, 200, created.text);
    const task = (await test.get('/v2/task', { task_id: created.body.task_id })).body;
    assert.equal(task.status, 'completed');
    const [thread] = task.threads;
    assert.deepEqual(thread.turns.map((turn: any) => turn.messages.map((message: any) => `${message.role}:${message.source_id}:${message.content.text}`)), [
      ['system:system:Be brief.', 'user:user:Hi', 'assistant:model_a:Hello'],
      ['user:user:Bye'],
    ]);
    assert.deepEqual(thread.annotations, []);
    const v1 = await test.v1('GET', `/v1/task/${created.body.task_id}`);
    assert.deepEqual(v1.body.response.responses.map((entry: any) => entry.type), ['SystemPrompt', 'PromptInput', 'ModelResponse', 'PromptInput']);
    // Without a seeded conversation: one empty thread, and the contract's `{responses: []}`.
    const bare = await test.post('/v2/task/chat', { project_name: name });
    assert.deepEqual((await test.get('/v2/task', { task_id: bare.body.task_id })).body.threads, [{ id: (await test.get('/v2/task', { task_id: bare.body.task_id })).body.threads[0].id, turns: [], annotations: [] }]);
    assert.deepEqual((await test.v1('GET', `/v1/task/${bare.body.task_id}`)).body.response, { responses: [] });
  });
});
