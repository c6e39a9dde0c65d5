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
import { createBenchDatabase } from './databases.ts';

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

export interface FloorTask {
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

export function floorTask(body: Record<string, any>, now: number): FloorTask {
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

/** The account and project an essential floor stores its tasks under (its own rows, in its own database). */
export const ESSENTIAL_ACCOUNT = 'floor-account';
export const ESSENTIAL_PROJECT_ID = 'floor-project';
/** Tagwright's task columns, in the order the essential floors bind them. */
export const TASK_COLUMNS = [
  'id', 'account_id', 'environment', 'project_id', 'batch_id', 'type', 'status', 'work_state', 'instruction', 'params',
  'callback_url', 'callback_succeeded', 'response', 'metadata', 'unique_id', 'tags', 'priority', 'project_param_version',
  'customer_review_status', 'customer_review_comments', 'prior_responses', 'audits', 'created_at', 'updated_at', 'completed_at',
];

/** A floor task as a row of Tagwright's `tasks` table (TASK_COLUMNS order). */
export function essentialValues(task: FloorTask, projectId: string, now: number): unknown[] {
  return [
    task.task_id, ESSENTIAL_ACCOUNT, 'live', projectId, null, task.type, task.status, 'queued', task.instruction, JSON.stringify(task.params),
    task.callback_url, null, null, JSON.stringify(task.metadata), null, null, null, task.project_param_version,
    null, null, null, null, now, now, null,
  ];
}

/** The wire object of a row of Tagwright's joined read (the JSON columns as text on SQLite, parsed on PostgreSQL). */
export function essentialAnswer(row: Record<string, any>): FloorTask {
  return floorAnswer({ ...row, project: row.project_name });
}

/** Tagwright's schema, made by its own migrations in a fresh database: the essential floors run on exactly these tables and indexes. */
export async function migrateTagwrightSchema(options: { sqliteFile?: string; databaseUrl?: string }): Promise<void> {
  const { connect } = await import('../packages/server/src/db/connect.ts');
  const { migrateToLatest } = await import('../packages/server/src/db/migrate.ts');
  const db = connect(options);
  try {
    await migrateToLatest(db);
  } finally {
    await db.close();
  }
}

export const ESSENTIAL_ACCOUNT_ROW = `insert into accounts (id, name, callback_auth_key_live, callback_auth_key_test, created_at) values ('${ESSENTIAL_ACCOUNT}', 'floor', 'x', 'y', 0)`;
export const ESSENTIAL_PROJECT_ROW =
  `insert into projects (id, account_id, environment, name, type, param_history, created_at, updated_at) ` +
  `values ('${ESSENTIAL_PROJECT_ID}', '${ESSENTIAL_ACCOUNT}', 'live', 'bench creates', 'imageannotation', '[]', 0, 0)`;
/** The joined read of `GET task/{id}`: the task, scoped to its account and environment, with its project's and batch's names. */
export const ESSENTIAL_GET =
  'select t.*, p.name as project_name, b.name as batch_name from tasks t inner join projects p on p.id = t.project_id ' +
  'left join batches b on b.id = t.batch_id where t.id = $1 and t.account_id = $2 and t.environment = $3';
const ESSENTIAL_PROJECT_BY_NAME = 'select id, name from projects where account_id = $1 and environment = $2 and name = $3';
/** Tagwright's one-statement create on PostgreSQL: the task insert and its counter upsert in one data-modifying WITH (last parameter: the counter shard). */
export const ESSENTIAL_INSERT_COUNTED =
  `with inserted as (insert into tasks (${TASK_COLUMNS.join(', ')}) values (${TASK_COLUMNS.map((_, index) => `$${index + 1}`).join(', ')}) ` +
  'on conflict (account_id, environment, unique_id) do nothing returning account_id, environment, project_id, type, status) ' +
  'insert into task_counts (account_id, environment, project_id, batch_key, type, status, shard, n) ' +
  `select account_id, environment, project_id, '', type, status, $${TASK_COLUMNS.length + 1}::integer, 1 from inserted ` +
  'on conflict (account_id, environment, project_id, batch_key, type, status, shard) do update set n = task_counts.n + excluded.n returning n';
/**
 * Tagwright's create of a project it remembers, on PostgreSQL (TaskRepository's checked
 * insert-and-count): the same WITH, inserting only while the project is still the one the task was
 * built from (id, scope, name and the md5 of its parameter history; parameters after the shard: the
 * name and that md5). A server that remembers projects across processes cannot skip the check, so it
 * belongs to the data model's statement, not to Tagwright's pipeline.
 */
const PROJECT_AT = TASK_COLUMNS.indexOf('project_id') + 1;
export const ESSENTIAL_INSERT_COUNTED_CHECKED =
  `with project as (select 1 from projects where id = $${PROJECT_AT} and account_id = $2 and environment = $3 ` +
  `and name = $${TASK_COLUMNS.length + 2} and md5(param_history) = $${TASK_COLUMNS.length + 3}), ` +
  `inserted as (insert into tasks (${TASK_COLUMNS.join(', ')}) select ${TASK_COLUMNS.map((_, index) => `$${index + 1}`).join(', ')} from project ` +
  'on conflict (account_id, environment, unique_id) do nothing returning account_id, environment, project_id, type, status), ' +
  'counted as (insert into task_counts (account_id, environment, project_id, batch_key, type, status, shard, n) ' +
  `select account_id, environment, project_id, '', type, status, $${TASK_COLUMNS.length + 1}::integer, 1 from inserted ` +
  'on conflict (account_id, environment, project_id, batch_key, type, status, shard) do update set n = task_counts.n + excluded.n returning 1) ' +
  'select exists (select 1 from project) as project_ok, exists (select 1 from counted) as created';

/**
 * The essential floor on SQLite: bare Fastify and better-sqlite3 as in `startTaskFloor`, but on
 * Tagwright's own schema (its migrations: the task table's indexes, foreign keys on) and doing the
 * statements no implementation of Tagwright's data model can skip. A create looks the project up by
 * name and commits, in one transaction of its own, the task insert (ON CONFLICT on the unique_id
 * index) and the counter upsert (`task_counts`); a get is the read scoped to the account and
 * environment and joined with the project's and batch's names. No key check, rate limit, validation,
 * inheritance or grouped commits. So floor → essential floor is the database work of the data model,
 * and essential floor → Tagwright is Tagwright's pipeline and rules (with its grouped commits, which
 * the essential floor does not have, on the other side of the scale).
 */
export async function startTaskFloorEssential(): Promise<BaselineServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tagwright-floor-essential-'));
  const file = path.join(dir, 'floor.sqlite');
  await migrateTagwrightSchema({ sqliteFile: file });
  const database = new Database(file);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  database.exec(ESSENTIAL_ACCOUNT_ROW);
  database.exec(ESSENTIAL_PROJECT_ROW);
  const sqlite = (text: string) => text.replace(/\$\d+/g, '?');
  const projectByName = database.prepare(sqlite(ESSENTIAL_PROJECT_BY_NAME));
  const insert = database.prepare(`insert into tasks (${TASK_COLUMNS.join(', ')}) values (${TASK_COLUMNS.map(() => '?').join(', ')}) on conflict (account_id, environment, unique_id) do nothing`);
  const count = database.prepare(
    "insert into task_counts (account_id, environment, project_id, batch_key, type, status, shard, n) values (?, 'live', ?, '', ?, ?, 0, 1) " +
      'on conflict (account_id, environment, project_id, batch_key, type, status, shard) do update set n = task_counts.n + excluded.n',
  );
  const store = database.transaction((values: unknown[], task: FloorTask, projectId: string) => {
    insert.run(values);
    count.run(ESSENTIAL_ACCOUNT, projectId, task.type, task.status);
  });
  const byId = database.prepare(sqlite(ESSENTIAL_GET));
  const app = Fastify({ logger: { level: 'warn' } });
  app.post('/v1/task/imageannotation', async (request) => {
    const now = Date.now();
    const task = floorTask(request.body as Record<string, any>, now);
    const project = projectByName.get(ESSENTIAL_ACCOUNT, 'live', task.project) as { id: string; name: string };
    store(essentialValues(task, project.id, now), task, project.id);
    return task;
  });
  app.get('/v1/task/:id', async (request) => essentialAnswer(byId.get((request.params as { id: string }).id, ESSENTIAL_ACCOUNT, 'live') as Record<string, any>));
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
 * The essential floor on PostgreSQL, in a fresh database of its own with Tagwright's schema. A
 * create is one round trip, as Tagwright's is once its process has read the project: the project is
 * read by name once (the first create) and remembered, and each create is the checked
 * insert-and-count statement (ESSENTIAL_INSERT_COUNTED_CHECKED, one of 16 counter shards). Until
 * 2026-12-07 afternoon it read the project on every create, two round trips where Tagwright made one,
 * which flattered Tagwright. A get is the joined read. Named prepared statements, a pool of Tagwright's size.
 */
export async function startTaskFloorEssentialPostgres(adminUrl: string, poolSize = 10): Promise<BaselineServer> {
  const { default: pg } = await import('pg');
  const database = await createBenchDatabase(adminUrl);
  const databaseUrl = database.url!;
  await migrateTagwrightSchema({ databaseUrl });
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize });
  await pool.query(ESSENTIAL_ACCOUNT_ROW);
  await pool.query(ESSENTIAL_PROJECT_ROW);
  const remembered = new Map<string, { id: string; historyMd5: string }>();
  const app = Fastify({ logger: { level: 'warn' } });
  app.post('/v1/task/imageannotation', async (request) => {
    const now = Date.now();
    const task = floorTask(request.body as Record<string, any>, now);
    let project = remembered.get(task.project);
    if (!project) {
      const read = await pool.query({ name: 'essential_project', text: `select id, md5(param_history) as history_md5 from projects where account_id = $1 and environment = $2 and name = $3`, values: [ESSENTIAL_ACCOUNT, 'live', task.project] });
      project = { id: read.rows[0].id as string, historyMd5: read.rows[0].history_md5 as string };
      remembered.set(task.project, project);
    }
    const result = await pool.query({
      name: 'essential_insert_checked',
      text: ESSENTIAL_INSERT_COUNTED_CHECKED,
      values: [...essentialValues(task, project.id, now), Math.floor(Math.random() * 16), task.project, project.historyMd5],
    });
    if (!result.rows[0].created) throw new Error('essential floor: the task was not created');
    return task;
  });
  app.get('/v1/task/:id', async (request) => {
    const result = await pool.query({ name: 'essential_get', text: ESSENTIAL_GET, values: [(request.params as { id: string }).id, ESSENTIAL_ACCOUNT, 'live'] });
    return essentialAnswer(result.rows[0]);
  });
  const listening = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url: listening,
    recentIds: async (limit) => (await pool.query('select id from tasks order by created_at desc limit $1', [limit])).rows.map((row: { id: string }) => row.id),
    close: async () => {
      await app.close();
      await pool.end();
      await database.drop();
    },
  };
}
