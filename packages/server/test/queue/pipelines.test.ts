import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.ts';
import { useTestServer } from '../helpers/server.ts';
import { CallbackReceiver } from '../callbacks/fixtures.ts';
import { addWorkers, assign, call, categorization, createProject, createTask, getTask, next, submit, unique } from './helpers.ts';

const box = (label: string, left: number) => ({ uuid: `${label}-${left}`, type: 'box', label, attributes: {}, left, top: 10, width: 40, height: 40 });
const imageTask = (project: string, extra: Record<string, unknown> = {}) => ({
  project,
  attachment: 'https://cdn.example.com/street.jpg',
  geometries: { box: { objects_to_annotate: ['car', 'person'] } },
  ...extra,
});

describeEachDatabase('Labeling pipelines', (dialect) => {
  const server = useTestServer(dialect, { TAGWRIGHT_GOLD_RATE: '0' });
  let receiver: CallbackReceiver;
  before(async () => {
    receiver = await CallbackReceiver.start();
  });
  after(async () => {
    await receiver.close();
  });

  const callbacksFor = (taskId: string) => receiver.received.map((request) => JSON.parse(request.body)).filter((body) => body.task_id === taskId);

  it('completes a standard task on submission, sends its callback and completes its batch', async () => {
    const project = unique('standard');
    await createProject(server.current, { type: 'categorization', name: project });
    const batch = unique('batch');
    await server.current.request('POST', '/v1/batches', { body: { project, name: batch, callback: receiver.url } });
    const [labeler] = await addWorkers(server.current, 1);
    await assign(server.current, [labeler], [project]);
    const task = await createTask(server.current, 'categorization', categorization(project, { batch, callback_url: receiver.url }));

    const assignment = await next(server.current, labeler);
    assert.equal(await submit(server.current, labeler, assignment, { category: 'bird' }), 'completed');
    const done = await getTask(server.current, task.task_id);
    assert.equal(done.status, 'completed');
    assert.deepEqual(done.response, { category: 'bird' });
    assert.equal(done.audits, undefined);

    await receiver.waitForRequests(2);
    const [callback] = callbacksFor(task.task_id);
    assert.equal(callback.status, 'completed');
    assert.deepEqual(callback.response, { category: 'bird' });
    const batchCallback = receiver.received.map((request) => JSON.parse(request.body)).find((body) => body.batch?.name === batch);
    assert.equal(batchCallback?.status, 'completed');
    const status = await server.current.request('GET', `/v1/batches/${encodeURIComponent(batch)}`);
    assert.equal(status.body.status, 'completed');
  });

  it('sends a task whose params ask for review to a reviewer, who accepts it', async () => {
    const project = unique('reviewed');
    await createProject(server.current, { type: 'categorization', name: project, params: { review: true } });
    const [labeler] = await addWorkers(server.current, 1);
    const [reviewer] = await addWorkers(server.current, 1, 'member', 'reviewer');
    await assign(server.current, [labeler, reviewer], [project]);
    const task = await createTask(server.current, 'categorization', categorization(project, { callback_url: receiver.url }));
    assert.equal(task.params.review, true, 'inherited from the project params');

    const assignment = await next(server.current, labeler);
    assert.equal(await submit(server.current, labeler, assignment, { category: 'dog' }), 'review');
    assert.equal((await getTask(server.current, task.task_id)).status, 'pending');
    assert.equal((await call(server.current, labeler, 'GET', '/queue/next?kind=review')).status, 403, 'labelers do not review');

    const review = await next(server.current, reviewer, 'kind=review');
    assert.equal(review.lease.kind, 'review');
    assert.equal(review.task.task_id, task.task_id);
    assert.deepEqual(review.response, { category: 'dog' });
    const decided = await call(server.current, reviewer, 'POST', `/tasks/${task.task_id}/review`, { lease_id: review.lease.lease_id, result: 'accepted', time_spent_secs: 4 });
    assert.equal(decided.status, 200, decided.text);
    assert.deepEqual(decided.body, { task_id: task.task_id, next_state: 'completed' });

    const done = await getTask(server.current, task.task_id);
    assert.equal(done.status, 'completed');
    assert.deepEqual(done.response, { category: 'dog' });
    assert.equal(done.customer_review_status, undefined, 'internal reviews leave the customer review status alone');
    assert.equal(done.audits.length, 1);
    assert.equal(done.audits[0].audit_result, 'accepted');
    assert.equal(done.audits[0].audit_source, 'internal');
    assert.equal(done.audits[0].audited_by, reviewer.email);
    assert.equal(done.audits[0].audit_time_secs, 4);
    await receiver.waitForRequests(1);
    await waitFor(() => callbacksFor(task.task_id).some((body) => body.status === 'completed'));
  });

  it('keeps the labeler response in prior_responses when a reviewer fixes it', async () => {
    const project = unique('fixed');
    await createProject(server.current, { type: 'imageannotation', name: project, params: { review: true } });
    const [labeler] = await addWorkers(server.current, 1);
    const [reviewer] = await addWorkers(server.current, 1, 'manager', 'reviewer');
    await assign(server.current, [labeler, reviewer], [project]);
    const task = await createTask(server.current, 'imageannotation', imageTask(project));
    const labeled = { annotations: [box('car', 10)] };
    assert.equal(await submit(server.current, labeler, await next(server.current, labeler), labeled), 'review');

    const review = await next(server.current, reviewer, 'kind=review');
    const noResponse = await call(server.current, reviewer, 'POST', `/tasks/${task.task_id}/review`, { lease_id: review.lease.lease_id, result: 'fixed' });
    assert.equal(noResponse.status, 400);
    assert.match(noResponse.body.error, /response/);
    const fixedResponse = { annotations: [box('car', 10), box('person', 100)] };
    const fixed = await call(server.current, reviewer, 'POST', `/tasks/${task.task_id}/review`, { lease_id: review.lease.lease_id, result: 'fixed', response: fixedResponse, comments: 'Missed a person.' });
    assert.equal(fixed.status, 200, fixed.text);
    const done = await getTask(server.current, task.task_id);
    assert.deepEqual(done.response, fixedResponse);
    assert.deepEqual(done.prior_responses, [labeled]);
    assert.equal(done.audits[0].audit_result, 'fixed');
    assert.equal(done.audits[0].comments, 'Missed a person.');
  });

  it('sends a rejected task back to the queue, where its first labeler may take it again, with the comments', async () => {
    const project = unique('rework');
    await createProject(server.current, { type: 'categorization', name: project, params: { review: true } });
    const [labeler] = await addWorkers(server.current, 1);
    const [reviewer] = await addWorkers(server.current, 1, 'member', 'reviewer');
    await assign(server.current, [labeler, reviewer], [project]);
    const task = await createTask(server.current, 'categorization', categorization(project));
    assert.equal(await submit(server.current, labeler, await next(server.current, labeler), { category: 'cat' }), 'review');
    const review = await next(server.current, reviewer, 'kind=review');
    await call(server.current, reviewer, 'POST', `/tasks/${task.task_id}/review`, { lease_id: review.lease.lease_id, result: 'rejected', comments: 'That is a bird.' });

    // A team of one labeler is not stuck: the rework round is open to the labeler of the last one.
    const rework = await next(server.current, labeler);
    assert.equal(rework.task.task_id, task.task_id);
    assert.deepEqual(rework.review_comments, ['That is a bird.']);
    assert.equal(await submit(server.current, labeler, rework, { category: 'bird' }), 'review');
    assert.equal(await next(server.current, labeler), null, 'one attempt per labeler and round');
    const again = await next(server.current, reviewer, 'kind=review');
    await call(server.current, reviewer, 'POST', `/tasks/${task.task_id}/review`, { lease_id: again.lease.lease_id, result: 'accepted' });
    assert.deepEqual((await getTask(server.current, task.task_id)).response, { category: 'bird' });
  });

  it('sends a rejected task back to the queue for another labeler, who sees the comments', async () => {
    const project = unique('rejected');
    await createProject(server.current, { type: 'categorization', name: project, params: { review: true } });
    const [first, second] = await addWorkers(server.current, 2);
    const [reviewer] = await addWorkers(server.current, 1, 'member', 'reviewer');
    await assign(server.current, [first, second, reviewer], [project]);
    const task = await createTask(server.current, 'categorization', categorization(project));
    assert.equal(await submit(server.current, first, await next(server.current, first), { category: 'cat' }), 'review');

    const review = await next(server.current, reviewer, 'kind=review');
    const noComment = await call(server.current, reviewer, 'POST', `/tasks/${task.task_id}/review`, { lease_id: review.lease.lease_id, result: 'rejected' });
    assert.equal(noComment.status, 400);
    assert.match(noComment.body.error, /comments/);
    const rejected = await call(server.current, reviewer, 'POST', `/tasks/${task.task_id}/review`, { lease_id: review.lease.lease_id, result: 'rejected', comments: 'That is a bird.' });
    assert.deepEqual(rejected.body, { task_id: task.task_id, next_state: 'queued' });
    assert.equal((await getTask(server.current, task.task_id)).status, 'pending');

    const rework = await next(server.current, second);
    assert.equal(rework.task.task_id, task.task_id);
    assert.deepEqual(rework.review_comments, ['That is a bird.']);
    assert.equal(await submit(server.current, second, rework, { category: 'bird' }), 'review');
    const again = await next(server.current, reviewer, 'kind=review');
    assert.deepEqual(again.response, { category: 'bird' });
    assert.deepEqual(again.review_comments, ['That is a bird.']);
    await call(server.current, reviewer, 'POST', `/tasks/${task.task_id}/review`, { lease_id: again.lease.lease_id, result: 'accepted' });
    const done = await getTask(server.current, task.task_id);
    assert.deepEqual(done.response, { category: 'bird' });
    assert.deepEqual(
      done.audits.map((audit: any) => audit.audit_result),
      ['rejected', 'accepted'],
    );
  });

  it('completes a consensus task with the merged response when the labelers agree', async () => {
    const project = unique('consensus');
    await createProject(server.current, { type: 'imageannotation', name: project, pipeline: 'consensus_task', consensus_attempts: 3 });
    const labelers = await addWorkers(server.current, 3);
    await assign(server.current, labelers, [project]);
    const task = await createTask(server.current, 'imageannotation', imageTask(project, { callback_url: receiver.url }));

    const states: string[] = [];
    for (const [index, labeler] of labelers.entries()) {
      const assignment = await next(server.current, labeler);
      assert.equal(assignment.task.task_id, task.task_id);
      states.push(await submit(server.current, labeler, assignment, { annotations: [box('car', 10 + index * 2)], global_attributes: {} }));
    }
    assert.deepEqual(states, ['queued', 'queued', 'completed']);
    const done = await getTask(server.current, task.task_id);
    assert.equal(done.status, 'completed');
    assert.equal(done.response.annotations.length, 1);
    assert.equal(done.response.annotations[0].left, 12, 'the mean of the three boxes');
    await waitFor(() => callbacksFor(task.task_id).some((body) => body.status === 'completed'));
  });

  it('routes a consensus task to review when the labelers disagree', async () => {
    const project = unique('disagree');
    await createProject(server.current, { type: 'categorization', name: project, pipeline: 'consensus_task', consensus_attempts: 2 });
    const [ana, ben] = await addWorkers(server.current, 2);
    const [reviewer] = await addWorkers(server.current, 1, 'manager', 'reviewer');
    await assign(server.current, [ana, ben, reviewer], [project]);
    const task = await createTask(server.current, 'categorization', categorization(project));
    assert.equal(await submit(server.current, ana, await next(server.current, ana), { category: 'cat' }), 'queued');
    assert.equal(await submit(server.current, ben, await next(server.current, ben), { category: 'dog' }), 'review');
    const review = await next(server.current, reviewer, 'kind=review');
    assert.equal(review.task.task_id, task.task_id);
    assert.ok(['cat', 'dog'].includes(review.response.category));
    const fixed = await call(server.current, reviewer, 'POST', `/tasks/${task.task_id}/review`, { lease_id: review.lease.lease_id, result: 'fixed', response: { category: 'bird' } });
    assert.equal(fixed.status, 200, fixed.text);
    assert.deepEqual((await getTask(server.current, task.task_id)).response, { category: 'bird' });
  });

  it('does not hand a reviewer a task they labeled', async () => {
    const project = unique('own');
    await createProject(server.current, { type: 'categorization', name: project, params: { review: true } });
    const [member] = await addWorkers(server.current, 1, 'member', 'member');
    await assign(server.current, [member], [project]);
    await createTask(server.current, 'categorization', categorization(project));
    assert.equal(await submit(server.current, member, await next(server.current, member), { category: 'cat' }), 'review');
    assert.equal(await next(server.current, member, 'kind=review'), null);
  });
});

describeEachDatabase('Gold tasks', (dialect) => {
  const server = useTestServer(dialect, { TAGWRIGHT_GOLD_RATE: '1' });

  it('mixes gold tasks into labeling and scores them against the expected response without touching customer tasks', async () => {
    const project = unique('gold');
    await createProject(server.current, { type: 'categorization', name: project });
    const [labeler, manager] = [...(await addWorkers(server.current, 1)), ...(await addWorkers(server.current, 1, 'manager', 'manager'))];
    await assign(server.current, [labeler], [project]);
    const customer = await createTask(server.current, 'categorization', categorization(project));
    const goldBody = { ...categorization(project), expected_response: { category: 'dog' } };
    const goldOne = await server.current.request('POST', '/v1/evaluation_tasks/categorization', { body: goldBody });
    const goldTwo = await server.current.request('POST', '/v1/evaluation_tasks/categorization', { body: goldBody });
    assert.equal(goldOne.status, 200, goldOne.text);

    const first = await next(server.current, labeler);
    assert.equal(first.task.task_id, goldOne.body.id, 'the rate is 1: gold first');
    assert.equal(first.task.project, project);
    assert.equal(await submit(server.current, labeler, first, { category: 'dog' }), 'completed');
    const second = await next(server.current, labeler);
    assert.equal(second.task.task_id, goldTwo.body.id);
    assert.equal(await submit(server.current, labeler, second, { category: 'cat' }), 'completed');
    const third = await next(server.current, labeler);
    assert.equal(third.task.task_id, customer.task_id, 'no gold left for this labeler: customer work');
    assert.equal((await getTask(server.current, customer.task_id)).status, 'pending');

    const scores = await call(server.current, manager, 'GET', `/quality/gold-scores?project=${encodeURIComponent(project)}`);
    assert.equal(scores.status, 200, scores.text);
    assert.deepEqual(scores.body, { labelers: [{ email: labeler.email, gold_attempts: 2, average_score: 0.5 }] });
    const forbidden = await call(server.current, labeler, 'GET', `/quality/gold-scores?project=${encodeURIComponent(project)}`);
    assert.equal(forbidden.status, 403);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
