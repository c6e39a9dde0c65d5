import http from 'node:http';
import crypto from 'node:crypto';
import type { Db } from '../../src/db/connect.ts';
import type { Environment } from '../../src/db/tables/projects_batches.ts';
import { OutboxRepository, type CallbackEvent } from '../../src/repositories/outbox.repository.ts';
import { newId } from '../../src/domain/ids.ts';

export interface ReceivedCallback {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** How the receiver answers one request: a status (optionally after a delay), or hold it open. */
export type ReceiverAnswer = { status: number; body?: string; headers?: Record<string, string>; delayMs?: number } | 'hold';

/** A real HTTP receiver on a free loopback port that records every callback it gets. */
export class CallbackReceiver {
  readonly received: ReceivedCallback[] = [];
  private readonly held: http.ServerResponse[] = [];
  private waiters: Array<() => void> = [];
  private constructor(
    private readonly server: http.Server,
    readonly url: string,
    private readonly answer: (request: ReceivedCallback, index: number) => ReceiverAnswer,
  ) {}

  static async start(answer: (request: ReceivedCallback, index: number) => ReceiverAnswer = () => ({ status: 200 })): Promise<CallbackReceiver> {
    let receiver!: CallbackReceiver;
    const server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => receiver.handle({ path: request.url ?? '/', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') }, response));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    receiver = new CallbackReceiver(server, `http://127.0.0.1:${port}/callback`, answer);
    return receiver;
  }

  private handle(request: ReceivedCallback, response: http.ServerResponse): void {
    const index = this.received.length;
    this.received.push(request);
    for (const wake of this.waiters) wake();
    const answer = this.answer(request, index);
    if (answer === 'hold') {
      this.held.push(response);
      return;
    }
    const send = () => {
      if (response.destroyed) return;
      response.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
      response.end(answer.body ?? `answer ${answer.status}`);
    };
    if (answer.delayMs) setTimeout(send, answer.delayMs);
    else send();
  }

  /** Resolves once at least `count` requests have arrived. */
  async waitForRequests(count: number, timeoutMs = 15_000): Promise<void> {
    await waitUntil(async () => this.received.length >= count, { timeoutMs, what: `${count} callback request(s) (got ${this.received.length})` });
  }

  /** Answers every held request with the given status. */
  release(status = 200): void {
    for (const response of this.held.splice(0)) {
      if (!response.destroyed) response.writeHead(status).end('released');
    }
  }

  async close(): Promise<void> {
    for (const response of this.held.splice(0)) response.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Polls until the condition holds; fails with a message naming what was awaited. */
export async function waitUntil(condition: () => Promise<boolean> | boolean, { timeoutMs = 15_000, intervalMs = 20, what = 'condition' } = {}): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Inserts a minimal project and task straight into the database (the tasks API is another area). */
export async function seedTask(db: Db, accountId: string, environment: Environment = 'live', callbackUrl: string | null = null): Promise<string> {
  const now = Date.now();
  const projectId = newId(now);
  await db.kysely
    .insertInto('projects')
    .values({
      id: projectId, account_id: accountId, environment, name: `callbacks-${projectId}`, type: 'categorization', param_history: '[]',
      rapid: 0, studio: 0, archived: 0, pipeline: null, consensus_attempts: null, dataset_id: null, created_at: now, updated_at: now,
    })
    .execute();
  const taskId = newId(now);
  await db.kysely
    .insertInto('tasks')
    .values({
      id: taskId, account_id: accountId, environment, project_id: projectId, batch_id: null, type: 'categorization',
      status: 'completed', work_state: 'completed', instruction: null, params: '{}', callback_url: callbackUrl, callback_succeeded: null,
      response: '{"category":"a"}', metadata: '{}', unique_id: null, tags: null, priority: null, project_param_version: null,
      customer_review_status: null, customer_review_comments: null, prior_responses: null, audits: null,
      created_at: now - 1000, updated_at: now - 1000, completed_at: now - 1000,
    })
    .execute();
  return taskId;
}

/** Inserts a minimal project and completed batch straight into the database. */
export async function seedBatch(db: Db, accountId: string, environment: Environment = 'live'): Promise<string> {
  const now = Date.now();
  const projectId = newId(now);
  await db.kysely
    .insertInto('projects')
    .values({
      id: projectId, account_id: accountId, environment, name: `callbacks-${projectId}`, type: 'categorization', param_history: '[]',
      rapid: 0, studio: 0, archived: 0, pipeline: null, consensus_attempts: null, dataset_id: null, created_at: now, updated_at: now,
    })
    .execute();
  const batchId = newId(now);
  await db.kysely
    .insertInto('batches')
    .values({
      id: batchId, account_id: accountId, environment, project_id: projectId, name: `batch-${batchId}`, status: 'completed', callback: null,
      calibration_batch: 0, self_label_batch: 0, metadata: '{}', priority: null, studio_priority: null, archived: 0, callback_succeeded: null,
      created_at: now - 1000, updated_at: now - 1000, completed_at: now - 1000,
    })
    .execute();
  return batchId;
}

/** The callback body of contract 8.2 for a seeded task. */
export function taskCallbackBody(taskId: string, status = 'completed', extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { task: { task_id: taskId, status, ...extra }, response: { category: 'a' }, task_id: taskId, status };
}

/** Queues a callback the way the task lifecycle does (in a transaction) and returns the outbox id. */
export async function enqueueCallback(db: Db, event: Omit<CallbackEvent, 'environment'> & { environment?: Environment }, now?: number): Promise<string> {
  return db.kysely.transaction().execute((trx) => OutboxRepository.enqueue(trx, { environment: 'live', ...event }, now));
}

export function hmacHex(body: string, key: string): string {
  return crypto.createHmac('sha256', key).update(body).digest('hex');
}
