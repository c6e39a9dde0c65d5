import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { sql } from 'kysely';
import type { RunningServer } from '../../src/server.ts';
import { StatementGroups } from '../../src/db/statement-groups.ts';
import { newId } from '../../src/domain/ids.ts';
import type { CheckedInsert, Task } from '../../src/repositories/task.repository.ts';
import type { CheckedTaskCreate } from '../../src/services/task-lifecycle.ts';
import { describeEachDatabase } from '../helpers/databases.ts';
import { closeServerPair, LIVE_KEY, postgresStatementsOf, startServerPair, TEST_KEY, type TestServer } from '../helpers/server.ts';
import { createProject, unique, validBody } from './helpers.ts';

/**
 * On PostgreSQL, live creates of remembered projects that arrive together go to the database as one
 * multi-row statement (db/statement-groups.ts, repositories/task-create-group.ts). These tests hold
 * that each request still gets the answer it got alone, on both databases; on PostgreSQL they also
 * check the creates were in fact grouped (a group statement was sent, fewer statements than creates).
 */
describeEachDatabase('grouped task creates', (dialect) => {
  let server: TestServer;
  /** A second server on the same database, as another process of a multi-node install. */
  let other: RunningServer;
  before(async () => {
    ({ server, other } = await startServerPair(dialect, { TAGWRIGHT_ROLE: 'api' }));
  });
  after(() => closeServerPair(server, other));

  const isGroup = (text: string) => /\bunnest\(/.test(text) && /\binsert into tasks\b/.test(text);

  function create(body: Record<string, unknown>, key = LIVE_KEY) {
    return server.request('POST', '/v1/task/imageannotation', { key, body: { ...validBody('imageannotation'), ...body } });
  }

  /** Per project: the counters' sum against a count(*) of the tasks. */
  async function assertCountersExact(): Promise<void> {
    const { kysely } = server.server.services.db;
    const counted = await kysely.selectFrom('task_counts').select(['project_id', sql<string>`sum(n)`.as('n')]).groupBy('project_id').execute();
    const rows = await kysely.selectFrom('tasks').select(['project_id', sql<string>`count(*)`.as('n')]).groupBy('project_id').execute();
    const byProject = (list: Array<{ project_id: string; n: string | number }>) =>
      Object.fromEntries(list.filter((row) => Number(row.n) !== 0).map((row) => [row.project_id, Number(row.n)]));
    assert.deepEqual(byProject(counted), byProject(rows));
  }

  /** Runs `work` and, on PostgreSQL, asserts its creates went in fewer statements than `creates`, at least one a group. */
  async function grouped(creates: number, work: () => Promise<void>): Promise<void> {
    if (dialect !== 'postgres') return work();
    const seen = await postgresStatementsOf(work);
    const inserts = seen.filter((text) => /\binsert into tasks\b/.test(text));
    assert.ok(inserts.some(isGroup), `no group statement among ${inserts.length} inserts`);
    assert.ok(inserts.length < creates, `${inserts.length} insert statements for ${creates} creates`);
  }

  it('creates concurrently in several accounts and projects: each in its scope, duplicates answer the 409 naming the task', async () => {
    const second = await server.createAccount();
    const projects = [unique('g-a'), unique('g-b')];
    for (const name of projects) {
      await createProject(server, { name });
      await createProject(server, { name }, second.liveKey);
      await createProject(server, { name }, TEST_KEY);
    }
    const taken = unique('taken');
    const existing = await create({ project: projects[0], unique_id: taken });
    assert.equal(existing.status, 200, existing.text);
    // One create per project and key first, so every project is remembered.
    for (const name of projects) for (const key of [LIVE_KEY, second.liveKey, TEST_KEY]) assert.equal((await create({ project: name }, key)).status, 200);

    const twice = unique('twice');
    const requests: Array<{ body: Record<string, unknown>; key: string }> = [];
    for (let index = 0; index < 24; index++) {
      const key = [LIVE_KEY, second.liveKey, TEST_KEY][index % 3];
      requests.push({ body: { project: projects[index % 2], metadata: { index } }, key });
    }
    // The same unique_id twice in the live key's scope, once more in the second account's (its own scope), and a taken one.
    requests.push({ body: { project: projects[0], unique_id: twice }, key: LIVE_KEY });
    requests.push({ body: { project: projects[1], unique_id: twice }, key: LIVE_KEY });
    requests.push({ body: { project: projects[1], unique_id: twice }, key: second.liveKey });
    requests.push({ body: { project: projects[1], unique_id: taken }, key: LIVE_KEY });

    let answers: Awaited<ReturnType<typeof create>>[] = [];
    await grouped(requests.length, async () => {
      answers = await Promise.all(requests.map((request) => create(request.body, request.key)));
    });
    for (const answer of answers.slice(0, 24)) assert.equal(answer.status, 200, answer.text);
    const [first, again, elsewhere, repeat] = answers.slice(24);
    assert.deepEqual([first.status, again.status].sort(), [200, 409], `${first.text} ${again.text}`);
    const winner = first.status === 200 ? first : again;
    const loser = first.status === 200 ? again : first;
    assert.equal(loser.body.task_id, winner.body.task_id, loser.text);
    assert.equal(elsewhere.status, 200, elsewhere.text);
    assert.notEqual(elsewhere.body.task_id, winner.body.task_id);
    assert.equal(repeat.status, 409, repeat.text);
    assert.equal(repeat.body.task_id, existing.body.task_id);

    // Each task where its request put it, and readable only there.
    for (const [index, answer] of answers.slice(0, 24).entries()) {
      const key = requests[index].key;
      const read = await server.request('GET', `/v1/task/${answer.body.task_id}`, { key });
      assert.equal(read.status, 200, read.text);
      assert.equal(read.body.project, requests[index].body.project);
      assert.deepEqual(read.body.metadata, { index });
      const foreign = key === LIVE_KEY ? second.liveKey : LIVE_KEY;
      assert.equal((await server.request('GET', `/v1/task/${answer.body.task_id}`, { key: foreign })).status, 404);
    }
    for (const key of [LIVE_KEY, second.liveKey, TEST_KEY]) {
      for (const name of projects) {
        const total = await server.request('GET', `/v1/tasks?project=${encodeURIComponent(name)}&limit=1`, { key });
        const listed = await server.request('GET', `/v1/tasks?project=${encodeURIComponent(name)}&limit=100`, { key });
        assert.equal(total.body.total, listed.body.docs.length, `${key} ${name}`);
      }
    }
    await assertCountersExact();
  });

  it("builds grouped creates from the parameters another server just set", async () => {
    const project = unique('g-params');
    await createProject(server, { name: project, params: { instruction: 'Rules A.' } });
    assert.equal((await create({ project, instruction: 'Task.' })).body.instruction, 'Task.\n\nRules A.');
    const changed = await fetch(`${other.url}/v1/projects/${encodeURIComponent(project)}/setParams`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${LIVE_KEY}:`).toString('base64')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ instruction: 'Rules B.' }),
    });
    assert.equal(changed.status, 200, await changed.text());
    let answers: Awaited<ReturnType<typeof create>>[] = [];
    // Every create finds the project changed (stale-project), reads it again and creates again: 2 × 12 creates at most.
    await grouped(24, async () => {
      answers = await Promise.all(Array.from({ length: 12 }, () => create({ project, instruction: 'Task.' })));
    });
    for (const answer of answers) {
      assert.equal(answer.status, 200, answer.text);
      assert.equal(answer.body.instruction, 'Task.\n\nRules B.');
      const stored = await server.request('GET', `/v1/task/${answer.body.task_id}`);
      assert.equal(stored.body.instruction, 'Task.\n\nRules B.');
    }
    await assertCountersExact();
  });

  it('sends N concurrent creates of one project in fewer than N statements on PostgreSQL', { skip: dialect !== 'postgres' && 'PostgreSQL round trips' }, async () => {
    const project = unique('g-count');
    await createProject(server, { name: project });
    assert.equal((await create({ project })).status, 200);
    const creates = 16;
    const seen = await postgresStatementsOf(async () => {
      const answers = await Promise.all(Array.from({ length: creates }, () => create({ project })));
      for (const answer of answers) assert.equal(answer.status, 200, answer.text);
    });
    const touching = seen.filter((text) => /\b(projects|tasks|task_counts|accounts)\b/.test(text));
    assert.ok(touching.length < creates, `${touching.length} statements for ${creates} creates:\n${touching.join('\n')}`);
    assert.ok(touching.some(isGroup));
    await assertCountersExact();
  });

  it('gives each unit of one group statement its own outcome, and falls back to one statement each when the group fails', { skip: dialect !== 'postgres' && 'the group statement is PostgreSQL' }, async () => {
    const { db, taskLifecycle } = server.server.services;
    const second = await server.createAccount();
    const scopes = [
      { account: (await server.server.services.accounts.authenticate(LIVE_KEY))!.account.id, environment: 'live' as const, key: LIVE_KEY },
      { account: second.accountId, environment: 'live' as const, key: second.liveKey },
      { account: (await server.server.services.accounts.authenticate(TEST_KEY))!.account.id, environment: 'test' as const, key: TEST_KEY },
    ];
    const name = unique('g-units');
    for (const scope of scopes) await createProject(server, { name }, scope.key);
    const projects = await db.kysely
      .selectFrom('projects')
      .select(['id', 'account_id', 'environment', sql<string>`md5(param_history)`.as('md5')])
      .where('name', '=', name)
      .execute();
    const projectOf = (scope: (typeof scopes)[number]) => projects.find((row) => row.account_id === scope.account && row.environment === scope.environment)!;
    const taken = unique('taken');
    const unit = (scope: (typeof scopes)[number], extra: Partial<Task> = {}, md5?: string): CheckedTaskCreate => {
      const now = Date.now();
      const project = projectOf(scope);
      const task: Task = {
        id: newId(now), account_id: scope.account, environment: scope.environment, project_id: project.id, batch_id: null, type: 'imageannotation',
        status: 'pending', work_state: 'queued', instruction: null, params: { attachment: 'https://cdn.example.com/x.jpg' }, callback_url: null,
        callback_succeeded: null, response: null, metadata: {}, unique_id: null, tags: null, priority: null, project_param_version: null,
        customer_review_status: null, customer_review_comments: null, prior_responses: null, audits: null, created_at: now, updated_at: now,
        completed_at: null, project_name: name, batch_name: null, ...extra,
      } as Task;
      return { task, project: { name, historyMd5: md5 ?? project.md5 } };
    };
    const [existing] = await taskLifecycle.createUnbatchedCheckedTasks(db.kysely, [unit(scopes[0], { unique_id: taken })]);
    assert.equal(existing.outcome, 'created');

    const twice = unique('twice');
    const units = [
      unit(scopes[0]),
      unit(scopes[1], { unique_id: twice }),
      unit(scopes[2], { unique_id: twice }),
      unit(scopes[0], { unique_id: twice }),
      unit(scopes[0], { unique_id: twice }),
      unit(scopes[0], { unique_id: taken }),
      unit(scopes[1], {}, 'not-the-md5'),
      unit(scopes[2]),
    ];
    const outcomes = (await taskLifecycle.createUnbatchedCheckedTasks(db.kysely, units)).map((result) => result.outcome);
    assert.deepEqual(outcomes, ['created', 'created', 'created', 'created', 'duplicate', 'duplicate', 'stale-project', 'created'] satisfies CheckedInsert[]);
    const holder = await db.kysely.selectFrom('tasks').select('id').where('account_id', '=', scopes[0].account).where('environment', '=', 'live').where('unique_id', '=', twice).executeTakeFirstOrThrow();
    assert.equal(holder.id, units[3].task.id, 'the first of two units with one unique_id is created');
    await assertCountersExact();

    // A row PostgreSQL refuses (priority beyond integer) fails the whole group statement: nothing of it
    // is written, each unit runs alone and gets its own answer.
    const groups = new StatementGroups<CheckedTaskCreate, { outcome: CheckedInsert; task: Task }>(
      {
        runGroup: (group) => taskLifecycle.createUnbatchedCheckedTasks(db.kysely, group),
        runAlone: (alone) => taskLifecycle.createUnbatchedCheckedTask(db.kysely, alone.task, alone.project),
      },
      64,
      1,
    );
    const failing = [unit(scopes[0]), unit(scopes[1], { priority: 2 ** 40 }), unit(scopes[2]), unit(scopes[0], { unique_id: taken })];
    let settled: PromiseSettledResult<{ outcome: CheckedInsert }>[] = [];
    const seen = await postgresStatementsOf(async () => {
      settled = await Promise.allSettled(failing.map((one) => groups.run(one)));
    });
    assert.equal(seen.filter(isGroup).length, 1, 'one group statement, refused');
    assert.equal(seen.filter((text) => /\binsert into tasks\b/.test(text) && !isGroup(text)).length, failing.length, 'then each unit alone');
    assert.deepEqual(settled.map((result) => (result.status === 'fulfilled' ? result.value.outcome : 'rejected')), ['created', 'rejected', 'created', 'duplicate']);
    const stored = await db.kysely.selectFrom('tasks').select('id').where('id', 'in', failing.map((one) => one.task.id)).execute();
    assert.deepEqual(stored.map((row) => row.id).sort(), [failing[0].task.id, failing[2].task.id].sort());
    await assertCountersExact();
  });
});
