import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.ts';
import { useTestServer } from '../helpers/server.ts';
import { addWorkers, assign, call, categorization, createProject, createTask, next, submit, unique } from './helpers.ts';

describeEachDatabase('Work queue: a person’s own progress today', (dialect) => {
  const server = useTestServer(dialect, { TAGWRIGHT_GOLD_RATE: '0' });
  const progress = (worker: Awaited<ReturnType<typeof addWorkers>>[number], query: string) => call(server.current, worker, 'GET', `/queue/progress?${query}`);

  it('counts what the caller submitted since the start of their day, in all projects and in the one named; skips and other people do not count', async () => {
    const [first, second] = [unique('progress-a'), unique('progress-b')];
    await createProject(server.current, { type: 'categorization', name: first });
    await createProject(server.current, { type: 'categorization', name: second });
    const [labeler, colleague] = await addWorkers(server.current, 2);
    await assign(server.current, [labeler, colleague], [first, second]);
    for (let n = 0; n < 3; n++) await createTask(server.current, 'categorization', categorization(first));
    await createTask(server.current, 'categorization', categorization(second));
    await createTask(server.current, 'categorization', categorization(second));

    const startOfDay = new Date(Date.now() - 60_000).toISOString();
    const before = await progress(labeler, `since=${startOfDay}&project=${first}`);
    assert.equal(before.status, 200, before.text);
    assert.deepEqual(before.body, { kind: 'label', since: startOfDay, done: 0, project: { name: first, done: 0 } });

    for (let n = 0; n < 2; n++) await submit(server.current, labeler, await next(server.current, labeler, `project=${first}`), { category: 'cat' });
    await submit(server.current, labeler, await next(server.current, labeler, `project=${second}`), { category: 'dog' });
    const skipped = await next(server.current, labeler, `project=${second}`);
    assert.equal((await call(server.current, labeler, 'POST', `/tasks/${skipped.task.task_id}/skip`, { lease_id: skipped.lease.lease_id, reason: 'Other' })).status, 200);
    await submit(server.current, colleague, await next(server.current, colleague, `project=${first}`), { category: 'cat' });

    const mine = await progress(labeler, `since=${startOfDay}&project=${first}`);
    assert.deepEqual(mine.body, { kind: 'label', since: startOfDay, done: 3, project: { name: first, done: 2 } });
    const everywhere = await progress(labeler, `since=${startOfDay}`);
    assert.deepEqual(everywhere.body, { kind: 'label', since: startOfDay, done: 3 });
    const later = await progress(labeler, `since=${new Date(Date.now() + 60_000).toISOString()}`);
    assert.equal(later.body.done, 0, 'nothing was submitted after a later start');
    const reviews = await progress(labeler, `kind=review&since=${startOfDay}`);
    assert.equal(reviews.body.done, 0, 'label work is not review work');
  });

  it('names what is wrong with the question', async () => {
    const [labeler] = await addWorkers(server.current, 1);
    const missing = await progress(labeler, 'kind=label');
    assert.equal(missing.status, 400);
    assert.match(missing.body.error, /since is required/);
    const tooOld = await progress(labeler, `since=${new Date(Date.now() - 40 * 86_400_000).toISOString()}`);
    assert.equal(tooOld.status, 400);
    assert.match(tooOld.body.error, /31 days/);
    const garbage = await progress(labeler, 'since=yesterday');
    assert.equal(garbage.status, 400);
    assert.match(garbage.body.error, /since/);
    const unknown = await progress(labeler, `since=${new Date().toISOString()}&project=no-such-project`);
    assert.equal(unknown.status, 404);
    assert.match(unknown.body.error, /no-such-project/);
  });
});
