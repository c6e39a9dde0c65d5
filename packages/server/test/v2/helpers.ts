import assert from 'node:assert/strict';
import { LIVE_KEY, type ApiResponse, type TestServer } from '../helpers/server.ts';

export const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** A small v2 client over the test server: Bearer auth, as Scale's v2 client sends it. */
export function v2Client(holder: { current: TestServer }, key = LIVE_KEY) {
  const request = (method: string, path: string, body?: unknown, options: { headers?: Record<string, string> } = {}) =>
    holder.current.request(method, path, { key, scheme: 'bearer', body, headers: options.headers });
  return {
    get: (path: string, query: Record<string, string | number | string[]> = {}) => request('GET', path + queryString(query)),
    post: (path: string, body?: unknown, headers?: Record<string, string>) => request('POST', path, body, { headers }),
    /** v1 calls with the same key (Basic, as the v1 client sends). */
    v1: (method: string, path: string, body?: unknown) => holder.current.request(method, path, { key, body }),
  };
}

export type V2Client = ReturnType<typeof v2Client>;

/** Query string with repeated keys for arrays, as the client's `multi` collection format sends them. */
export function queryString(query: Record<string, string | number | string[]>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    for (const item of Array.isArray(value) ? value : [value]) params.append(key, String(item));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** The v2 client's datetime query format: `YYYY-MM-DDTHH:MM:SS.ffffff+0000`. */
export function v2Time(millis: number): string {
  return new Date(millis).toISOString().replace(/\.(\d{3})Z$/, '.$1000+0000');
}

export function assertError(response: ApiResponse, status: number, pattern: RegExp): void {
  assert.equal(response.status, status, response.text);
  assert.equal(response.body.status_code, status);
  assert.match(response.body.error, pattern);
}

let counter = 0;
/** A name unique within the test run. */
export function unique(prefix: string): string {
  counter += 1;
  return `${prefix}-${counter}-${Math.random().toString(16).slice(2, 8)}`;
}

/** Creates a categorization project through v1 and returns its v2 view. */
export async function createProject(client: V2Client, extra: Record<string, unknown> = {}): Promise<{ id: string; name: string }> {
  const name = unique('project');
  const created = await client.v1('POST', '/v1/projects', { type: 'categorization', name, params: null, ...extra });
  assert.equal(created.status, 200, created.text);
  return { id: created.body.id, name };
}

export async function createBatch(client: V2Client, project: { id: string }, extra: Record<string, unknown> = {}): Promise<any> {
  const response = await client.post('/v2/batch', { name: unique('batch'), project_id: project.id, ...extra });
  assert.equal(response.status, 200, response.text);
  return response.body;
}

/** Creates a categorization task through v1 (pending with a live key, completed at once with a test key). */
export async function createTask(client: V2Client, placement: { project?: string; batch?: string }, extra: Record<string, unknown> = {}): Promise<any> {
  const response = await client.v1('POST', '/v1/task/categorization', {
    ...placement,
    attachment: 'https://example.com/image.jpg',
    categories: ['cat', 'dog'],
    ...extra,
  });
  assert.equal(response.status, 200, response.text);
  return response.body;
}

/** Follows next_token to the end and returns every item and the number of pages. */
export async function collectPages(client: V2Client, path: string, key: string, query: Record<string, string | number | string[]>): Promise<{ items: any[]; pages: number }> {
  const items: any[] = [];
  let token: string | undefined;
  let pages = 0;
  for (;;) {
    const response = await client.get(path, token ? { ...query, next_token: token } : query);
    assert.equal(response.status, 200, response.text);
    pages += 1;
    items.push(...response.body[key]);
    if (!('next_token' in response.body)) break;
    assert.equal(typeof response.body.next_token, 'string');
    assert.notEqual(response.body.next_token, '');
    token = response.body.next_token;
    assert.ok(pages < 100, 'paging did not end');
  }
  return { items, pages };
}
