import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { TaskType, type Task } from '../../src/index.ts';
import { TEST_KEY, describeEachDatabase, plainName, useSdkServer } from '../helpers/server.ts';

const TASKS = 1_050;

describeEachDatabase('SDK pagination over more than 1,000 tasks against a real server', (dialect) => {
  const api = useSdkServer(dialect);
  const projectName = plainName('paging');
  const created: string[] = [];

  before(async () => {
    await api.current.test.createProject({ projectName, taskType: TaskType.Categorization });
    // Ten creates in flight at a time through the SDK itself, with the test key.
    let next = 0;
    const worker = async () => {
      while (next < TASKS) {
        const index = next++;
        const task = await api.current.test.createTask(TaskType.Categorization, {
          project: projectName,
          attachment: `https://example.com/${index}.jpg`,
          categories: ['a', 'b'],
          metadata: { index },
        });
        created.push(task.task_id);
      }
    };
    await Promise.all(Array.from({ length: 10 }, worker));
  });

  it('for await over getTasks yields every task exactly once, newest first, across pages of at most 100', async () => {
    const requested: string[] = [];
    const fetchCounting = ((input: string | URL | Request, init?: RequestInit) => {
      requested.push(String(input));
      return fetch(input, init);
    }) as typeof fetch;
    const client = api.current.client(TEST_KEY, { fetch: fetchCounting });
    const seen: Task[] = [];
    for await (const task of client.getTasks({ projectName })) {
      seen.push(task);
      // Pages are fetched as the loop reaches them, never all up front.
      assert.ok(requested.length <= Math.floor((seen.length - 1) / 100) + 1);
    }
    assert.equal(seen.length, TASKS);
    assert.equal(new Set(seen.map((task) => task.task_id)).size, TASKS);
    assert.deepEqual(new Set(seen.map((task) => task.task_id)), new Set(created));
    assert.equal(requested.length, Math.ceil(TASKS / 100));
    for (let i = 1; i < seen.length; i++) {
      const [newer, older] = [seen[i - 1], seen[i]];
      assert.ok(newer.created_at > older.created_at || (newer.created_at === older.created_at && newer.task_id > older.task_id), `task ${i} is out of order`);
    }
  });

  it('getTasksCount equals the number of tasks paging yields', async () => {
    assert.equal(await api.current.test.getTasksCount({ projectName }), TASKS);
  });

  it('walks pages by hand with hasNextPage and getNextPage at a small page size', async () => {
    let page = await api.current.test.tasks.list({ projectName, limit: 40 });
    assert.equal(page.total, TASKS);
    let count = page.docs.length;
    let pages = 1;
    while (page.hasNextPage()) {
      page = await page.getNextPage();
      assert.ok(page.docs.length <= 40);
      count += page.docs.length;
      pages++;
    }
    assert.equal(count, TASKS);
    assert.equal(pages, Math.ceil(TASKS / 40));
    assert.equal(page.nextToken, null);
  });

  it('resumes from a saved nextToken', async () => {
    const first = await api.current.test.tasks.list({ projectName, limit: 100 });
    const rest: string[] = [];
    for await (const task of api.current.test.getTasks({ projectName, nextToken: first.nextToken! })) rest.push(task.task_id);
    assert.equal(rest.length, TASKS - 100);
    assert.ok(!rest.includes(first.docs[0].task_id));
  });
});
