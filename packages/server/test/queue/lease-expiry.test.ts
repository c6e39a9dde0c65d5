import assert from 'node:assert/strict';
import { afterEach, beforeEach, it, mock } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.ts';
import { useTestServer } from '../helpers/server.ts';
import { addWorkers, assign, call, categorization, createProject, createTask, getTask, next, unique } from './helpers.ts';

// The server runs in this process, so a mocked Date is its clock too: leases expire when the test says,
// not when a busy machine happens to get there (the tests used to sleep past a 1 s lease).
describeEachDatabase('Lease expiry', (dialect) => {
  const server = useTestServer(dialect, { TAGWRIGHT_GOLD_RATE: '0', TAGWRIGHT_LEASE_SECONDS: '60' });
  beforeEach(() => mock.timers.enable({ apis: ['Date'], now: Date.now() }));
  afterEach(() => mock.timers.reset());

  it('gives the task of an expired lease to the next labeler and refuses the late submission', async () => {
    const project = unique('expiry');
    await createProject(server.current, { type: 'categorization', name: project });
    const [slow, quick] = await addWorkers(server.current, 2);
    await assign(server.current, [slow, quick], [project]);
    const task = await createTask(server.current, 'categorization', categorization(project));

    const held = await next(server.current, slow);
    assert.equal(held.task.task_id, task.task_id);
    assert.equal(Date.parse(held.lease.expires_at) - Date.now(), 60_000);
    mock.timers.tick(59_999);
    assert.equal(await next(server.current, quick), null, 'held until the last millisecond of its lease');

    mock.timers.tick(1);
    const taken = await next(server.current, quick);
    assert.equal(taken?.task.task_id, task.task_id, 'the expired lease returned the task to the queue');
    const late = await call(server.current, slow, 'POST', `/tasks/${task.task_id}/submit`, { lease_id: held.lease.lease_id, response: { category: 'cat' } });
    assert.equal(late.status, 409);
    const renew = await call(server.current, slow, 'POST', `/leases/${held.lease.lease_id}/renew`);
    assert.equal(renew.status, 409);
    assert.equal((await getTask(server.current, task.task_id)).status, 'pending');
  });

  it('keeps a lease alive while the tab renews it', async () => {
    const project = unique('renewal');
    await createProject(server.current, { type: 'categorization', name: project });
    const [holder, other] = await addWorkers(server.current, 2);
    await assign(server.current, [holder, other], [project]);
    const task = await createTask(server.current, 'categorization', categorization(project));
    const held = await next(server.current, holder);
    for (let round = 0; round < 4; round++) {
      mock.timers.tick(40_000);
      const renewed = await call(server.current, holder, 'POST', `/leases/${held.lease.lease_id}/renew`);
      assert.equal(renewed.status, 200, renewed.text);
      assert.equal(renewed.body.lease.task_id, task.task_id);
      assert.equal(await next(server.current, other), null, 'still held after the first expiry time');
    }
    const done = await call(server.current, holder, 'POST', `/tasks/${task.task_id}/submit`, { lease_id: held.lease.lease_id, response: { category: 'cat' } });
    assert.equal(done.status, 200, done.text);
    assert.equal(done.body.next_state, 'completed');
  });
});
