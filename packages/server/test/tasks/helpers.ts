import assert from 'node:assert/strict';
import type { TestServer } from '../helpers/server.ts';
import { TASK_TYPES } from '../../src/domain/task-types.ts';
import { TaskRepository, type NewTask } from '../../src/repositories/task.repository.ts';
import { newId } from '../../src/domain/ids.ts';

let counter = 0;
/** A name no other test in the run uses. */
export function unique(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}-${Math.random().toString(16).slice(2, 8)}`;
}

/** A minimal valid creation body for every task type (contract 4.1.2 plus the workbench checks). */
export function validBody(type: string): Record<string, unknown> {
  const image = 'https://cdn.example.com/img/1.jpg';
  switch (type) {
    case 'imageannotation':
      return { attachment: image, attachment_type: 'image', geometries: { box: { objects_to_annotate: ['car'] } } };
    case 'annotation':
    case 'polygonannotation':
    case 'lineannotation':
    case 'pointannotation':
      return { attachment: image, objects_to_annotate: ['car'] };
    case 'segmentannotation':
      return { attachment: image, labels: ['road', { choice: 'sky' }] };
    case 'categorization':
      return { attachment: image, categories: ['cat', 'dog'] };
    case 'textcollection':
      return { attachments: [{ type: 'text', content: 'hello' }], fields: [{ type: 'text', field_id: 'summary', title: 'Summary' }] };
    case 'datacollection':
    case 'transcription':
      return { attachment: image, fields: { phone: 'Phone number' } };
    case 'comparison':
      return { attachments: [image, 'https://cdn.example.com/img/2.jpg'], choices: ['left', 'right'] };
    case 'namedentityrecognition':
      return { text: 'Ada Lovelace lived in London.', labels: [{ name: 'PER' }, 'LOC'] };
    case 'videoannotation':
    case 'videoplaybackannotation':
      return { attachment: 'https://cdn.example.com/video/1.mp4', geometries: { box: { objects_to_annotate: ['car'] } } };
    case 'chat':
    case 'chatexperimental':
    case 'chatlite':
    case 'multichat':
      return {};
    default:
      return { attachment: image };
  }
}

export const ALL_TYPES = TASK_TYPES;

export async function createProject(server: TestServer, body: Record<string, unknown>, key?: string): Promise<any> {
  const response = await server.request('POST', '/v1/projects', { body: { type: 'imageannotation', ...body }, key });
  assert.equal(response.status, 200, response.text);
  return response.body;
}

export async function createBatch(server: TestServer, project: string, name: string, extra: Record<string, unknown> = {}, key?: string): Promise<any> {
  const response = await server.request('POST', '/v1/batches', { body: { project, name, ...extra }, key });
  assert.equal(response.status, 200, response.text);
  return response.body;
}

export async function createTask(server: TestServer, type: string, body: Record<string, unknown> = {}, options: { key?: string; headers?: Record<string, string> } = {}): Promise<any> {
  const response = await server.request('POST', `/v1/task/${type}`, { body: { ...validBody(type), ...body }, ...options });
  assert.equal(response.status, 200, response.text);
  return response.body;
}

/** The account and environment the bootstrap live key selects. */
export async function liveCaller(server: TestServer) {
  const caller = await server.server.services.accounts.authenticate('live_00000000000000000000000000000001');
  assert.ok(caller);
  return caller;
}

/**
 * Inserts `count` tasks straight through the repository (multi-row inserts, counters maintained),
 * created one millisecond apart ending now; for tests whose subject is reading, not creating.
 */
export async function insertTasks(
  server: TestServer,
  count: number,
  options: { projectId: string; batchId?: string | null; accountId: string; environment?: 'live' | 'test'; type?: string; status?: NewTask['status']; startAt?: number; tags?: string[] | null },
): Promise<NewTask[]> {
  const { db } = server.server.services;
  const start = options.startAt ?? Date.now() - count;
  const tasks: NewTask[] = [];
  for (let index = 0; index < count; index++) {
    const createdAt = start + index;
    const status = options.status ?? 'pending';
    tasks.push({
      id: newId(createdAt),
      account_id: options.accountId,
      environment: options.environment ?? 'live',
      project_id: options.projectId,
      batch_id: options.batchId ?? null,
      type: options.type ?? 'imageannotation',
      status,
      work_state: status === 'pending' ? 'queued' : status,
      instruction: null,
      params: { attachment: `https://cdn.example.com/${index}.jpg` },
      callback_url: null,
      callback_succeeded: null,
      response: status === 'completed' ? { annotations: [] } : null,
      metadata: { index },
      unique_id: null,
      tags: options.tags ?? null,
      priority: null,
      project_param_version: null,
      customer_review_status: null,
      customer_review_comments: null,
      prior_responses: null,
      audits: null,
      created_at: createdAt,
      updated_at: createdAt,
      completed_at: status === 'completed' ? createdAt : null,
    });
  }
  await db.kysely.transaction().execute((trx) => new TaskRepository(trx, db.dialect).insertMany(tasks));
  return tasks;
}

/** Pages through GET tasks with next_token and returns every task id seen, in order. */
export async function pageAll(server: TestServer, query: string, options: { key?: string } = {}): Promise<{ ids: string[]; pages: number; totals: number[] }> {
  const ids: string[] = [];
  const totals: number[] = [];
  let token: string | null = null;
  let pages = 0;
  do {
    const url: string = `/v1/tasks?${query}${token ? `&next_token=${encodeURIComponent(token)}` : ''}`;
    const response = await server.request('GET', url, options);
    assert.equal(response.status, 200, response.text);
    pages += 1;
    totals.push(response.body.total);
    for (const doc of response.body.docs) ids.push(doc.task_id);
    assert.equal(response.body.has_more, response.body.next_token !== null);
    if (response.body.next_token !== null) assert.notEqual(response.body.next_token, '');
    token = response.body.next_token;
  } while (token !== null);
  return { ids, pages, totals };
}

/** Outbox rows queued for a subject, oldest first. */
export async function outboxFor(server: TestServer, subjectId: string) {
  const rows = await server.server.services.db.kysely
    .selectFrom('outbox')
    .selectAll()
    .where('subject_id', '=', subjectId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((row) => ({ ...row, payload: JSON.parse(row.payload) }));
}
