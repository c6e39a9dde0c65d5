import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ScaleInvalidRequest, TaskType } from '../../src/index.ts';
import { describeEachDatabase, plainName, useSdkServer } from '../helpers/server.ts';

describeEachDatabase('SDK exports against a real server', (dialect) => {
  const api = useSdkServer(dialect);

  it('exports.tasks streams the JSONL of a project with its total and file name', async () => {
    const project = plainName('exported');
    await api.current.test.createProject({ projectName: project, taskType: TaskType.Categorization });
    const created = [];
    for (let index = 0; index < 3; index++) {
      created.push(await api.current.test.createTask(TaskType.Categorization, { project, attachment: `https://example.com/${index}.jpg`, categories: ['a', 'b'] }));
    }
    const exported = await api.current.test.exports.tasks({ format: 'jsonl', projectName: project });
    assert.equal(exported.total, 3);
    assert.match(exported.filename, /^tasks-\d{4}-\d{2}-\d{2}\.jsonl$/);
    assert.match(exported.contentType, /^application\/x-ndjson/);
    const text = await new Response(exported.body).text();
    const ids = text.trim().split('\n').map((line) => JSON.parse(line).task_id);
    assert.deepEqual(ids.sort(), created.map((task) => task.task_id).sort());
  });

  it('exports.tasks rejects an unknown project with ScaleInvalidRequest before streaming', async () => {
    await assert.rejects(api.current.live.exports.tasks({ format: 'csv', projectName: plainName('missing') }), (error: unknown) => {
      assert.ok(error instanceof ScaleInvalidRequest);
      assert.equal(error.status, 400);
      return true;
    });
  });
});
