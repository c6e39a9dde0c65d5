import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import type { ApiResponse, TestServer } from '../helpers/server.ts';
import { newId, sha256 } from '../../src/domain/ids.ts';
import { unique } from '../tasks/helpers.ts';

export { unique };

export type Role = 'labeler' | 'member' | 'manager' | 'admin';

/** A teammate with a live session: requests go through the app API with their cookie and CSRF token. */
export interface TestWorker {
  id: string;
  email: string;
  cookie: string;
  csrfToken: string;
}

async function accountId(server: TestServer): Promise<string> {
  const kysely = server.server.services.db.kysely;
  return (await kysely.selectFrom('accounts').select('id').orderBy('created_at').executeTakeFirstOrThrow()).id;
}

/**
 * Adds teammates to the bootstrap account, each with a session row written directly (signing in
 * costs a deliberately slow password hash per user, which a 50-labeler test does not need).
 */
export async function addWorkers(server: TestServer, count: number, role: Role = 'labeler', prefix = 'worker'): Promise<TestWorker[]> {
  const kysely = server.server.services.db.kysely;
  const account = await accountId(server);
  const now = Date.now();
  const workers: TestWorker[] = [];
  const users = [];
  const sessions = [];
  for (let index = 0; index < count; index++) {
    const id = newId();
    const email = `${unique(prefix)}@example.com`.toLowerCase();
    const token = crypto.randomBytes(24).toString('hex');
    const csrfToken = crypto.randomBytes(16).toString('hex');
    users.push({
      id, account_id: account, email, role, first_name: null, last_name: null, company: null,
      password_hash: null, invite_token_hash: null, invite_expires_at: null, failed_logins: 0, locked_until: null, created_at: now,
    });
    sessions.push({ id: sha256(token), user_id: id, account_id: account, csrf_token: csrfToken, created_at: now, expires_at: now + 86_400_000, last_seen_at: now });
    workers.push({ id, email, cookie: `tw_session=${token}`, csrfToken });
  }
  await kysely.insertInto('users').values(users).execute();
  await kysely.insertInto('sessions').values(sessions).execute();
  return workers;
}

/** One app API call as the worker (cookie + CSRF header). */
export function call<T = any>(server: TestServer, worker: TestWorker, method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown): Promise<ApiResponse<T>> {
  return server.request<T>(method, `/app/api${path}`, {
    key: null,
    headers: { cookie: worker.cookie, 'x-csrf-token': worker.csrfToken },
    body: method === 'GET' ? undefined : (body ?? {}),
  });
}

/** Assigns the workers to the projects through the Studio API. */
export async function assign(server: TestServer, workers: readonly TestWorker[], projects: readonly string[]): Promise<void> {
  const response = await server.request('POST', '/v1/studio/assignments/add', { body: { emails: workers.map((worker) => worker.email), projects } });
  assert.equal(response.status, 200, response.text);
}

/** `GET queue/next` and the assignment it hands out (null when nothing waits). */
export async function next(server: TestServer, worker: TestWorker, query = ''): Promise<any> {
  const response = await call(server, worker, 'GET', `/queue/next${query ? `?${query}` : ''}`);
  assert.equal(response.status, 200, response.text);
  return response.body.assignment;
}

export async function submit(server: TestServer, worker: TestWorker, assignment: any, response: unknown): Promise<string> {
  const answer = await call(server, worker, 'POST', `/tasks/${assignment.task.task_id}/submit`, { lease_id: assignment.lease.lease_id, response, time_spent_secs: 3 });
  assert.equal(answer.status, 200, answer.text);
  assert.equal(answer.body.task_id, assignment.task.task_id);
  return answer.body.next_state;
}

/** Creates a live task through the v1 API. */
export async function createTask(server: TestServer, type: string, body: Record<string, unknown>): Promise<any> {
  const response = await server.request('POST', `/v1/task/${type}`, { body });
  assert.equal(response.status, 200, response.text);
  return response.body;
}

export async function createProject(server: TestServer, body: Record<string, unknown>): Promise<any> {
  const response = await server.request('POST', '/v1/projects', { body });
  assert.equal(response.status, 200, response.text);
  return response.body;
}

export async function createBatch(server: TestServer, project: string, name: string): Promise<any> {
  const response = await server.request('POST', '/v1/batches', { body: { project, name } });
  assert.equal(response.status, 200, response.text);
  return response.body;
}

export async function getTask(server: TestServer, taskId: string): Promise<any> {
  const response = await server.request('GET', `/v1/task/${taskId}`);
  assert.equal(response.status, 200, response.text);
  return response.body;
}

/** A categorization task body for the project. */
export function categorization(project: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { project, attachment: 'https://cdn.example.com/cat.jpg', categories: ['cat', 'dog', 'bird'], ...extra };
}
