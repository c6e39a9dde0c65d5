import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.ts';
import { useTestServer, TEST_KEY } from '../helpers/server.ts';
import { v2Client } from '../v2/helpers.ts';
import { unique } from '../queue/helpers.ts';
import { jsonlRecords } from '../../src/services/import-records.ts';
import type { Caller } from '../../src/services/account.service.ts';

const CONVERSATION = [
  { role: 'system', content: 'Be brief.' },
  { role: 'user', content: 'Hi' },
  { role: 'assistant', content: { text: 'Hello' }, source_id: 'model_a' },
  { role: 'user', content: 'Bye' },
];

describeEachDatabase('chat tasks in a bulk import', (dialect) => {
  const server = useTestServer(dialect);
  const test = v2Client(server, TEST_KEY);
  let caller: Caller;

  before(async () => {
    caller = (await server.current.server.services.accounts.authenticate(TEST_KEY))!;
  });

  it('stores the threads of test-mode chat tasks imported in bulk, as a single create does', async () => {
    const project = unique('chat-import');
    assert.equal((await test.v1('POST', '/v1/projects', { type: 'chat', name: project, params: null })).status, 200);
    const records = [
      { type: 'chat', project, unique_id: unique('imported'), conversation: CONVERSATION },
      { type: 'chat', project, unique_id: unique('imported'), conversation: CONVERSATION.slice(0, 2) },
    ];
    const text = records.map((record) => JSON.stringify(record)).join('\n') + '\n';
    const summary = await server.current.server.services.taskImport.importTasks(caller, jsonlRecords([text]), {});
    assert.equal(summary.created, 2, JSON.stringify(summary));

    const single = await test.post('/v2/task/chat', { project_name: project, conversation: CONVERSATION });
    assert.equal(single.status, 200, single.text);
    const turnsOf = (task: any) => task.threads.map((thread: any) => thread.turns.map((turn: any) => turn.messages.map((message: any) => `${message.role}:${message.content.text}`)));
    const singleTask = (await test.get('/v2/task', { task_id: single.body.task_id })).body;

    for (const [index, record] of records.entries()) {
      const v1 = await test.v1('GET', `/v1/tasks?project=${project}&unique_id=${record.unique_id}`);
      assert.equal(v1.status, 200, v1.text);
      const [task] = v1.body.docs;
      assert.equal(task.status, 'completed');
      // The v1 view is the conversation's steps, not the family's placeholder `{responses: []}`.
      assert.deepEqual(task.response.responses.map((step: any) => step.type), index === 0 ? ['SystemPrompt', 'PromptInput', 'ModelResponse', 'PromptInput'] : ['SystemPrompt', 'PromptInput']);
      const v2 = (await test.get('/v2/task', { task_id: task.task_id })).body;
      assert.equal(v2.threads.length, 1);
      if (index === 0) assert.deepEqual(turnsOf(v2), turnsOf(singleTask));
      else assert.deepEqual(turnsOf(v2), [[['system:Be brief.', 'user:Hi']]]);
    }
  });
});
