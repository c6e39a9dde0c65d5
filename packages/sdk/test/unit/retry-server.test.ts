/** Retries against a real HTTP server on loopback (node:http), not an injected fetch. */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ScaleServiceUnavailable, Tagwright, TaskType } from '../../src/index.ts';

interface Seen {
  method: string;
  url: string;
  idempotencyKey: string | undefined;
  at: number;
}

describe('retries against a real HTTP server', () => {
  let server: http.Server;
  let baseUrl: string;
  const seen: Seen[] = [];
  /** Per path: how to answer the nth request (0-based). */
  const scripts = new Map<string, (n: number, request: http.IncomingMessage, response: http.ServerResponse) => void>();

  before(async () => {
    server = http.createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        const path = (request.url ?? '').split('?')[0];
        const n = seen.filter((entry) => entry.url.split('?')[0] === path).length;
        seen.push({ method: request.method!, url: request.url!, idempotencyKey: request.headers['idempotency-key'] as string | undefined, at: Date.now() });
        scripts.get(path)!(n, request, response);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  function send(response: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    response.end(JSON.stringify(body));
  }

  it('retries a 503 that carries Retry-After: 0 and resolves with the 200 that follows', async () => {
    scripts.set('/v1/projects', (n, _request, response) =>
      n === 0 ? send(response, 503, { status_code: 503, error: 'maintenance' }, { 'retry-after': '0' }) : send(response, 200, [{ name: 'p', type: 'categorization', param_history: [] }]),
    );
    const client = new Tagwright('live_x', { baseUrl });
    const projects = await client.getProjects();
    assert.deepEqual(projects.map((project) => project.name), ['p']);
    assert.equal(seen.filter((entry) => entry.url.startsWith('/v1/projects')).length, 2);
  });

  it('waits the second that Retry-After: 1 asks for before retrying a create, with the same idempotency key', async () => {
    scripts.set('/v1/task/categorization', (n, _request, response) =>
      n === 0
        ? send(response, 503, { status_code: 503, error: 'busy' }, { 'retry-after': '1' })
        : send(response, 200, { task_id: 't1', type: 'categorization', status: 'pending', project: 'p', params: {}, metadata: {} }),
    );
    const client = new Tagwright('live_x', { baseUrl });
    const task = await client.createTask(TaskType.Categorization, { attachment: 'a', categories: ['x'] });
    assert.equal(task.task_id, 't1');
    const attempts = seen.filter((entry) => entry.url === '/v1/task/categorization');
    assert.equal(attempts.length, 2);
    assert.ok(attempts[0].idempotencyKey);
    assert.equal(attempts[1].idempotencyKey, attempts[0].idempotencyKey);
    // setTimeout never fires early by more than clock granularity, so the gap is at least ~1 s.
    assert.ok(attempts[1].at - attempts[0].at >= 950, `retried after ${attempts[1].at - attempts[0].at} ms`);
  });

  it('retries when the server drops the connection without answering', async () => {
    scripts.set('/v1/teams', (n, request, response) => (n === 0 ? request.socket.destroy() : send(response, 200, [{ email: 'a@example.com', role: 'admin' }])));
    const client = new Tagwright('live_x', { baseUrl, initialRetryDelayMs: 1 });
    const teammates = await client.listTeammates();
    assert.equal(teammates[0].email, 'a@example.com');
  });

  it('throws ScaleServiceUnavailable once every retry got 503', async () => {
    scripts.set('/v1/batches/b1', (_n, _request, response) => send(response, 503, { status_code: 503, error: 'still busy' }, { 'retry-after': '0' }));
    const client = new Tagwright('live_x', { baseUrl, maxRetries: 2 });
    await assert.rejects(client.getBatch('b1'), (error: ScaleServiceUnavailable) => {
      assert.ok(error instanceof ScaleServiceUnavailable);
      assert.equal(error.message, 'still busy');
      assert.equal(error.headers?.get('retry-after'), '0');
      return true;
    });
    assert.equal(seen.filter((entry) => entry.url === '/v1/batches/b1').length, 3);
  });
});
