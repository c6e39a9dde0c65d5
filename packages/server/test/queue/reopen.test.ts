import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.ts';
import { useTestServer } from '../helpers/server.ts';
import { addWorkers, assign, call, categorization, createProject, createTask, getTask, next, submit, unique, type TestWorker } from './helpers.ts';

describeEachDatabase('Reopening a submission', (dialect) => {
  const server = useTestServer(dialect, { TAGWRIGHT_GOLD_RATE: '0' });
  const reopen = (worker: TestWorker, taskId: string) => call(server.current, worker, 'POST', `/tasks/${taskId}/reopen`);
  const labelAttempts = (taskId: string) =>
    server.current.server.services.db.kysely.selectFrom('task_attempts').select(['user_id', 'round', 'attempt_no', 'response']).where('task_id', '=', taskId).where('kind', '=', 'label').orderBy('attempt_no').execute();

  async function reviewedProject(labelers = 1) {
    const project = unique('reopen');
    await createProject(server.current, { type: 'categorization', name: project, params: { review: true } });
    const workers = await addWorkers(server.current, labelers);
    const [reviewer] = await addWorkers(server.current, 1, 'member', 'reviewer');
    await assign(server.current, [...workers, reviewer], [project]);
    return { project, workers, reviewer };
  }

  it('hands a submission waiting for review back to its labeler with the answer as draft, and the resubmission is what the reviewer sees', async () => {
    const { project, workers: [labeler], reviewer } = await reviewedProject();
    const task = await createTask(server.current, 'categorization', categorization(project));
    assert.equal(await submit(server.current, labeler, await next(server.current, labeler), { category: 'cat' }), 'review');

    const reopened = await reopen(labeler, task.task_id);
    assert.equal(reopened.status, 200, reopened.text);
    const assignment = reopened.body.assignment;
    assert.equal(assignment.task.task_id, task.task_id);
    assert.equal(assignment.lease.kind, 'label');
    assert.deepEqual(assignment.draft.response, { category: 'cat' });
    assert.equal(await next(server.current, reviewer, 'kind=review'), null, 'a reopened task is not up for review');
    assert.equal((await next(server.current, labeler)).lease.lease_id, assignment.lease.lease_id, 'a reload hands the reopened task back');

    assert.equal(await submit(server.current, labeler, assignment, { category: 'dog' }), 'review');
    assert.deepEqual((await labelAttempts(task.task_id)).map((row) => row.attempt_no), [1], 'the withdrawn attempt is replaced, not added to');
    const review = await next(server.current, reviewer, 'kind=review');
    assert.deepEqual(review.response, { category: 'dog' });
    await call(server.current, reviewer, 'POST', `/tasks/${task.task_id}/review`, { lease_id: review.lease.lease_id, result: 'accepted' });
    assert.deepEqual((await getTask(server.current, task.task_id)).response, { category: 'dog' });
  });

  it('answers 409 once a reviewer holds the task, and again once it is completed and delivered', async () => {
    const { project, workers: [labeler], reviewer } = await reviewedProject();
    const task = await createTask(server.current, 'categorization', categorization(project));
    await submit(server.current, labeler, await next(server.current, labeler), { category: 'cat' });
    const review = await next(server.current, reviewer, 'kind=review');

    const underReview = await reopen(labeler, task.task_id);
    assert.equal(underReview.status, 409, underReview.text);
    assert.deepEqual(Object.keys(underReview.body).sort(), ['error', 'status_code']);
    assert.match(underReview.body.error, /reviewer is reviewing/);

    await call(server.current, reviewer, 'POST', `/tasks/${task.task_id}/review`, { lease_id: review.lease.lease_id, result: 'accepted' });
    const completed = await reopen(labeler, task.task_id);
    assert.equal(completed.status, 409);
    assert.match(completed.body.error, /completed: its response has been delivered/);
  });

  it('answers 409 for a standard task that completed on submission', async () => {
    const project = unique('reopen-standard');
    await createProject(server.current, { type: 'categorization', name: project });
    const [labeler] = await addWorkers(server.current, 1);
    await assign(server.current, [labeler], [project]);
    const task = await createTask(server.current, 'categorization', categorization(project));
    assert.equal(await submit(server.current, labeler, await next(server.current, labeler), { category: 'bird' }), 'completed');
    const answer = await reopen(labeler, task.task_id);
    assert.equal(answer.status, 409);
    assert.match(answer.body.error, new RegExp(`Task ${task.task_id} is completed`));
  });

  it('answers 404 to someone who never submitted the task, and for an unknown task', async () => {
    const { project, workers: [labeler, other] } = await reviewedProject(2);
    const task = await createTask(server.current, 'categorization', categorization(project));
    await submit(server.current, labeler, await next(server.current, labeler), { category: 'cat' });
    const notTheirs = await reopen(other, task.task_id);
    assert.equal(notTheirs.status, 404);
    assert.match(notTheirs.body.error, /You have not submitted a task with id/);
    assert.equal((await reopen(labeler, 'no-such-task')).status, 404);
  });

  it('answers 409 after a reviewer rejected the submission into a new round', async () => {
    const { project, workers: [labeler], reviewer } = await reviewedProject();
    const task = await createTask(server.current, 'categorization', categorization(project));
    await submit(server.current, labeler, await next(server.current, labeler), { category: 'cat' });
    const review = await next(server.current, reviewer, 'kind=review');
    await call(server.current, reviewer, 'POST', `/tasks/${task.task_id}/review`, { lease_id: review.lease.lease_id, result: 'rejected', comments: 'A bird.' });
    const answer = await reopen(labeler, task.task_id);
    assert.equal(answer.status, 409);
    assert.match(answer.body.error, /has been reviewed since you submitted it/);
  });

  it('answers 409 past the reopen window', async () => {
    const { project, workers: [labeler] } = await reviewedProject();
    const task = await createTask(server.current, 'categorization', categorization(project));
    await submit(server.current, labeler, await next(server.current, labeler), { category: 'cat' });
    const kysely = server.current.server.services.db.kysely;
    await kysely.updateTable('task_attempts').set({ submitted_at: Date.now() - 2 * 3_600_000 }).where('task_id', '=', task.task_id).execute();
    const answer = await reopen(labeler, task.task_id);
    assert.equal(answer.status, 409);
    assert.match(answer.body.error, /more than 1 hour ago.*TAGWRIGHT_REOPEN_SECONDS/);
  });

  it('gives back the task the labeler took next, which then waits for anyone again', async () => {
    const { project, workers: [labeler] } = await reviewedProject();
    const first = await createTask(server.current, 'categorization', categorization(project));
    await createTask(server.current, 'categorization', categorization(project));
    await submit(server.current, labeler, await next(server.current, labeler), { category: 'cat' });
    const second = await next(server.current, labeler);
    assert.notEqual(second.task.task_id, first.task_id);

    const reopened = await reopen(labeler, first.task_id);
    assert.equal(reopened.status, 200, reopened.text);
    const lost = await call(server.current, labeler, 'POST', `/leases/${second.lease.lease_id}/renew`);
    assert.equal(lost.status, 409, 'the lease on the next task was given back');
    await submit(server.current, labeler, reopened.body.assignment, { category: 'bird' });
    assert.equal((await next(server.current, labeler)).task.task_id, second.task.task_id, 'the given-back task waits in the queue again');
  });

  it('lets a consensus labeler reopen while the round collects attempts, keeps attempt slots dense, and refuses once the round is decided', async () => {
    const project = unique('reopen-consensus');
    await createProject(server.current, { type: 'categorization', name: project, pipeline: 'consensus_task', consensus_attempts: 3 });
    const [ana, ben, cy] = await addWorkers(server.current, 3);
    await assign(server.current, [ana, ben, cy], [project]);
    const task = await createTask(server.current, 'categorization', categorization(project));
    assert.equal(await submit(server.current, ana, await next(server.current, ana), { category: 'dog' }), 'queued');
    const benWork = await next(server.current, ben);

    const busy = await reopen(ana, task.task_id);
    assert.equal(busy.status, 409, 'one lease per task: another labeler holds it');
    assert.match(busy.body.error, /Another labeler is working on task/);
    assert.equal(await submit(server.current, ben, benWork, { category: 'cat' }), 'queued');

    const reopened = await reopen(ana, task.task_id);
    assert.equal(reopened.status, 200, reopened.text);
    assert.deepEqual(reopened.body.assignment.draft.response, { category: 'dog' });
    assert.deepEqual((await labelAttempts(task.task_id)).map((row) => [row.user_id, row.attempt_no]), [[ben.id, 1]]);
    assert.equal(await submit(server.current, ana, reopened.body.assignment, { category: 'cat' }), 'queued');
    assert.equal(await submit(server.current, cy, await next(server.current, cy), { category: 'cat' }), 'completed');
    const attempts = await labelAttempts(task.task_id);
    assert.deepEqual(attempts.map((row) => [row.user_id, row.attempt_no]), [[ben.id, 1], [ana.id, 2], [cy.id, 3]]);
    assert.deepEqual((await getTask(server.current, task.task_id)).response, { category: 'cat' }, 'the corrected answer counted');
    assert.equal((await reopen(ana, task.task_id)).status, 409);
  });

  it('lists the recent submissions newest first, one per task, saying which can still be reopened and why not', async () => {
    const { project, workers: [labeler], reviewer } = await reviewedProject();
    const first = await createTask(server.current, 'categorization', categorization(project));
    const second = await createTask(server.current, 'categorization', categorization(project));
    await submit(server.current, labeler, await next(server.current, labeler), { category: 'cat' });
    await submit(server.current, labeler, await next(server.current, labeler), { category: 'dog' });
    const review = await next(server.current, reviewer, 'kind=review');
    assert.equal(review.task.task_id, first.task_id);

    const answer = await call(server.current, labeler, 'GET', '/queue/recent');
    assert.equal(answer.status, 200, answer.text);
    const submissions = answer.body.submissions;
    assert.deepEqual(submissions.map((entry: any) => [entry.task_id, entry.project, entry.type, entry.reopenable]), [
      [second.task_id, project, 'categorization', true],
      [first.task_id, project, 'categorization', false],
    ]);
    assert.equal(submissions[0].reason, undefined);
    assert.equal(submissions[1].closed_because, 'in_review');
    assert.match(submissions[1].reason, /A reviewer is reviewing task/);
    assert.ok(!Number.isNaN(Date.parse(submissions[0].submitted_at)));
    assert.equal((await call(server.current, labeler, 'GET', '/queue/recent?limit=1')).body.submissions.length, 1);
    const badLimit = await call(server.current, labeler, 'GET', '/queue/recent?limit=500');
    assert.equal(badLimit.status, 400);
    assert.match(badLimit.body.error, /limit/);
  });

  it('refuses to reopen a consensus round whose attempts are all in and wait for review', async () => {
    const project = unique('reopen-decided');
    await createProject(server.current, { type: 'categorization', name: project, pipeline: 'consensus_task', consensus_attempts: 2 });
    const [ana, ben] = await addWorkers(server.current, 2);
    await assign(server.current, [ana, ben], [project]);
    const task = await createTask(server.current, 'categorization', categorization(project));
    await submit(server.current, ana, await next(server.current, ana), { category: 'dog' });
    assert.equal(await submit(server.current, ben, await next(server.current, ben), { category: 'cat' }), 'review');
    const answer = await reopen(ben, task.task_id);
    assert.equal(answer.status, 409);
    assert.match(answer.body.error, /All 2 consensus attempts .* are in/);
  });
});
