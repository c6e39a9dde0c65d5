import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ScaleDuplicateResource, ScaleInvalidRequest, ScaleResourceNotFound, TaskType, type V2Task } from '../../src/index.ts';
import { describeEachDatabase, plainName, uniqueName, useSdkServer } from '../helpers/server.ts';

describeEachDatabase('SDK v2 against a real server', (dialect) => {
  const api = useSdkServer(dialect);

  async function project(client = api.current.live, type: string = TaskType.Categorization): Promise<string> {
    const name = uniqueName('v2 project');
    await client.createProject({ projectName: name, taskType: type });
    return name;
  }

  it('getProject and getProjects read v1 projects in the v2 shape', async () => {
    const projectName = await project();
    const byName = await api.current.live.v2.getProject({ projectName });
    assert.equal(byName.name, projectName);
    assert.ok(byName.id);
    assert.deepEqual(await api.current.live.v2.getProject({ projectId: byName.id }), byName);
    const { projects } = await api.current.live.v2.getProjects();
    assert.ok(projects.some((listed) => listed.id === byName.id));
  });

  it('createBatch, getBatch and getBatches work by name and by id; a taken name is ScaleDuplicateResource', async () => {
    const projectName = await project();
    const name = uniqueName('v2 batch');
    const batch = await api.current.live.v2.createBatch({ name, projectName, metadata: { a: 1 } });
    assert.equal(batch.name, name);
    assert.equal(batch.status, 'in_progress');
    assert.equal(typeof batch.project, 'string');
    assert.equal((await api.current.live.v2.getBatch({ batchId: batch.id })).name, name);
    const expanded = await api.current.live.v2.getBatch({ batchName: name, expand: ['project'] });
    assert.equal(typeof expanded.project === 'object' && expanded.project.name, projectName);
    const listed: string[] = [];
    for await (const item of api.current.live.v2.getBatches({ projectName })) listed.push(item.id);
    assert.deepEqual(listed, [batch.id]);
    await assert.rejects(api.current.live.v2.createBatch({ name, projectName }), ScaleDuplicateResource);
  });

  it('pauseBatch, resumeBatch and cancelBatch follow the v2 batch state machine', async () => {
    const projectName = await project();
    const name = uniqueName('v2 states');
    await api.current.live.v2.createBatch({ name, projectName });
    const paused = await api.current.live.v2.pauseBatch({ batchName: name });
    assert.equal(paused.batch?.status, 'paused');
    await assert.rejects(api.current.live.v2.pauseBatch({ batchName: name }), ScaleInvalidRequest);
    const resumed = await api.current.live.v2.resumeBatch({ batchName: name });
    assert.equal(resumed.batch?.status, 'in_progress');
    const cancelled = await api.current.live.v2.cancelBatch({ batchName: name });
    assert.equal(cancelled.batch?.status, 'cancelled');
    await assert.rejects(api.current.live.v2.resumeBatch({ batchName: name }), ScaleInvalidRequest);
  });

  it('finalizeBatch moves a staging batch to in_progress and refuses any other state', async () => {
    const projectName = await project();
    const name = uniqueName('v2 staging');
    const staged = await api.current.live.v2.createBatch({ name, projectName, stagingBatch: true });
    assert.equal(staged.status, 'staging');
    assert.equal((await api.current.live.v2.finalizeBatch({ batchId: staged.id })).status, 'in_progress');
    await assert.rejects(api.current.live.v2.finalizeBatch({ batchId: staged.id }), ScaleInvalidRequest);
  });

  it('setBatchMetadata replaces, or deep-merges with merge: true', async () => {
    const projectName = await project();
    const name = uniqueName('v2 meta');
    await api.current.live.v2.createBatch({ name, projectName, metadata: { a: { x: 1 }, b: 1 } });
    const merged = await api.current.live.v2.setBatchMetadata({ batchName: name }, { a: { y: 2 } }, { merge: true });
    assert.deepEqual(merged.metadata, { a: { x: 1, y: 2 }, b: 1 });
    const replaced = await api.current.live.v2.setBatchMetadata({ batchName: name }, { c: 3 });
    assert.deepEqual(replaced.metadata, { c: 3 });
  });

  it('getTask, getTasks and setTaskMetadata read and change v1 tasks in the v2 shape', async () => {
    const projectName = await project(api.current.test);
    const created: string[] = [];
    for (let i = 0; i < 3; i++) {
      const task = await api.current.test.createTask(TaskType.Categorization, { project: projectName, attachment: `https://example.com/${i}.jpg`, categories: ['a'] });
      created.push(task.task_id);
    }
    const task = await api.current.test.v2.getTask(created[0]);
    assert.equal(task.task_id, created[0]);
    assert.equal(task.status, 'completed');
    assert.equal(typeof task.project, 'string');
    const seen: V2Task[] = [];
    for await (const item of api.current.test.v2GetTasks({ projectName, limit: 2 })) seen.push(item);
    assert.deepEqual(new Set(seen.map((item) => item.task_id)), new Set(created));
    const first = await api.current.test.v2.getTasks({ projectName, limit: 2 });
    assert.equal(first.items.length, 2);
    assert.equal(first.hasNextPage(), true);
    const merged = await api.current.test.v2.setTaskMetadata(created[0], { k: 1 }, { merge: true });
    assert.deepEqual(merged.metadata, { k: 1 });
  });

  it('createChatTask creates a task in a chat project (a test key: test-mode tasks complete without an editor)', async () => {
    const projectName = await project(api.current.test, TaskType.Chat);
    const task = await api.current.test.v2.createChatTask({ projectName, templateVariables: { prompt: 'hi' }, metadata: { m: 1 } });
    assert.ok(task.task_id);
    assert.deepEqual(task.metadata, { m: 1 });
  });

  it('getDeliveries, getDelivery and getDeliveredTasks answer lists (empty before any delivery)', async () => {
    const projectName = await project();
    const { deliveries } = await api.current.live.v2.getDeliveries({ projectName });
    assert.deepEqual(deliveries, []);
    const delivered: unknown[] = [];
    for await (const item of api.current.live.v2.getDeliveredTasks({ projectName })) delivered.push(item);
    assert.deepEqual(delivered, []);
    await assert.rejects(api.current.live.v2.getDelivery({ deliveryId: plainName('nope') }), ScaleResourceNotFound);
  });

  it('getAnnotation, getSchema and the dataset endpoints answer JSON 404s and empty lists', async () => {
    await assert.rejects(api.current.live.v2.getAnnotation(plainName('no-annotation')), ScaleResourceNotFound);
    await assert.rejects(api.current.live.v2.getSchema(plainName('no-schema')), ScaleResourceNotFound);
    assert.deepEqual((await api.current.live.v2.getDatasets()).datasets, []);
    assert.deepEqual((await api.current.live.v2.getDatasetDeliveries()).deliveries, []);
    await assert.rejects(api.current.live.v2.getDatasetTask(plainName('no-task')), ScaleResourceNotFound);
  });

  it('getTasks without a project or batch throws ScaleInvalidRequest', async () => {
    await assert.rejects(api.current.live.v2.getTasks({}), ScaleInvalidRequest);
  });
});
