/**
 * Baselines the benchmarks measure Tagwright against, in the same run: raw node:http, and floors.
 *
 * Floors: what the stack itself (Fastify 5 + better-sqlite3 in WAL mode) allows for a request, with
 * none of Tagwright's own work. Each floor does only what any implementation must: route, parse,
 * one SQLite statement, serialise. The benchmarks run them beside raw node:http and Tagwright, so
 * the distance from a floor to Tagwright is the cost of Tagwright's request pipeline and rules
 * (key check, rate limit, scoping, validation, inheritance, counters, outbox).
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import Fastify from 'fastify';
import { newId } from '../packages/server/src/domain/ids.ts';
import { presentProject } from '../packages/server/src/presenters/project.presenter.ts';

export interface BaselineServer {
  url: string;
  /** Ids of the most recently created rows (task floors), for a get run to walk through. */
  recentIds?(limit: number): Promise<string[]>;
  close(): Promise<void>;
}

/** The raw baseline: a node:http hello world answering every request with the same small JSON. */
export function startRawHelloWorld(): Promise<BaselineServer> {
  const body = JSON.stringify({ hello: 'world' });
  const server = http.createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    response.end(body);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () => new Promise<void>((done) => { server.closeAllConnections(); server.close(() => done()); }),
      });
    });
  });
}

/**
 * `GET /v1/projects/:name`: the same row read from Tagwright's own SQLite file with one prepared
 * statement on a read-only connection, answered with Tagwright's presenter.
 */
export async function startProjectGetFloor(sqliteFile: string, accountId: string): Promise<BaselineServer> {
  const reader = new Database(sqliteFile, { readonly: true });
  const byName = reader.prepare('select * from projects where account_id = ? and environment = ? and name = ?');
  const app = Fastify({ logger: { level: 'warn' } });
  app.get('/v1/projects/:name', async (request) => {
    const row = byName.get(accountId, 'live', (request.params as { name: string }).name) as Record<string, any>;
    return presentProject({ ...row, param_history: JSON.parse(row.param_history), archived: Boolean(row.archived), rapid: Boolean(row.rapid), studio: Boolean(row.studio) } as any);
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, close: async () => { await app.close(); reader.close(); } };
}

/**
 * What a task floor stores and answers: the wire shape of a Tagwright task (the same keys in the
 * same order, so the same JSON size), built the plainest way. Common fields stay at the top, every
 * other body field goes under params, and the project's parameters (held in memory: the floor reads
 * no project) are merged in as Tagwright's inheritance does, so that the floor's answer carries as
 * many bytes as Tagwright's. Nothing is validated, counted or scoped.
 */
const COMMON_FIELDS = new Set(['project', 'batch', 'callback_url', 'instruction', 'unique_id', 'metadata', 'tags', 'priority', 'project_version']);
const FLOOR_PROJECT = { instruction: 'Box every kitten.', params: { geometries: { box: { objects_to_annotate: ['kitten'], min_height: 10, min_width: 10 } } } };

interface FloorTask {
  task_id: string;
  type: string;
  status: string;
  project: string;
  created_at: string;
  updated_at: string;
  instruction: string | null;
  params: Record<string, unknown>;
  callback_url: string | null;
  metadata: unknown;
  project_param_version: number;
}

function floorTask(body: Record<string, any>, now: number): FloorTask {
  const params: Record<string, unknown> = {};
  for (const key in body) if (!COMMON_FIELDS.has(key)) params[key] = body[key];
  const createdAt = new Date(now).toISOString();
  return {
    task_id: newId(now),
    type: 'imageannotation',
    status: 'pending',
    project: String(body.project ?? 'default'),
    created_at: createdAt,
    updated_at: createdAt,
    instruction: body.instruction ? `${body.instruction}\n\n${FLOOR_PROJECT.instruction}` : FLOOR_PROJECT.instruction,
    params: { ...params, ...FLOOR_PROJECT.params },
    callback_url: body.callback_url ?? null,
    metadata: body.metadata ?? {},
    project_param_version: 0,
  };
}

const FLOOR_COLUMNS = 'id, type, status, project, instruction, params, callback_url, metadata, project_param_version, created_at, updated_at';

function floorValues(task: FloorTask, now: number): unknown[] {
  return [task.task_id, task.type, task.status, task.project, task.instruction, JSON.stringify(task.params), task.callback_url, JSON.stringify(task.metadata), task.project_param_version, now, now];
}

/** The wire object of a stored floor row (JSON columns already parsed or still text). */
function floorAnswer(row: Record<string, any>): FloorTask {
  return {
    task_id: row.id,
    type: row.type,
    status: row.status,
    project: row.project,
    created_at: new Date(Number(row.created_at)).toISOString(),
    updated_at: new Date(Number(row.updated_at)).toISOString(),
    instruction: row.instruction,
    params: typeof row.params === 'string' ? JSON.parse(row.params) : row.params,
    callback_url: row.callback_url,
    metadata: typeof row.metadata === 'string' ? JSON.parse(row.metadata) : row.metadata,
    project_param_version: row.project_param_version,
  };
}

/**
 * `POST /v1/task/imageannotation` and `GET /v1/task/:id` over a one-table SQLite database with
 * Tagwright's settings (WAL, synchronous NORMAL): the create parses the JSON body and commits one
 * INSERT before answering; the get reads the row by primary key (one prepared statement) and
 * answers it. Both answer the same JSON as Tagwright (`floorTask`).
 */
export async function startTaskFloor(): Promise<BaselineServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tagwright-floor-'));
  const database = new Database(path.join(dir, 'floor.sqlite'));
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.exec(
    'create table tasks (id text primary key, type text not null, status text not null, project text not null, instruction text, params text not null, callback_url text, metadata text not null, project_param_version integer, created_at integer not null, updated_at integer not null)',
  );
  const insert = database.prepare(`insert into tasks (${FLOOR_COLUMNS}) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const byId = database.prepare('select * from tasks where id = ?');
  const app = Fastify({ logger: { level: 'warn' } });
  app.post('/v1/task/imageannotation', async (request) => {
    const now = Date.now();
    const task = floorTask(request.body as Record<string, any>, now);
    insert.run(...floorValues(task, now));
    return task;
  });
  app.get('/v1/task/:id', async (request) => floorAnswer(byId.get((request.params as { id: string }).id) as Record<string, any>));
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const recent = database.prepare('select id from tasks order by created_at desc limit ?');
  return {
    url,
    recentIds: async (limit) => (recent.all(limit) as Array<{ id: string }>).map((row) => row.id),
    close: async () => {
      await app.close();
      database.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The same two routes on PostgreSQL (bare Fastify + pg, one named prepared statement each, a pool
 * of the size Tagwright uses): the floor for Tagwright's PostgreSQL figures. Its table lives in the
 * bench's database beside Tagwright's.
 */
export async function startTaskFloorPostgres(databaseUrl: string, poolSize = 10): Promise<BaselineServer> {
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize });
  await pool.query(
    'create table if not exists floor_tasks (id text primary key, type text not null, status text not null, project text not null, instruction text, params jsonb not null, callback_url text, metadata jsonb not null, project_param_version integer, created_at bigint not null, updated_at bigint not null)',
  );
  const app = Fastify({ logger: { level: 'warn' } });
  app.post('/v1/task/imageannotation', async (request) => {
    const now = Date.now();
    const task = floorTask(request.body as Record<string, any>, now);
    await pool.query({ name: 'floor_insert', text: `insert into floor_tasks (${FLOOR_COLUMNS}) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`, values: floorValues(task, now) });
    return task;
  });
  app.get('/v1/task/:id', async (request) => {
    const result = await pool.query({ name: 'floor_get', text: 'select * from floor_tasks where id = $1', values: [(request.params as { id: string }).id] });
    return floorAnswer(result.rows[0]);
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url,
    recentIds: async (limit) => (await pool.query('select id from floor_tasks order by created_at desc limit $1', [limit])).rows.map((row: { id: string }) => row.id),
    close: async () => {
      await app.close();
      await pool.end();
    },
  };
}
