import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.ts';
import { LIVE_KEY, useTestServer } from '../helpers/server.ts';
import { v2Client } from '../v2/helpers.ts';
import { createProject, unique } from '../queue/helpers.ts';
import { completeTask } from '../dashboard/helpers.ts';
import { CHAT_PARAMS, completedConversation } from './fixtures.ts';

/** Reads a JSON Lines export back: one parsed record per line, and every line ends with a newline. */
function records(text: string): any[] {
  assert.ok(text === '' || text.endsWith('\n'), 'the export ends with a newline');
  return text.split('\n').filter(Boolean).map((line) => JSON.parse(line));
}

describeEachDatabase('chat training exports (JSONL)', (dialect) => {
  const server = useTestServer(dialect);
  const client = v2Client(server);
  let project: string;
  const tasks: string[] = [];

  before(async () => {
    project = unique('chat-export');
    await createProject(server.current, { type: 'chat', name: project, params: CHAT_PARAMS });
    for (let index = 0; index < 2; index++) {
      const created = await client.post('/v2/task/chat', { project_name: project, unique_id: unique('conversation') });
      assert.equal(created.status, 200, created.text);
      await completeTask(server.current, created.body.task_id, completedConversation(2));
      tasks.push(created.body.task_id);
    }
    // A chat task still pending writes nothing.
    await client.post('/v2/task/chat', { project_name: project });
  });

  const exported = async (format: string, query = `project=${project}`) => {
    const response = await server.current.request('GET', `/app/api/exports/tasks?format=${format}&${query}`);
    assert.equal(response.status, 200, response.text);
    assert.match(String(response.headers.get('content-type')), /application\/x-ndjson/);
    assert.match(String(response.headers.get('content-disposition')), new RegExp(`-${format}\\.jsonl`));
    return records(response.text);
  };

  it('writes one preference pair per pair of answers a ranking orders, with the conversation before the turn as prompt', async () => {
    const pairs = await exported('chat-preference');
    // Per task: 2 turns × (ranked_choices [model_a, model_b] + ranked_groups [[model_a], [model_b]]) = 4 pairs.
    assert.equal(pairs.length, 8);
    assert.deepEqual(new Set(pairs.map((pair) => pair.metadata.task_id)), new Set(tasks));
    const stored = (await client.get('/v2/task', { task_id: tasks[0] })).body.threads[0];
    const ofTask = pairs.filter((pair) => pair.metadata.task_id === tasks[0]);
    assert.deepEqual(ofTask.map((pair) => [pair.metadata.turn, pair.metadata.ranking, pair.metadata.chosen_source_id, pair.metadata.rejected_source_id]), [
      [0, 'preference', 'model_a', 'model_b'],
      [0, 'ties', 'model_a', 'model_b'],
      [1, 'preference', 'model_a', 'model_b'],
      [1, 'ties', 'model_a', 'model_b'],
    ]);
    const second = ofTask[2];
    assert.equal(second.metadata.thread_id, stored.id);
    assert.equal(second.metadata.turn_id, stored.turns[1].id);
    assert.equal(second.metadata.project, project);
    assert.deepEqual(second.prompt, [
      { role: 'system', content: 'You are a physics tutor.' },
      { role: 'user', content: 'Question 0' },
      { role: 'assistant', content: 'Answer A0 about qubits' },
      { role: 'user', content: 'Question 1' },
    ]);
    assert.deepEqual(second.chosen, [{ role: 'assistant', content: 'Answer A1 about qubits' }]);
    assert.deepEqual(second.rejected, [{ role: 'assistant', content: 'Answer B1' }]);
    assert.equal(second.metadata.chosen_model, null);
  });

  it('writes one fine-tuning conversation per thread, every turn with its best-ranked answer', async () => {
    const conversations = await exported('chat-sft');
    assert.equal(conversations.length, 2);
    const [first] = conversations.filter((record) => record.metadata.task_id === tasks[0]);
    assert.deepEqual(first.messages, [
      { role: 'system', content: 'You are a physics tutor.' },
      { role: 'user', content: 'Question 0' },
      { role: 'assistant', content: 'Answer A0 about qubits' },
      { role: 'user', content: 'Question 1' },
      { role: 'assistant', content: 'Answer A1 about qubits' },
    ]);
    assert.deepEqual(first.metadata, { task_id: tasks[0], project, thread_id: first.metadata.thread_id, turns: 2 });
  });

  it('follows a fix: a reversed ranking reverses the pairs and changes the chosen answer', async () => {
    const fixed = completedConversation(2);
    for (const turn of fixed.threads[0].turns) (turn.annotations[0] as any).value = ['model_b', 'model_a'];
    const audit = await server.current.request('POST', `/v1/task/${tasks[1]}/audit`, { body: { accepted: true } });
    assert.equal(audit.status, 200, audit.text);
    const services = server.current.server.services;
    const caller = (await services.accounts.authenticate(LIVE_KEY))!;
    const task = await services.tasks.get(caller, tasks[1]);
    await services.taskLifecycle.transaction(services.db.kysely, (trx) => services.taskLifecycle.fixTask(trx, task, fixed, { auditor: { email: 'fixer@example.com', source: 'customer' } }));

    const pairs = (await exported('chat-preference')).filter((pair) => pair.metadata.task_id === tasks[1] && pair.metadata.ranking === 'preference');
    assert.deepEqual(pairs.map((pair) => [pair.chosen[0].content, pair.rejected[0].content]), [
      ['Answer B0', 'Answer A0 about qubits'],
      ['Answer B1', 'Answer A1 about qubits'],
    ]);
    const [conversation] = (await exported('chat-sft')).filter((record) => record.metadata.task_id === tasks[1]);
    assert.deepEqual(conversation.messages.filter((message: any) => message.role === 'assistant').map((message: any) => message.content), ['Answer B0', 'Answer B1']);
  });

  it('writes nothing for tasks that are not completed chat tasks', async () => {
    assert.deepEqual(await exported('chat-sft', `project=${project}&status=pending`), []);
  });
});
