import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DEFAULT_RETRY_POLICY,
  ScaleConnectionError,
  ScaleInvalidRequest,
  ScaleServiceUnavailable,
  TaskType,
  retryAfterMs,
  retryDelayMs,
} from '../../src/index.ts';
import { TASK, fakeClient, jsonResponse } from '../helpers/fake-fetch.ts';

describe('retry timing', () => {
  it('reads Retry-After as seconds, as an HTTP date, and retry-after-ms', () => {
    assert.equal(retryAfterMs(new Headers({ 'retry-after': '2' })), 2000);
    assert.equal(retryAfterMs(new Headers({ 'retry-after': '0' })), 0);
    assert.equal(retryAfterMs(new Headers({ 'retry-after-ms': '250' })), 250);
    const now = Date.parse('2024-05-01T10:00:00Z');
    assert.equal(retryAfterMs(new Headers({ 'retry-after': 'Wed, 01 May 2024 10:00:03 GMT' }), now), 3000);
    assert.equal(retryAfterMs(new Headers({ 'retry-after': 'soon' })), undefined);
    assert.equal(retryAfterMs(new Headers()), undefined);
  });

  it('backs off exponentially up to the cap, with at most 25 % jitter', () => {
    const policy = { ...DEFAULT_RETRY_POLICY, initialDelayMs: 500, maxDelayMs: 8000 };
    assert.deepEqual([0, 1, 2, 3, 4, 5].map((retry) => retryDelayMs(retry, policy, undefined, () => 0)), [500, 1000, 2000, 4000, 8000, 8000]);
    assert.equal(retryDelayMs(0, policy, undefined, () => 1), 375);
  });

  it("waits as long as the server's Retry-After asks, unless it asks for more than a minute", () => {
    assert.equal(retryDelayMs(0, DEFAULT_RETRY_POLICY, 3000), 3000);
    assert.equal(retryDelayMs(2, DEFAULT_RETRY_POLICY, 0), 0);
    assert.equal(retryDelayMs(0, DEFAULT_RETRY_POLICY, 120_000, () => 0), 500);
  });
});

describe('retries', () => {
  for (const status of [408, 429, 500, 502, 503, 504]) {
    it(`retries a ${status} answer and resolves with the answer that follows`, async () => {
      const { client, requests } = fakeClient((_request, index) =>
        index === 0 ? jsonResponse({ status_code: status, error: 'try again' }, status) : jsonResponse([{ name: 'p', type: 'categorization', param_history: [] }]),
      );
      const projects = await client.getProjects();
      assert.equal(projects[0].name, 'p');
      assert.equal(requests.length, 2);
    });
  }

  it('does not retry a 400 and throws it at once', async () => {
    const { client, requests } = fakeClient(() => jsonResponse({ status_code: 400, error: "Missing 'name'." }, 400));
    await assert.rejects(client.getProjects(), ScaleInvalidRequest);
    assert.equal(requests.length, 1);
  });

  it('gives up after maxRetries retries (4 attempts by default) and throws the last answer', async () => {
    const { client, requests } = fakeClient(() => jsonResponse({ status_code: 503, error: 'busy' }, 503, { 'retry-after': '0' }));
    await assert.rejects(client.getProjects(), ScaleServiceUnavailable);
    assert.equal(requests.length, 4);
  });

  it('honours a per-call maxRetries of 0', async () => {
    const { client, requests } = fakeClient(() => jsonResponse({ status_code: 500, error: 'boom' }, 500));
    await assert.rejects(client.getProjects({}, { maxRetries: 0 }));
    assert.equal(requests.length, 1);
  });

  it('retries connection errors, POST included, and throws ScaleConnectionError when they persist', async () => {
    let calls = 0;
    const { client } = fakeClient(() => {
      calls++;
      throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:1') });
    });
    await assert.rejects(client.createBatch({ project: 'p', batchName: 'b' }), (error: ScaleConnectionError) => {
      assert.ok(error instanceof ScaleConnectionError);
      assert.equal(error.status, undefined);
      assert.match(error.message, /ECONNREFUSED/);
      return true;
    });
    assert.equal(calls, 4);
  });

  it('sends one Idempotency-Key per non-GET call and the same key on each of its retries', async () => {
    const { client, requests } = fakeClient((_request, index) =>
      index < 2 ? jsonResponse({ status_code: 502, error: 'bad gateway' }, 502) : jsonResponse(TASK),
    );
    await client.createTask(TaskType.Categorization, { attachment: 'a', categories: ['x'] });
    await client.cancelTask(TASK.task_id);
    const keys = requests.map((request) => request.headers.get('idempotency-key'));
    assert.equal(keys.length, 4);
    assert.ok(keys[0]);
    assert.equal(keys[1], keys[0]);
    assert.equal(keys[2], keys[0]);
    assert.ok(keys[3]);
    assert.notEqual(keys[3], keys[0]);
  });

  it('sends no Idempotency-Key on GET, and the caller-chosen key when one is given', async () => {
    const { client, requests } = fakeClient(() => jsonResponse(TASK));
    await client.getTask(TASK.task_id);
    await client.createTask('textcollection', { attachments: [], fields: [] }, { idempotencyKey: 'my-key-1' });
    assert.equal(requests[0].headers.get('idempotency-key'), null);
    assert.equal(requests[1].headers.get('idempotency-key'), 'my-key-1');
  });
});
