import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.ts';
import { useTestServer } from '../helpers/server.ts';
import { addWorkers, assign, call, categorization, createProject, createTask, next, submit, unique, type TestWorker } from '../queue/helpers.ts';
import { backfillTaskAudits } from '../../src/db/migrations/0016_task_audits.ts';

describeEachDatabase("Labeler stats count the customer's audits", (dialect) => {
  const server = useTestServer(dialect, { TAGWRIGHT_GOLD_RATE: '0' });

  const apiAudit = async (taskId: string, accepted: boolean) => {
    const answer = await server.current.request('POST', `/v1/task/${taskId}/audit`, { body: { accepted, comments: accepted ? undefined : 'Wrong animal.' } });
    assert.equal(answer.status, 200, answer.text);
  };
  const statsOf = async (manager: TestWorker, project: string, who: TestWorker, query = '') => {
    const answer = await call(server.current, manager, 'GET', `/dashboard/labelers?project=${encodeURIComponent(project)}${query}`);
    assert.equal(answer.status, 200, answer.text);
    return answer.body.labelers.find((entry: any) => entry.email === who.email);
  };
  /** The labeler takes the next task and answers it; the standard pipeline completes it. */
  const label = async (worker: TestWorker, category: string) => {
    const assignment = await next(server.current, worker);
    assert.equal(await submit(server.current, worker, assignment, { category }), 'completed');
    return assignment.task.task_id as string;
  };

  it("counts API and dashboard audits for the labelers whose work was audited, and leaves internal reviews and the API's own completions out", async () => {
    const project = unique('audited');
    await createProject(server.current, { type: 'categorization', name: project });
    const [ana, ben] = await addWorkers(server.current, 2);
    const [manager] = await addWorkers(server.current, 1, 'manager', 'manager');
    await assign(server.current, [ana, ben], [project]);
    for (let index = 0; index < 3; index++) await createTask(server.current, 'categorization', categorization(project));
    const anaFirst = await label(ana, 'cat');
    const anaSecond = await label(ana, 'dog');
    const benOnly = await label(ben, 'bird');
    const byApi = await createTask(server.current, 'categorization', categorization(project));
    await server.current.request('POST', `/v1/task/${byApi.task_id}/cancel`);

    await apiAudit(anaFirst, true);
    await apiAudit(anaSecond, false);
    await apiAudit(benOnly, true);
    const dashboardAudit = await call(server.current, manager, 'POST', `/dashboard/tasks/${anaSecond}/audit`, { result: 'fixed', response: { category: 'cat' }, time_spent_secs: 7 });
    assert.equal(dashboardAudit.status, 200, dashboardAudit.text);

    const anaStats = await statsOf(manager, project, ana);
    assert.deepEqual(anaStats.customer_audits, { accepted: 1, rejected: 1, fixed: 1 });
    assert.deepEqual(anaStats.review_outcomes, {}, 'customer audits are not internal reviews');
    assert.deepEqual((await statsOf(manager, project, ben)).customer_audits, { accepted: 1 });
    const rows = await server.current.server.services.db.kysely.selectFrom('task_audits').select(['task_id', 'result', 'audit_time_ms']).where('task_id', '=', anaSecond).orderBy('audited_at').execute();
    assert.deepEqual(rows.map((row) => [row.result, Number(row.audit_time_ms)]), [['rejected', 0], ['fixed', 7000]]);

    // A time range counts only the audits made in it.
    const future = new Date(Date.now() + 3_600_000).toISOString();
    assert.deepEqual((await statsOf(manager, project, ana, `&start_time=${encodeURIComponent(future)}`)).customer_audits, {});
  });

  it("counts an audit of a consensus task for each labeler of its round", async () => {
    const project = unique('audited-consensus');
    await createProject(server.current, { type: 'categorization', name: project, pipeline: 'consensus_task', consensus_attempts: 2 });
    const [ana, ben] = await addWorkers(server.current, 2);
    const [manager] = await addWorkers(server.current, 1, 'manager', 'manager');
    await assign(server.current, [ana, ben], [project]);
    const task = await createTask(server.current, 'categorization', categorization(project));
    assert.equal(await submit(server.current, ana, await next(server.current, ana), { category: 'cat' }), 'queued');
    assert.equal(await submit(server.current, ben, await next(server.current, ben), { category: 'cat' }), 'completed');
    await apiAudit(task.task_id, false);
    assert.deepEqual((await statsOf(manager, project, ana)).customer_audits, { rejected: 1 });
    assert.deepEqual((await statsOf(manager, project, ben)).customer_audits, { rejected: 1 });
  });

  it('copies audits stored before the table existed (the migration backfill), skipping internal reviews', async () => {
    const project = unique('audited-before');
    await createProject(server.current, { type: 'categorization', name: project, params: { review: true } });
    const [ana] = await addWorkers(server.current, 1);
    const [reviewer] = await addWorkers(server.current, 1, 'manager', 'manager');
    await assign(server.current, [ana, reviewer], [project]);
    const task = await createTask(server.current, 'categorization', categorization(project));
    assert.equal(await submit(server.current, ana, await next(server.current, ana), { category: 'cat' }), 'review');
    const review = await next(server.current, reviewer, 'kind=review');
    await call(server.current, reviewer, 'POST', `/tasks/${task.task_id}/review`, { lease_id: review.lease.lease_id, result: 'accepted' });
    await apiAudit(task.task_id, true);

    // As a database upgraded from before 0016 would have it: the audits only in tasks.audits.
    const kysely = server.current.server.services.db.kysely;
    await kysely.deleteFrom('task_audits').execute();
    assert.deepEqual((await statsOf(reviewer, project, ana)).customer_audits, {});
    await backfillTaskAudits(kysely);
    assert.deepEqual((await statsOf(reviewer, project, ana)).customer_audits, { accepted: 1 }, 'the internal review entry is not copied');
  });
});
