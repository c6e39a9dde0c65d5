import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ScaleConnectionError, ScaleConnectionTimeout, ScaleUserAbort } from '../../src/index.ts';
import { fakeClient, jsonResponse } from '../helpers/fake-fetch.ts';

/** Never answers; rejects when the request's signal aborts, as fetch does. */
function hang(_request: unknown, _index: number, signal: AbortSignal | undefined): Promise<Response> {
  return new Promise((_resolve, reject) => {
    signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

describe('timeouts and aborts', () => {
  it('throws ScaleConnectionTimeout when no answer comes within the timeout, after retrying', async () => {
    const { client, requests } = fakeClient(hang, { timeout: 20, maxRetries: 2 });
    await assert.rejects(client.getProjects(), (error: Error) => {
      assert.ok(error instanceof ScaleConnectionTimeout);
      assert.ok(error instanceof ScaleConnectionError);
      assert.match(error.message, /within 20 ms/);
      return true;
    });
    assert.equal(requests.length, 3);
  });

  it('resolves when a retry answers in time after a timed-out attempt', async () => {
    const { client } = fakeClient((request, index, signal) => (index === 0 ? hang(request, index, signal) : jsonResponse([])), { timeout: 20 });
    assert.deepEqual(await client.getProjects(), []);
  });

  it('honours a per-call timeout', async () => {
    const { client } = fakeClient(hang, { timeout: 60_000, maxRetries: 0 });
    await assert.rejects(client.getProjects({}, { timeout: 10 }), ScaleConnectionTimeout);
  });

  it("stops at once, without retrying, when the caller's signal aborts", async () => {
    const controller = new AbortController();
    const { client, requests } = fakeClient(hang, { timeout: 60_000 });
    const pending = client.getProjects({}, { signal: controller.signal });
    setTimeout(() => controller.abort(), 10);
    await assert.rejects(pending, ScaleUserAbort);
    assert.equal(requests.length, 1);
  });
});
