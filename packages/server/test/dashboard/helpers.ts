import assert from 'node:assert/strict';
import type { ApiResponse, TestServer } from '../helpers/server.ts';
import { addTeammate, signIn, type Role } from '../session/helpers.ts';
import { liveCaller } from '../tasks/helpers.ts';

export const PASSWORD = 'correct horse battery';

/** A signed-in teammate: their session cookie and CSRF token, and a request function that sends both. */
export interface Browser {
  email: string;
  userId: string;
  call<T = any>(method: string, path: string, body?: unknown): Promise<ApiResponse<T>>;
}

/** Adds a teammate with a password, signs them in, and returns a caller that acts as their browser would. */
export async function signedIn(server: TestServer, email: string, role: Role): Promise<Browser> {
  const userId = await addTeammate(server, { email, role, password: PASSWORD });
  const { cookie, csrfToken } = await signIn(server, email, PASSWORD);
  return {
    email,
    userId,
    call(method, path, body) {
      return server.request(method, path, { key: null, body, headers: { cookie, ...(method === 'GET' ? {} : { 'x-csrf-token': csrfToken }) } });
    },
  };
}

/** Completes a live task through the task state machine, as the work queue would. */
export async function completeTask(server: TestServer, taskId: string, response: unknown): Promise<void> {
  const services = server.server.services;
  const task = await services.tasks.get(await liveCaller(server), taskId);
  await services.taskLifecycle.transaction(services.db.kysely, (trx) => services.taskLifecycle.completeTask(trx, task, response));
  services.onWorkQueued();
}

export function ok<T>(response: ApiResponse<T>): T {
  assert.equal(response.status, 200, response.text);
  return response.body;
}
