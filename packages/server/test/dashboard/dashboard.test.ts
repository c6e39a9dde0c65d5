import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.ts';
import { TEST_KEY, useTestServer } from '../helpers/server.ts';
import { createBatch, createProject, createTask, insertTasks, liveCaller, outboxFor, unique } from '../tasks/helpers.ts';
import { newId } from '../../src/domain/ids.ts';
import { completeTask, ok, signedIn, type Browser } from './helpers.ts';

const BOX_RESPONSE = { annotations: [{ uuid: 'a1', type: 'box', label: 'car', left: 1, top: 2, width: 30, height: 40, attributes: {} }], global_attributes: {} };

describeEachDatabase('Dashboard app API', (dialect) => {
  const server = useTestServer(dialect);
  let manager: Browser;
  let labeler: Browser;

  before(async () => {
    manager = await signedIn(server.current, `manager-${dialect}@example.com`, 'manager');
    labeler = await signedIn(server.current, `labeler-${dialect}@example.com`, 'labeler');
  });

  it('refuses labelers with a 403 naming the roles the dashboard needs', async () => {
    const response = await labeler.call('GET', '/app/api/dashboard/projects');
    assert.equal(response.status, 403);
    assert.match(response.body.error, /member, manager, admin/);
  });

  it('lists projects with their task counts by status and a total', async () => {
    const project = unique('progress');
    await createProject(server.current, { name: project });
    const tasks = [];
    for (let index = 0; index < 3; index++) tasks.push(await createTask(server.current, 'imageannotation', { project }));
    ok(await server.current.request('POST', `/v1/task/${tasks[0].task_id}/cancel`));
    await completeTask(server.current, tasks[1].task_id, BOX_RESPONSE);
    const body = ok(await manager.call('GET', '/app/api/dashboard/projects'));
    const entry = body.projects.find((candidate: any) => candidate.name === project);
    assert.deepEqual(entry.counts, { pending: 1, completed: 1, error: 0, canceled: 1, total: 3 });
    assert.equal(entry.type, 'imageannotation');
  });

  it('lists the batches of a project with their progress counts', async () => {
    const project = unique('batched');
    await createProject(server.current, { name: project });
    const batch = unique('b');
    await createBatch(server.current, project, batch);
    await createTask(server.current, 'imageannotation', { project, batch });
    const done = await createTask(server.current, 'imageannotation', { project, batch });
    await completeTask(server.current, done.task_id, BOX_RESPONSE);
    const body = ok(await manager.call('GET', `/app/api/dashboard/batches?project=${encodeURIComponent(project)}`));
    assert.equal(body.total, 1);
    assert.equal(body.batches[0].name, batch);
    assert.equal(body.batches[0].status, 'in_progress');
    assert.deepEqual(body.batches[0].counts, { pending: 1, completed: 1, error: 0, canceled: 0, total: 2 });
  });

  it('counts completed tasks per hour and per day, zero-filled, in one series', async () => {
    const project = unique('throughput');
    await createProject(server.current, { name: project }, TEST_KEY);
    for (let index = 0; index < 3; index++) await createTask(server.current, 'imageannotation', { project }, { key: TEST_KEY });
    const hourly = ok(await server.current.request('GET', `/app/api/dashboard/throughput?bucket=hour&project=${project}`, { key: TEST_KEY }));
    assert.equal(hourly.bucket, 'hour');
    const total = (points: any[]) => points.reduce((sum: number, point: any) => sum + point.completed, 0);
    // The last 48 hours, the current one included; the three tasks fall in the last bucket (or the
    // one before, when the hour turned while the test ran).
    assert.equal(hourly.points.length, 48);
    assert.equal(total(hourly.points.slice(-2)), 3);
    assert.equal(total(hourly.points), 3);
    assert.equal(Date.parse(hourly.points[1].start) - Date.parse(hourly.points[0].start), 3_600_000);

    const daily = ok(await server.current.request('GET', `/app/api/dashboard/throughput?bucket=day&project=${project}&tz_offset_minutes=120`, { key: TEST_KEY }));
    assert.equal(daily.points.length, 14);
    assert.equal(total(daily.points.slice(-2)), 3);
    // Day buckets start at the viewer's midnight: 22:00 UTC for UTC+2.
    assert.match(daily.points[0].start, /T22:00:00\.000Z$/);
  });

  it('refuses a throughput range with too many points, naming the limit', async () => {
    const response = await manager.call('GET', '/app/api/dashboard/throughput?bucket=hour&start_time=2020-01-01&end_time=2021-01-01');
    assert.equal(response.status, 400);
    assert.match(response.body.error, /at most 1000/);
  });

  it('browses tasks newest first with keyset pages and filters by project, status and unique_id prefix', async () => {
    const project = unique('browse');
    const created = await createProject(server.current, { name: project });
    const accountId = (await liveCaller(server.current)).account.id;
    const inserted = await insertTasks(server.current, 5, { projectId: created.id, accountId });
    const newestFirst = inserted.map((task) => task.id).reverse();

    const seen: string[] = [];
    let token: string | null = null;
    let pages = 0;
    do {
      const query: string = `project=${project}&limit=2${token ? `&next_token=${token}` : ''}`;
      const page: any = ok(await manager.call('GET', `/app/api/dashboard/tasks?${query}`));
      seen.push(...page.tasks.map((task: any) => task.task_id));
      token = page.next_token;
      pages += 1;
    } while (token !== null);
    assert.deepEqual(seen, newestFirst);
    assert.equal(pages, 3);

    const tagged = await createTask(server.current, 'imageannotation', { project, unique_id: `${project}/frame-0007.jpg` });
    const byPrefix = ok(await manager.call('GET', `/app/api/dashboard/tasks?q=${encodeURIComponent(`${project}/frame-00`)}`));
    assert.deepEqual(byPrefix.tasks.map((task: any) => task.task_id), [tagged.task_id]);
    assert.equal(byPrefix.tasks[0].unique_id, `${project}/frame-0007.jpg`);
    const byId = ok(await manager.call('GET', `/app/api/dashboard/tasks?q=${tagged.task_id}`));
    assert.deepEqual(byId.tasks.map((task: any) => task.task_id), [tagged.task_id]);

    await completeTask(server.current, tagged.task_id, BOX_RESPONSE);
    const completed = ok(await manager.call('GET', `/app/api/dashboard/tasks?project=${project}&status=completed`));
    assert.deepEqual(completed.tasks.map((task: any) => task.task_id), [tagged.task_id]);
    assert.equal(completed.tasks[0].work_state, 'completed');
    const queued = ok(await manager.call('GET', `/app/api/dashboard/tasks?project=${project}&work_state=queued&limit=200`));
    assert.equal(queued.tasks.length, 5);
  });

  it('pages a unique_id search in unique_id order, after the task whose id matches', async () => {
    const project = unique('search');
    await createProject(server.current, { name: project });
    const prefix = `${project}/cam-1/`;
    const ids: Record<string, string> = {};
    for (const name of ['c.jpg', 'a.jpg', 'b.jpg']) ids[name] = (await createTask(server.current, 'imageannotation', { project, unique_id: `${prefix}${name}` })).task_id;
    const first = ok(await manager.call('GET', `/app/api/dashboard/tasks?q=${encodeURIComponent(prefix)}&limit=2`));
    assert.deepEqual(first.tasks.map((task: any) => task.unique_id), [`${prefix}a.jpg`, `${prefix}b.jpg`]);
    const second = ok(await manager.call('GET', `/app/api/dashboard/tasks?q=${encodeURIComponent(prefix)}&limit=2&next_token=${first.next_token}`));
    assert.deepEqual(second.tasks.map((task: any) => task.unique_id), [`${prefix}c.jpg`]);
    assert.equal(second.next_token, null);
    const mixed = await manager.call('GET', `/app/api/dashboard/tasks?limit=2&next_token=${first.next_token}`);
    assert.equal(mixed.status, 400, 'a search token is refused without the search');
  });

  it('answers 404 for an unknown project and 400 for a bad filter value in the task browser', async () => {
    assert.equal((await manager.call('GET', '/app/api/dashboard/tasks?project=no-such-project')).status, 404);
    const bad = await manager.call('GET', '/app/api/dashboard/tasks?work_state=sleeping');
    assert.equal(bad.status, 400);
    assert.match(bad.body.error, /work_state/);
  });

  it('shows a task with its v1 fields, work state and (empty) attempt history', async () => {
    const task = await createTask(server.current, 'imageannotation', { metadata: { frame: 7 } });
    const body = ok(await manager.call('GET', `/app/api/dashboard/tasks/${task.task_id}`));
    assert.equal(body.task.task_id, task.task_id);
    assert.deepEqual(body.task.metadata, { frame: 7 });
    assert.equal(body.task.work_state, 'queued');
    assert.deepEqual(body.attempts, []);
    assert.equal((await manager.call('GET', '/app/api/dashboard/tasks/000000000000000000000000')).status, 404);
  });

  it('records a dashboard accept as an audit by the signed-in teammate and queues the callback', async () => {
    const task = await createTask(server.current, 'imageannotation', { callback_url: 'http://127.0.0.1:9/hook' });
    await completeTask(server.current, task.task_id, BOX_RESPONSE);
    const body = ok(await manager.call('POST', `/app/api/dashboard/tasks/${task.task_id}/audit`, { result: 'accepted', comments: 'Looks right' }));
    assert.equal(body.task.customer_review_status, 'accepted');
    assert.deepEqual(body.task.customer_review_comments, ['Looks right']);
    assert.equal(body.task.audits[0].audited_by, manager.email);
    assert.equal(body.task.audits[0].audit_source, 'customer');
    const events = (await outboxFor(server.current, task.task_id)).map((row) => row.event);
    assert.deepEqual(events, ['completed', 'audit']);
  });

  it('replaces the response on a dashboard fix and keeps the old one in prior_responses', async () => {
    const task = await createTask(server.current, 'imageannotation');
    await completeTask(server.current, task.task_id, BOX_RESPONSE);
    const fixed = { annotations: [], global_attributes: {} };
    const body = ok(await manager.call('POST', `/app/api/dashboard/tasks/${task.task_id}/audit`, { result: 'fixed', response: fixed }));
    assert.equal(body.task.customer_review_status, 'fixed');
    assert.deepEqual(body.task.response, fixed);
    assert.deepEqual(body.task.prior_responses, [BOX_RESPONSE]);
    const v1 = ok(await server.current.request('GET', `/v1/task/${task.task_id}`));
    assert.deepEqual(v1.response, fixed);
  });

  it('refuses audits of pending tasks, comments without text, and writes without the CSRF header', async () => {
    const task = await createTask(server.current, 'imageannotation');
    const pending = await manager.call('POST', `/app/api/dashboard/tasks/${task.task_id}/audit`, { result: 'accepted' });
    assert.equal(pending.status, 400);
    assert.match(pending.body.error, /Only completed tasks/);
    await completeTask(server.current, task.task_id, BOX_RESPONSE);
    const noComment = await manager.call('POST', `/app/api/dashboard/tasks/${task.task_id}/audit`, { result: 'commented' });
    assert.equal(noComment.status, 400);
    assert.match(noComment.body.error, /comments/);
    const { cookie } = await (await import('../session/helpers.ts')).signIn(server.current, manager.email, 'correct horse battery');
    const noCsrf = await server.current.request('POST', `/app/api/dashboard/tasks/${task.task_id}/audit`, { key: null, headers: { cookie }, body: { result: 'accepted' } });
    assert.equal(noCsrf.status, 403);
  });

  it("aggregates labelers' attempts: counts, mean time, gold accuracy, agreement and review outcomes", async () => {
    const project = await createProject(server.current, { name: unique('stats'), pipeline: 'consensus_task', consensus_attempts: 2 });
    const worker = await signedIn(server.current, `worker-${dialect}@example.com`, 'labeler');
    const accountId = (await liveCaller(server.current)).account.id;
    const kysely = server.current.server.services.db.kysely;
    const now = Date.now();
    const attempt = (taskId: string, kind: string, extra: Record<string, unknown>) => ({
      id: newId(),
      account_id: accountId,
      project_id: project.id,
      task_id: taskId,
      user_id: worker.userId,
      kind,
      round: 0,
      attempt_no: kind === 'gold' ? null : 1,
      response: null,
      started_at: now - 10_000,
      submitted_at: now,
      time_spent_ms: 4000,
      score: null,
      result: null,
      comments: null,
      ...extra,
    });
    const [first, second] = ['t1', 't2'].map(() => newId());
    await kysely
      .insertInto('task_attempts')
      .values([
        attempt(first, 'label', { time_spent_ms: 4000 }),
        attempt(second, 'label', { time_spent_ms: 8000 }),
        attempt(newId(), 'gold', { score: 1 }),
        attempt(newId(), 'gold', { score: 0.5 }),
        { ...attempt(first, 'review', { result: 'accepted' }), user_id: manager.userId },
        { ...attempt(second, 'review', { result: 'rejected' }), user_id: manager.userId },
      ] as never)
      .execute();
    await kysely
      .insertInto('task_work')
      .values([
        { task_id: first, round: 0, attempts: 1, pending_response: null, review_reason: null, agreement: 0.9, updated_at: now },
        { task_id: second, round: 0, attempts: 1, pending_response: null, review_reason: null, agreement: 0.7, updated_at: now },
      ])
      .execute();

    const body = ok(await manager.call('GET', `/app/api/dashboard/labelers?project=${encodeURIComponent(project.name)}`));
    const stats = body.labelers.find((entry: any) => entry.email === worker.email);
    assert.equal(stats.tasks_labeled, 2);
    assert.equal(stats.mean_label_secs, 6);
    assert.equal(stats.gold_answered, 2);
    assert.equal(stats.gold_accuracy, 0.75);
    assert.ok(Math.abs(stats.agreement - 0.8) < 1e-9);
    assert.equal(stats.agreement_tasks, 2);
    assert.deepEqual(stats.review_outcomes, { accepted: 1, rejected: 1 });
    const reviewer = body.labelers.find((entry: any) => entry.email === manager.email);
    assert.equal(reviewer.reviews_done, 2);
    // A labeler with no work yet is listed with zeros.
    const idle = body.labelers.find((entry: any) => entry.email === labeler.email);
    assert.equal(idle.tasks_labeled, 0);
    assert.equal(idle.mean_label_secs, undefined);
  });
});
