import { vi } from 'vitest';
import { AppApi } from '../../src/api/client.ts';
import { DashboardApi } from '../../src/api/dashboard.ts';
import { StudioApi } from '../../src/api/studio.ts';

export interface Call {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  body: unknown;
}

type Handler = (call: Call) => unknown;

/**
 * An in-memory stand-in for the app API: `"GET /dashboard/projects"` → handler returning the JSON
 * body (or a Response for errors). Unrouted calls answer 404 so tests fail loudly.
 */
export function fakeServer(routes: Record<string, Handler>) {
  const calls: Call[] = [];
  const fetch = vi.fn(async (url: string, init: RequestInit = {}) => {
    const parsed = new URL(url, 'http://tagwright.test');
    const call: Call = {
      method: init.method ?? 'GET',
      path: parsed.pathname.replace(/^\/app\/api/, ''),
      query: parsed.searchParams,
      headers: (init.headers ?? {}) as Record<string, string>,
      body: init.body ? JSON.parse(String(init.body)) : undefined,
    };
    calls.push(call);
    const handler = routes[`${call.method} ${call.path}`];
    if (!handler) return new Response(JSON.stringify({ status_code: 404, error: `No route ${call.method} ${call.path}` }), { status: 404 });
    const answer = handler(call);
    return answer instanceof Response ? answer : new Response(JSON.stringify(answer), { status: 200 });
  });
  const api = new AppApi({ fetch: fetch as unknown as typeof globalThis.fetch });
  return { api, dashboard: new DashboardApi(api), studio: new StudioApi(api), calls, fetch };
}

export function errorResponse(status: number, error: string): Response {
  return new Response(JSON.stringify({ status_code: status, error }), { status });
}

export const counts = (pending: number, completed: number, error = 0, canceled = 0) => ({ pending, completed, error, canceled, total: pending + completed + error + canceled });
