import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fakeClient, jsonResponse, TASK } from '../helpers/fake-fetch.ts';

/** A v1 task list of `total` tasks served `pageSize` at a time with opaque cursors. */
function taskPages(total: number, pageSize: number) {
  return (request: { url: URL }) => {
    const token = request.url.searchParams.get('next_token');
    const start = token ? Number(Buffer.from(token, 'base64url').toString()) : 0;
    const end = Math.min(start + pageSize, total);
    const docs = Array.from({ length: end - start }, (_, i) => ({ ...TASK, task_id: `t${start + i}` }));
    const hasMore = end < total;
    return jsonResponse({ docs, total, limit: pageSize, offset: start, has_more: hasMore, next_token: hasMore ? Buffer.from(String(end)).toString('base64url') : null });
  };
}

describe('pagination', () => {
  it('iterates every task across cursor pages with for await, passing the filters on each page', async () => {
    const { client, requests } = fakeClient(taskPages(250, 100));
    const ids: string[] = [];
    for await (const task of client.getTasks({ projectName: 'kittens', limit: 100 })) ids.push(task.task_id);
    assert.equal(ids.length, 250);
    assert.equal(new Set(ids).size, 250);
    assert.equal(requests.length, 3);
    for (const request of requests) assert.equal(request.url.searchParams.get('project'), 'kittens');
    assert.equal(requests[0].url.searchParams.get('next_token'), null);
    assert.ok(requests[1].url.searchParams.get('next_token'));
  });

  it('awaits to the first page, with hasNextPage and getNextPage to walk by hand', async () => {
    const { client, requests } = fakeClient(taskPages(150, 100));
    const first = await client.tasks.list({ limit: 100 });
    assert.equal(first.docs.length, 100);
    assert.equal(first.total, 150);
    assert.equal(first.hasMore, true);
    assert.equal(first.hasNextPage(), true);
    const second = await first.getNextPage();
    assert.equal(second.docs.length, 50);
    assert.equal(second.nextToken, null);
    assert.equal(second.hasNextPage(), false);
    await assert.rejects(second.getNextPage(), /No next page/);
    assert.equal(requests.length, 2);
  });

  it('sends nothing until the list is awaited or iterated', async () => {
    const { client, requests } = fakeClient(taskPages(1, 100));
    const pending = client.tasks.list();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(requests.length, 0);
    await pending;
    assert.equal(requests.length, 1);
  });

  it('walks batches by offset, advancing by the number of batches received', async () => {
    const { client, requests } = fakeClient((request) => {
      const offset = Number(request.url.searchParams.get('offset') ?? 0);
      const docs = Array.from({ length: Math.min(2, 5 - offset) }, (_, i) => ({ name: `b${offset + i}` }));
      return jsonResponse({ docs, totalDocs: 5, limit: 2, offset, has_more: offset + docs.length < 5 });
    });
    const names: string[] = [];
    for await (const batch of client.getBatches({ projectName: 'p' })) names.push(batch.name);
    assert.deepEqual(names, ['b0', 'b1', 'b2', 'b3', 'b4']);
    assert.deepEqual(requests.map((request) => request.url.searchParams.get('offset')), [null, '2', '4']);
    const page = await client.listBatches({ projectName: 'p', limit: 2 });
    assert.equal(page.totalDocs, 5);
  });

  it('stops a v2 list when next_token is absent or null, never restarting on an empty token', async () => {
    const { client, requests } = fakeClient((request) => {
      const token = request.url.searchParams.get('next_token');
      if (!token) return jsonResponse({ tasks: [{ task_id: 'a' }, { task_id: 'b' }], next_token: 'page2' });
      if (token === 'page2') return jsonResponse({ tasks: [{ task_id: 'c' }], next_token: '' });
      return jsonResponse({ tasks: [] });
    });
    const ids: string[] = [];
    for await (const task of client.v2GetTasks({ projectName: 'p' })) ids.push(task.task_id);
    assert.deepEqual(ids, ['a', 'b', 'c']);
    assert.equal(requests.length, 2);
    assert.equal(requests[0].url.pathname, '/v2/tasks');
  });

  it('iterates the pages themselves with iterPages', async () => {
    const { client } = fakeClient(taskPages(5, 2));
    const sizes: number[] = [];
    const first = await client.tasks.list({ limit: 2 });
    for await (const page of first.iterPages()) sizes.push(page.docs.length);
    assert.deepEqual(sizes, [2, 2, 1]);
  });
});
