import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.ts';
import { useTestServer } from '../helpers/server.ts';
import { createBatch, createProject, createTask, liveCaller, unique } from '../tasks/helpers.ts';
import { completeTask } from '../dashboard/helpers.ts';
import { TaskRepository, taskFromStored } from '../../src/repositories/task.repository.ts';
import { presentTask } from '../../src/presenters/task.presenter.ts';
import { taskJsonLine } from '../../src/exporters/jsonl.ts';

describeEachDatabase('JSONL export lines', (dialect) => {
  const server = useTestServer(dialect);

  it('are exactly the v1 task objects of GET task, for tasks in every state', async () => {
    const project = unique('lines');
    const batch = unique('lines-b');
    await createProject(server.current, { name: project, params: { instruction: 'Project "rules" ✓' } });
    await createBatch(server.current, project, batch);
    const pending = await createTask(server.current, 'imageannotation', { project, batch, unique_id: unique('u'), tags: ['a', 'b'], priority: 30, instruction: 'Ligne\n"quoted" ü' });
    await createTask(server.current, 'imageannotation', { project, metadata: { nested: { list: [1, 2.5, null, 'x'] } }, callback_url: 'https://example.com/cb' });
    const canceled = await createTask(server.current, 'imageannotation', { project });
    assert.equal((await server.current.request('POST', `/v1/task/${canceled.task_id}/cancel`)).status, 200);
    const completed = await createTask(server.current, 'imageannotation', { project, batch });
    await completeTask(server.current, completed.task_id, { annotations: [{ type: 'box', label: 'car', left: 1, top: 2, width: 3, height: 4 }] });
    const audited = await server.current.request('POST', `/v1/task/${completed.task_id}/audit`, { body: { accepted: false, comments: 'redo the "car"' } });
    assert.equal(audited.status, 200, audited.text);
    await server.current.request('POST', `/v1/task/${pending.task_id}/unique_id`, { body: { unique_id: 'new id' } });

    const { db } = server.current.server.services;
    const caller = await liveCaller(server.current);
    const rows = await new TaskRepository(db.kysely, db.dialect).listStored(caller.account.id, 'live', {}, { limit: 100 });
    assert.ok(rows.some((row) => row.audits !== null) && rows.some((row) => row.tags !== null) && rows.some((row) => row.status === 'canceled'));
    for (const row of rows) {
      const line = taskJsonLine(row);
      assert.equal(line, JSON.stringify(presentTask(taskFromStored(row))));
      const fetched = await server.current.request('GET', `/v1/task/${row.id}`);
      assert.deepEqual(JSON.parse(line), fetched.body);
    }
  });
});
