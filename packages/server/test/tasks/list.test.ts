import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.ts';
import { useTestServer, TEST_KEY } from '../helpers/server.ts';
import { createBatch, createProject, createTask, insertTasks, liveCaller, pageAll, unique } from './helpers.ts';
import { TaskRepository } from '../../src/repositories/task.repository.ts';

describeEachDatabase('GET tasks', (dialect) => {
  const server = useTestServer(dialect);
  let projectName = '';
  let projectId = '';
  let accountId = '';
  let batchName = '';
  const BULK = 1200;
  let bulk: Awaited<ReturnType<typeof insertTasks>> = [];

  before(async () => {
    const caller = await liveCaller(server.current);
    accountId = caller.account.id;
    const project = await createProject(server.current, { name: unique('bulk'), type: 'imageannotation' });
    projectName = project.name;
    projectId = project.id;
    const batch = await createBatch(server.current, projectName, unique('bulk-batch'));
    batchName = batch.name;
    // 1,200 tasks: every third in the batch, every fifth completed, every seventh tagged.
    const start = Date.now() - 10 * 60 * 1000;
    bulk = await insertTasks(server.current, BULK, { projectId, accountId, startAt: start });
    await insertTasks(server.current, 30, { projectId, accountId, batchId: batch.id, startAt: start + BULK, status: 'completed', tags: ['gold', 'night'] });
  });

  it('pages through 1,200+ tasks with a filter and next_token, newest first, missing and repeating none while tasks are created concurrently', async () => {
    const query = `project=${encodeURIComponent(projectName)}&status=pending&limit=100`;
    let stop = false;
    let created = 0;
    const creator = (async () => {
      while (!stop) {
        await Promise.all([createTask(server.current, 'imageannotation', { project: projectName }), createTask(server.current, 'categorization')]);
        created += 1;
      }
    })();
    const seen: string[] = [];
    let token: string | null = null;
    try {
      do {
        const response: any = await server.current.request('GET', `/v1/tasks?${query}${token ? `&next_token=${encodeURIComponent(token)}` : ''}`);
        assert.equal(response.status, 200);
        seen.push(...response.body.docs.map((doc: any) => doc.task_id));
        const times = response.body.docs.map((doc: any) => doc.created_at);
        assert.deepEqual([...times].sort().reverse(), times);
        assert.ok(response.body.docs.every((doc: any) => doc.status === 'pending' && doc.project === projectName));
        token = response.body.next_token;
      } while (token !== null);
    } finally {
      stop = true;
      await creator;
    }
    assert.ok(created > 0, 'tasks were created while paging');
    assert.equal(new Set(seen).size, seen.length, 'no task repeated');
    const seenSet = new Set(seen);
    for (const task of bulk) assert.ok(seenSet.has(task.id), `task ${task.id} missed`);
    const after = await server.current.request('GET', `/v1/tasks?project=${encodeURIComponent(projectName)}&limit=1`);
    const rows = await pageAll(server.current, `project=${encodeURIComponent(projectName)}&limit=100`);
    assert.equal(rows.ids.length, after.body.total);
  });

  it('agrees on total, has_more and paging for every filter combination the counters serve and the ones they do not', async () => {
    const queries = [
      `project=${encodeURIComponent(projectName)}&status=completed`,
      `batch=${encodeURIComponent(batchName)}`,
      `batch=${encodeURIComponent(batchName)}&status=completed&type=imageannotation`,
      `project=${encodeURIComponent(projectName)}&tags=gold&tags=missing`,
      `project=${encodeURIComponent(projectName)}&customer_review_status=pending`,
    ];
    for (const query of queries) {
      const counted = await server.current.request('GET', `/v1/tasks?${query}&limit=1`);
      assert.equal(counted.status, 200, query);
      const paged = await pageAll(server.current, `${query}&limit=7`);
      assert.equal(paged.ids.length, counted.body.total, query);
      assert.equal(new Set(paged.ids).size, paged.ids.length, query);
      assert.equal(counted.body.total, 30, query);
    }
  });

  it('keeps the maintained counters equal to a row count', async () => {
    const caller = await liveCaller(server.current);
    const { db } = server.current.server.services;
    const repository = new TaskRepository(db.kysely, db.dialect);
    for (const filters of [{}, { projectId }, { projectId, status: 'completed' as const }, { type: 'imageannotation' }, { status: 'pending' as const }]) {
      assert.equal(await repository.count(caller.account.id, 'live', filters), await repository.countRows(caller.account.id, 'live', filters), JSON.stringify(filters));
    }
  });

  it('returns the envelope with total computed for limit=1, newest first, and next_token null on the last page', async () => {
    const response = await server.current.request('GET', `/v1/tasks?project=${encodeURIComponent(projectName)}&limit=1`);
    assert.deepEqual(Object.keys(response.body).sort(), ['docs', 'has_more', 'limit', 'next_token', 'offset', 'total']);
    assert.equal(response.body.limit, 1);
    assert.equal(response.body.offset, 0);
    assert.equal(response.body.has_more, true);
    assert.equal(typeof response.body.next_token, 'string');
    const last = await server.current.request('GET', `/v1/tasks?batch=${encodeURIComponent(batchName)}&limit=100`);
    assert.equal(last.body.has_more, false);
    assert.equal(last.body.next_token, null);
  });

  it('reports the offset of each page and honours offset without a token', async () => {
    const query = `project=${encodeURIComponent(projectName)}&limit=10`;
    const first = await server.current.request('GET', `/v1/tasks?${query}`);
    const second = await server.current.request('GET', `/v1/tasks?${query}&next_token=${first.body.next_token}`);
    assert.equal(second.body.offset, 10);
    const skipped = await server.current.request('GET', `/v1/tasks?${query}&offset=10`);
    assert.equal(skipped.body.offset, 10);
    assert.deepEqual(skipped.body.docs.map((doc: any) => doc.task_id), second.body.docs.map((doc: any) => doc.task_id));
    const ignored = await server.current.request('GET', `/v1/tasks?${query}&offset=500&next_token=${first.body.next_token}`);
    assert.equal(ignored.body.offset, 10);
  });

  it('clamps limit above 100 and answers 400 for limit below 1, a non-number, a bad token or a bad filter value', async () => {
    const clamped = await server.current.request('GET', `/v1/tasks?project=${encodeURIComponent(projectName)}&limit=1000`);
    assert.equal(clamped.body.limit, 100);
    assert.equal(clamped.body.docs.length, 100);
    const defaults = await server.current.request('GET', `/v1/tasks?project=${encodeURIComponent(projectName)}`);
    assert.equal(defaults.body.limit, 100);
    for (const query of ['limit=0', 'limit=-3', 'limit=ten', 'next_token=garbage', `next_token=${Buffer.from('{"c":"x"}').toString('base64url')}`, 'status=done', 'customer_review_status=great', 'start_time=yesterday', 'include_attachment_url=maybe', 'offset=-1']) {
      const response = await server.current.request('GET', `/v1/tasks?${query}`);
      assert.equal(response.status, 400, query);
      assert.equal(response.body.status_code, 400);
      assert.match(response.body.error, new RegExp(query.split('=')[0]), query);
    }
  });

  it('treats an empty next_token as absent and ignores unknown query keys', async () => {
    const response = await server.current.request('GET', `/v1/tasks?project=${encodeURIComponent(projectName)}&limit=2&next_token=&no_such_key=1&a[b]=c`);
    assert.equal(response.status, 200);
    assert.equal(response.body.offset, 0);
  });

  it('matches nothing, with 200, for an unknown project or batch name', async () => {
    for (const query of ['project=no-such-project', 'batch=no-such-batch', `project=${encodeURIComponent(projectName)}&batch=no-such-batch`]) {
      const response = await server.current.request('GET', `/v1/tasks?${query}`);
      assert.equal(response.status, 200);
      assert.deepEqual(response.body.docs, []);
      assert.equal(response.body.total, 0);
      assert.equal(response.body.next_token, null);
    }
  });

  it('lists every task of the environment, newest first, with no filter', async () => {
    const newest = await createTask(server.current, 'categorization');
    const response = await server.current.request('GET', '/v1/tasks?limit=3');
    assert.equal(response.body.docs.length, 3);
    assert.equal(response.body.docs[0].task_id, newest.task_id);
    assert.ok(response.body.total >= BULK);
    const testMode = await server.current.request('GET', '/v1/tasks?limit=100', { key: TEST_KEY });
    assert.ok(testMode.body.docs.every((doc: any) => doc.task_id !== newest.task_id));
  });

  it('filters by time ranges with inclusive bounds, and naive timestamps read as UTC', async () => {
    const project = await createProject(server.current, { name: unique('times'), type: 'imageannotation' });
    const base = Date.UTC(2024, 4, 1, 10, 0, 0, 0);
    const tasks = await insertTasks(server.current, 5, { projectId: project.id, accountId, startAt: base, status: 'completed' });
    const name = encodeURIComponent(project.name);
    const at = (offset: number) => new Date(base + offset).toISOString();
    const cases: Array<[string, number]> = [
      [`start_time=${at(1)}&end_time=${at(3)}`, 3],
      [`start_time=2024-05-01`, 5],
      [`end_time=2024-05-01 10:00:00.001`, 2],
      [`start_time=2024-05-01T12:00:00.002%2B02:00`, 3],
      [`start_time=2024-05-01T10:00:00.004000+0000`, 1],
      [`completed_after=${at(4)}`, 1],
      [`completed_before=${at(0)}`, 1],
      [`updated_after=${at(2)}&updated_before=${at(2)}`, 1],
      [`start_time=2024-05-02`, 0],
    ];
    for (const [query, expected] of cases) {
      const response = await server.current.request('GET', `/v1/tasks?project=${name}&${query}`);
      assert.equal(response.status, 200, query);
      assert.equal(response.body.docs.length, expected, query);
      assert.equal(response.body.total, expected, query);
    }
    assert.equal(tasks.length, 5);
    const pending = await createTask(server.current, 'imageannotation', { project: project.name });
    const completedOnly = await server.current.request('GET', `/v1/tasks?project=${name}&completed_after=2000-01-01`);
    assert.ok(completedOnly.body.docs.every((doc: any) => doc.task_id !== pending.task_id));
  });

  it('filters by status, type, tags (any of) and customer_review_status (comma list, pending = completed and never audited)', async () => {
    const project = await createProject(server.current, { name: unique('filters'), type: 'categorization' });
    const name = encodeURIComponent(project.name);
    const make = (extra: Record<string, unknown> = {}) => createTask(server.current, 'categorization', { project: project.name, ...extra });
    const red = await make({ tags: ['red'] });
    const blue = await make({ tags: ['blue', 'red'] });
    const plain = await make();
    const { db, taskLifecycle } = server.current.server.services;
    const caller = await liveCaller(server.current);
    const complete = async (id: string) => {
      const task = await server.current.server.services.tasks.get(caller, id);
      await taskLifecycle.transaction(db.kysely, (trx) => taskLifecycle.completeTask(trx, task, { category: 'cat' }));
    };
    await complete(red.task_id);
    await complete(blue.task_id);
    await server.current.request('POST', `/v1/task/${blue.task_id}/audit`, { body: { accepted: false, comments: 'no' } });
    const ids = async (query: string) => {
      const response = await server.current.request('GET', `/v1/tasks?project=${name}&${query}`);
      assert.equal(response.status, 200, query);
      assert.equal(response.body.total, response.body.docs.length, query);
      return response.body.docs.map((doc: any) => doc.task_id).sort();
    };
    assert.deepEqual(await ids('status=completed'), [red.task_id, blue.task_id].sort());
    assert.deepEqual(await ids('status=pending'), [plain.task_id]);
    assert.deepEqual(await ids('type=categorization&status=pending'), [plain.task_id]);
    assert.deepEqual(await ids('type=imageannotation'), []);
    assert.deepEqual(await ids('tags=red'), [red.task_id, blue.task_id].sort());
    assert.deepEqual(await ids('tags=blue&tags=green'), [blue.task_id]);
    assert.deepEqual(await ids('customer_review_status=pending'), [red.task_id]);
    assert.deepEqual(await ids('customer_review_status=rejected'), [blue.task_id]);
    assert.deepEqual(await ids('customer_review_status=accepted%2Cpending'), [red.task_id]);
    assert.deepEqual(await ids('customer_review_status=rejected,pending'), [red.task_id, blue.task_id].sort());
    assert.deepEqual(await ids('customer_review_status=accepted&customer_review_status=rejected'), [blue.task_id]);
  });

  it('finds tagged tasks alike whether a tag is on a few tasks (read from the tag index) or on thousands (probed per task)', async () => {
    const project = await createProject(server.current, { name: unique('tagged'), type: 'imageannotation' });
    const start = Date.now() - 5 * 60 * 1000;
    // "crowd" is on 2,050 tasks, past the 2,000 up to which a tag filter is read from the tag index;
    // "needle" is on 5 of them (3 completed) and on tasks of another account.
    const crowd = await insertTasks(server.current, 2050, { projectId: project.id, accountId, startAt: start, tags: ['crowd'] });
    const pending = await insertTasks(server.current, 2, { projectId: project.id, accountId, startAt: start + 3000, tags: ['crowd', 'needle'] });
    const completed = await insertTasks(server.current, 3, { projectId: project.id, accountId, startAt: start + 4000, tags: ['needle', 'crowd'], status: 'completed' });
    const other = await server.current.createAccount();
    const otherProject = (await server.current.request('POST', '/v1/projects', { key: other.liveKey, body: { name: unique('theirs'), type: 'imageannotation' } })).body;
    await insertTasks(server.current, 4, { projectId: otherProject.id, accountId: other.accountId, startAt: start, tags: ['needle'] });
    const newestFirst = (tasks: Array<{ id: string }>) => tasks.map((task) => task.id).reverse();
    const inProject = `project=${encodeURIComponent(project.name)}`;
    const cases: Array<[string, string[]]> = [
      [`${inProject}&tags=needle`, newestFirst([...pending, ...completed])],
      ['tags=needle', newestFirst([...pending, ...completed])],
      [`${inProject}&tags=needle&status=completed`, newestFirst(completed)],
      [`${inProject}&tags=needle&tags=nowhere`, newestFirst([...pending, ...completed])],
      [`${inProject}&tags=nowhere`, []],
      [`${inProject}&tags=crowd`, newestFirst([...crowd, ...pending, ...completed])],
      [`${inProject}&tags=crowd&status=completed`, newestFirst(completed)],
      [`${inProject}&tags=crowd&tags=needle`, newestFirst([...crowd, ...pending, ...completed])],
    ];
    for (const [query, expected] of cases) {
      const paged = await pageAll(server.current, `${query}&limit=100`);
      assert.deepEqual(paged.ids, expected, query);
      assert.ok(paged.totals.every((total) => total === expected.length), `${query}: totals ${paged.totals.join(', ')}`);
    }
  });

  it('sends only task_id, status, metadata and project with limited_response', async () => {
    const response = await server.current.request('GET', `/v1/tasks?project=${encodeURIComponent(projectName)}&limit=5&limited_response=True&include_attachment_url=True`);
    assert.equal(response.status, 200);
    for (const doc of response.body.docs) assert.deepEqual(Object.keys(doc).sort(), ['metadata', 'project', 'status', 'task_id']);
  });

  it('accepts include_attachment_url and leaves external attachments and params untouched', async () => {
    const created = await createTask(server.current, 'imageannotation', { project: projectName });
    const response = await server.current.request('GET', `/v1/tasks?project=${encodeURIComponent(projectName)}&limit=1&include_attachment_url=True`);
    assert.equal(response.status, 200);
    const doc = response.body.docs[0];
    assert.equal(doc.task_id, created.task_id);
    assert.deepEqual(doc.params, created.params);
    assert.equal('attachment_url' in doc, false);
  });

  it('never shows tasks of another account or environment, and answers their ids with 404', async () => {
    const task = await createTask(server.current, 'categorization', { unique_id: unique('mine') });
    const other = await server.current.createAccount();
    const list = await server.current.request('GET', '/v1/tasks?limit=100', { key: other.liveKey });
    assert.equal(list.body.total, 0);
    const byUniqueId = await server.current.request('GET', `/v1/tasks?unique_id=${encodeURIComponent(task.unique_id)}`, { key: other.liveKey });
    assert.equal(byUniqueId.body.total, 0);
    for (const key of [other.liveKey, TEST_KEY]) {
      const read = await server.current.request('GET', `/v1/task/${task.task_id}`, { key });
      assert.equal(read.status, 404);
      assert.equal(read.body.status_code, 404);
      assert.match(read.body.error, new RegExp(task.task_id));
    }
    const unknown = await server.current.request('GET', '/v1/task/ffffffffffffffffffffffff');
    assert.equal(unknown.status, 404);
  });

  it('answers 401 before anything else without a valid key', async () => {
    const response = await server.current.request('GET', '/v1/tasks?limit=0', { key: 'live_ffffffffffffffffffffffffffffffff' });
    assert.equal(response.status, 401);
    assert.equal(response.body.status_code, 401);
  });
});
