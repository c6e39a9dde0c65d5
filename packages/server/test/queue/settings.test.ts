import assert from 'node:assert/strict';
import { afterEach, it, mock } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.ts';
import { useTestServer, type TestServer } from '../helpers/server.ts';
import { addWorkers, assign, call, categorization, createProject, createTask, getTask, next, submit, unique } from './helpers.ts';

/** Three labelers answer cat, cat, dog: an agreement of 2/3 on one consensus task. Returns the last submission's next state. */
async function twoAgainstOne(server: TestServer): Promise<{ state: string; taskId: string }> {
  const project = unique('threshold');
  await createProject(server, { type: 'categorization', name: project, pipeline: 'consensus_task', consensus_attempts: 3 });
  const labelers = await addWorkers(server, 3);
  await assign(server, labelers, [project]);
  const task = await createTask(server, 'categorization', categorization(project));
  const answers = ['cat', 'cat', 'dog'];
  let state = '';
  for (const [index, labeler] of labelers.entries()) state = await submit(server, labeler, await next(server, labeler), { category: answers[index] });
  return { state, taskId: task.task_id };
}

describeEachDatabase('TAGWRIGHT_CONSENSUS_THRESHOLD', (dialect) => {
  const lenient = useTestServer(dialect, { TAGWRIGHT_GOLD_RATE: '0', TAGWRIGHT_CONSENSUS_THRESHOLD: '0.6' });
  const strict = useTestServer(dialect, { TAGWRIGHT_GOLD_RATE: '0', TAGWRIGHT_CONSENSUS_THRESHOLD: '0.7' });

  it('merges attempts whose agreement reaches the threshold', async () => {
    const { state, taskId } = await twoAgainstOne(lenient.current);
    assert.equal(state, 'completed');
    assert.deepEqual((await getTask(lenient.current, taskId)).response, { category: 'cat' });
  });

  it('sends attempts whose agreement falls short of it to review', async () => {
    const { state, taskId } = await twoAgainstOne(strict.current);
    assert.equal(state, 'review');
    assert.equal((await getTask(strict.current, taskId)).status, 'pending');
  });
});

describeEachDatabase('TAGWRIGHT_SKIP_COOLDOWN_SECONDS', (dialect) => {
  const server = useTestServer(dialect, { TAGWRIGHT_GOLD_RATE: '0', TAGWRIGHT_SKIP_COOLDOWN_SECONDS: '60' });
  afterEach(() => mock.timers.reset());

  it('keeps a skipped task out of that labeler\'s queue until the cool-down ends, then offers it again', async () => {
    // The server runs in this process: a mocked Date moves its clock past the cool-down without waiting.
    mock.timers.enable({ apis: ['Date'], now: Date.now() });
    const project = unique('cooldown');
    await createProject(server.current, { type: 'categorization', name: project });
    const [labeler] = await addWorkers(server.current, 1);
    await assign(server.current, [labeler], [project]);
    const task = await createTask(server.current, 'categorization', categorization(project));
    const assignment = await next(server.current, labeler);
    const skipped = await call(server.current, labeler, 'POST', `/tasks/${task.task_id}/skip`, { lease_id: assignment.lease.lease_id, reason: 'Instructions unclear' });
    assert.equal(skipped.status, 200, skipped.text);

    mock.timers.tick(59_000);
    assert.equal(await next(server.current, labeler), null, 'still cooling down');
    mock.timers.tick(1_001);
    const again = await next(server.current, labeler);
    assert.equal(again?.task.task_id, task.task_id, 'offered again once the cool-down is over');
  });
});
