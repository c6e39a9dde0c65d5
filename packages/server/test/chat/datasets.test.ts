import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.ts';
import { useTestServer, TEST_KEY } from '../helpers/server.ts';
import { assertError, unique, v2Client } from '../v2/helpers.ts';

describeEachDatabase('chat datasets and schemas (v2)', (dialect) => {
  const server = useTestServer(dialect);
  const test = v2Client(server, TEST_KEY);
  let datasetId: string;
  let project: { id: string; name: string };
  let taskIds: string[];
  let delivery: any;

  before(async () => {
    datasetId = unique('ds');
    project = { id: '', name: unique('chat') };
    const created = await test.v1('POST', '/v1/projects', { type: 'chat', name: project.name, datasetId, params: { annotations: [{ key: 'ok', type: 'boolean', scope: 'turn', required: false }] } });
    assert.equal(created.status, 200, created.text);
    project.id = created.body.id;
    const batch = await test.post('/v2/batch', { name: unique('batch'), project_id: project.id, staging_batch: true });
    taskIds = [];
    for (const text of ['One', 'Two', 'Three']) {
      const task = await test.post('/v2/task/chat', { batch_id: batch.body.id, conversation: [{ role: 'user', content: text }, { role: 'assistant', content: `Re ${text}`, source_id: 'model_a' }] });
      assert.equal(task.status, 200, task.text);
      taskIds.push(task.body.task_id);
    }
    // Test-mode tasks complete at once; finalizing the staging batch completes it and makes one delivery of the three.
    assert.equal((await test.post('/v2/batch/finalize', { batch_id: batch.body.id })).status, 200);
    const deliveries = await test.get('/v2/deliveries', { project_id: project.id });
    delivery = deliveries.body.deliveries[0];
    assert.ok(delivery, `a delivery exists: ${deliveries.text}`);
  });

  it('lists a project\'s datasetId as a dataset and its deliveries with task and turn counts', async () => {
    const datasets = (await test.get('/v2/datasets')).body.datasets;
    assert.deepEqual(datasets.filter((dataset: any) => dataset.id === datasetId), [{ id: datasetId, name: datasetId }]);
    const deliveries = await test.get('/v2/datasets/deliveries', { dataset_id: datasetId });
    assert.equal(deliveries.status, 200, deliveries.text);
    assert.deepEqual(deliveries.body.deliveries, [{ id: delivery.id, name: delivery.name, delivered_at: delivery.delivered_at, dataset: datasetId, metadata: { task_count: 3, turn_count: 3 } }]);
    const expanded = await test.get('/v2/datasets/deliveries', { dataset_id: datasetId, expand: 'dataset' });
    assert.deepEqual(expanded.body.deliveries[0].dataset, { id: datasetId, name: datasetId });
    assertError(await test.get('/v2/datasets/deliveries', { dataset_id: 'no-such-dataset' }), 404, /no-such-dataset/);
  });

  it('pages dataset tasks whose response is the v2 task with its threads', async () => {
    const first = await test.get('/v2/datasets/tasks', { dataset_id: datasetId, limit: 2 });
    assert.equal(first.status, 200, first.text);
    assert.equal(first.body.tasks.length, 2);
    assert.ok(first.body.next_token);
    const second = await test.get('/v2/datasets/tasks', { dataset_id: datasetId, limit: 2, next_token: first.body.next_token });
    assert.equal(second.body.tasks.length, 1);
    assert.equal('next_token' in second.body, false);
    const all = [...first.body.tasks, ...second.body.tasks];
    assert.deepEqual(all.map((task: any) => task.task_id).sort(), [...taskIds].sort());
    for (const task of all) {
      assert.equal(task.dataset, datasetId);
      assert.equal(task.delivery, delivery.id);
      assert.equal(task.response.task_id, task.task_id);
      assert.equal(task.response.status, 'completed');
      assert.equal(task.response.threads[0].turns[0].messages[1].source_id, 'model_a');
    }
    const one = await test.get('/v2/datasets/task', { task_id: taskIds[0], expand: ['dataset', 'delivery'] });
    assert.equal(one.status, 200, one.text);
    assert.deepEqual(one.body.dataset, { id: datasetId, name: datasetId });
    assert.equal(one.body.delivery.id, delivery.id);
    assert.equal(one.body.delivery.metadata.task_count, 3);
    assert.equal(one.body.response.threads[0].turns[0].messages[0].content.text, 'One');
    const byDelivery = await test.get('/v2/datasets/delivery', { delivery_id: delivery.id, expand: 'delivery' });
    assert.equal(byDelivery.body.delivery.id, delivery.id);
    assert.equal(byDelivery.body.tasks.length, 3);
    assertError(await test.get('/v2/datasets/delivery', { delivery_id: 'missing' }), 404, /missing/);
    assertError(await test.get('/v2/datasets/task', { task_id: 'missing' }), 404, /missing/);
  });

  it('names the response schema of delivered tasks, and serves it as a stringified JSON Schema', async () => {
    const delivered = await test.get('/v2/delivery/tasks', { delivery_id: delivery.id });
    const schemaId = delivered.body.docs[0].response_schema_id;
    assert.match(schemaId, /^schema_/);
    const schema = await test.get('/v2/schema', { schema_id: schemaId });
    assert.equal(schema.status, 200, schema.text);
    assert.equal(schema.body.schema.id, schemaId);
    const json = JSON.parse(schema.body.schema.json);
    assert.equal(json.type, 'object');
    assert.deepEqual(json.required, ['threads']);
    assert.match(json.properties.threads.items.properties.turns.items.properties.annotations.description, /ok \(boolean\)/);
    assertError(await test.get('/v2/schema', { schema_id: 'schema_nope_1' }), 404, /schema_nope_1/);
  });
});
