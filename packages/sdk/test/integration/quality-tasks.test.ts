import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ScaleInvalidRequest, TaskType } from '../../src/index.ts';
import { describeEachDatabase, uniqueName, useSdkServer } from '../helpers/server.ts';

describeEachDatabase('SDK evaluation and training tasks against a real server', (dialect) => {
  const api = useSdkServer(dialect);

  async function project(): Promise<string> {
    const name = uniqueName('gold');
    await api.current.live.createProject({ projectName: name, taskType: TaskType.Categorization });
    return name;
  }

  it('createEvaluationTask answers with id and expected_response, and the task stays out of getTasks', async () => {
    const projectName = await project();
    const created = await api.current.live.createEvaluationTask(TaskType.Categorization, {
      project: projectName,
      attachment: 'https://example.com/a.jpg',
      categories: ['cat', 'dog'],
      expected_response: { category: 'cat' },
      initial_response: { category: 'dog' },
    });
    assert.ok(created.id);
    assert.equal('task_id' in created, false);
    assert.deepEqual(created.expected_response, { category: 'cat' });
    assert.deepEqual(created.initial_response, { category: 'dog' });
    assert.equal(await api.current.live.getTasksCount({ projectName }), 0);
  });

  it('createEvaluationTask without expected_response throws ScaleInvalidRequest', async () => {
    const projectName = await project();
    const params = { project: projectName, attachment: 'https://example.com/a.jpg', categories: ['cat'] };
    await assert.rejects(api.current.live.createEvaluationTask(TaskType.Categorization, params as never), ScaleInvalidRequest);
  });

  it('createTrainingTask answers with id and a null expected_response when none was given', async () => {
    const projectName = await project();
    const created = await api.current.live.createTrainingTask(TaskType.Categorization, {
      project: projectName,
      attachment: 'https://example.com/a.jpg',
      categories: ['cat'],
    });
    assert.ok(created.id);
    assert.equal(created.expected_response, null);
  });
});
