import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.ts';
import { useTestServer } from '../helpers/server.ts';
import { v2Client } from '../v2/helpers.ts';
import { createProject, unique } from '../queue/helpers.ts';
import { completeTask, ok, signedIn, type Browser } from '../dashboard/helpers.ts';
import { CHAT_PARAMS, completedConversation } from './fixtures.ts';

const texts = (threads: any[]) => threads[0].turns.map((turn: any) => turn.messages.map((message: any) => `${message.source_id}:${message.content.text}`));

describeEachDatabase('fixing a completed chat task from the dashboard', (dialect) => {
  const server = useTestServer(dialect);
  const client = v2Client(server);
  let manager: Browser;
  let project: string;

  before(async () => {
    project = unique('chat-fix');
    await createProject(server.current, { type: 'chat', name: project, params: CHAT_PARAMS });
    manager = await signedIn(server.current, `${unique('manager')}@example.com`.toLowerCase(), 'manager');
  });

  it('starts the fix from the stored threads, and the fixed conversation is what the v2 task and the next fix show', async () => {
    const created = await client.post('/v2/task/chat', { project_name: project });
    assert.equal(created.status, 200, created.text);
    const taskId = created.body.task_id;
    await completeTask(server.current, taskId, completedConversation(2));

    const detail = ok(await manager.call('GET', `/app/api/dashboard/tasks/${taskId}`));
    // The task's response is its v1 view; the fix edits the threads stored by part.
    assert.ok(Array.isArray(detail.task.response.responses));
    const editable = detail.editable_response;
    const stored = (await client.get('/v2/task', { task_id: taskId, opts: ['annotation_details', 'model_parameters'] })).body.threads;
    assert.deepEqual(texts(editable.threads), texts(stored));
    assert.deepEqual(editable.threads[0].turns[1].annotations.map((annotation: any) => [annotation.key, annotation.value]), stored[0].turns[1].annotations.map((annotation: any) => [annotation.key, annotation.value]));
    assert.equal('submissions' in editable.threads[0], false);

    // The reviewer rewrites one answer and reverses one ranking, and saves the fix with what the editor was given.
    const fixed = structuredClone(editable);
    fixed.threads[0].turns[1].messages[1].content = { text: 'A better answer about qubits' };
    fixed.threads[0].turns[1].annotations.find((annotation: any) => annotation.key === 'preference').value = ['model_b', 'model_a'];
    const audit = ok(await manager.call('POST', `/app/api/dashboard/tasks/${taskId}/audit`, { result: 'fixed', response: fixed }));
    assert.equal(audit.task.customer_review_status, 'fixed');

    const after = (await client.get('/v2/task', { task_id: taskId })).body.threads;
    assert.equal(after[0].turns[1].messages[1].content.text, 'A better answer about qubits');
    assert.deepEqual(after[0].turns[1].annotations.find((annotation: any) => annotation.key === 'preference').value, ['model_b', 'model_a']);
    const again = ok(await manager.call('GET', `/app/api/dashboard/tasks/${taskId}`));
    assert.deepEqual(texts(again.editable_response.threads), texts(after));
  });

  it('sends no editable_response for a task whose response is what a fix edits', async () => {
    const created = await client.post('/v2/task/chat', { project_name: project });
    const detail = ok(await manager.call('GET', `/app/api/dashboard/tasks/${created.body.task_id}`));
    assert.equal(detail.task.status, 'pending');
    assert.equal('editable_response' in detail, false);
  });
});
