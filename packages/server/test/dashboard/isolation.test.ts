import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.ts';
import { LIVE_KEY, TEST_KEY, useTestServer } from '../helpers/server.ts';
import { createProject, createTask, unique } from '../tasks/helpers.ts';
import { completeTask } from './helpers.ts';

const BOX_RESPONSE = { annotations: [{ uuid: 'a1', type: 'box', label: 'car', left: 1, top: 2, width: 30, height: 40, attributes: {} }], global_attributes: {} };

// The dashboard and export app API answer API keys as well as sessions; each key must see only its own
// account and environment, and another's task must look absent (404), never forbidden.
describeEachDatabase('Dashboard and export isolation between accounts and environments', (dialect) => {
  const server = useTestServer(dialect);
  let project: string;
  let taskId: string;
  let otherKey: string;

  before(async () => {
    project = unique('isolated');
    await createProject(server.current, { name: project });
    taskId = (await createTask(server.current, 'imageannotation', { project })).task_id;
    await completeTask(server.current, taskId, BOX_RESPONSE);
    otherKey = (await server.current.createAccount()).liveKey;
  });

  const keys = () => [
    ['another account', otherKey],
    ['the test environment of the same account', TEST_KEY],
  ] as const;

  it("serves a task's dashboard page to its own account and environment only", async () => {
    assert.equal((await server.current.request('GET', `/app/api/dashboard/tasks/${taskId}`, { key: LIVE_KEY })).status, 200);
    for (const [who, key] of keys()) {
      const response = await server.current.request('GET', `/app/api/dashboard/tasks/${taskId}`, { key });
      assert.equal(response.status, 404, `${who}: ${response.text}`);
      assert.equal(response.body.status_code, 404);
    }
  });

  it("refuses another account's or environment's audit with a 404 and leaves the task unaudited", async () => {
    for (const [who, key] of keys()) {
      const response = await server.current.request('POST', `/app/api/dashboard/tasks/${taskId}/audit`, { key, body: { result: 'rejected', comments: 'not mine' } });
      assert.equal(response.status, 404, `${who}: ${response.text}`);
    }
    const task = await server.current.request('GET', `/v1/task/${taskId}`, { key: LIVE_KEY });
    assert.equal(task.body.customer_review_status ?? null, null, 'no audit was recorded');
  });

  it("leaves another account's and environment's tasks out of the task list", async () => {
    const own = await server.current.request('GET', `/app/api/dashboard/tasks?project=${encodeURIComponent(project)}`, { key: LIVE_KEY });
    assert.equal(own.status, 200, own.text);
    assert.ok(JSON.stringify(own.body).includes(taskId), 'the owner sees the task');
    for (const [who, key] of keys()) {
      const response = await server.current.request('GET', `/app/api/dashboard/tasks?project=${encodeURIComponent(project)}`, { key });
      assert.equal(response.status, 404, `${who}: ${response.text}`);
      assert.equal(JSON.stringify(response.body).includes(taskId), false, `${who} must not see the task`);
    }
  });

  it("exports only the caller's own account and environment", async () => {
    const own = await server.current.request('GET', '/app/api/exports/tasks?format=jsonl&status=any', { key: LIVE_KEY });
    assert.equal(own.status, 200, own.text);
    assert.ok(own.text.includes(taskId), 'the owner exports the task');
    for (const [who, key] of keys()) {
      const response = await server.current.request('GET', '/app/api/exports/tasks?format=jsonl&status=any', { key });
      assert.equal(response.status, 200, `${who}: ${response.text}`);
      assert.equal(response.text.includes(taskId), false, `${who} must not export the task`);
      const byProject = await server.current.request('GET', `/app/api/exports/tasks?format=jsonl&status=any&project=${encodeURIComponent(project)}`, { key });
      assert.equal(byProject.text.includes(taskId), false, `${who} must not export the task by naming its project`);
    }
  });
});
