/**
 * The queue cycle's measured floor (bench/queue.bench.ts forks it): a bare Fastify server, with no
 * Tagwright code, on the bench's seeded database, answering the labelers' three calls with only the
 * essential statements. Its CPU per cycle is what this stack (Node, Fastify, the driver, the
 * database) cannot go below for a labeling cycle on this machine, measured the way Tagwright's is.
 *
 * - `GET /app/api/queue/next`: one statement claims the most urgent queued task of the session's
 *   user's project and writes its lease, answering the task as JSON. PostgreSQL: an UPDATE of the
 *   first row of the queue index (FOR UPDATE SKIP LOCKED) with the lease INSERT in a CTE; SQLite:
 *   the UPDATE … RETURNING and the INSERT in one transaction (SQLite has no writes in WITH).
 * - `POST /app/api/tasks/:id/submit`: one statement ends the lease and completes the task with the
 *   response (SQLite: the DELETE … RETURNING and the UPDATE in one transaction).
 * - `POST /app/api/leases/:id/release`: the same, giving the task back to the queue.
 *
 * Each statement finds the user from the session cookie's hash (and checks the CSRF token of a
 * write) inside itself: no extra round trip, nothing remembered between requests. Left out as not
 * essential to a cycle: the attempt, draft, counter and outbox rows, skip and attempted-task checks,
 * consensus and review, telling 401 from an empty queue (an unknown session just gets no task).
 *
 * Same settings as the server: a pg pool of TAGWRIGHT_DATABASE_POOL_SIZE (default 10) connections
 * with named prepared statements and int8 as numbers; SQLite in WAL with synchronous = NORMAL and
 * foreign keys on (checkpoints inline, at SQLite's default 1,000 pages). BENCH_FLOOR_SYNCHRONOUS_COMMIT=off
 * sets synchronous_commit = off on the floor's own PostgreSQL sessions only (a diagnostic: with it, a
 * commit does not wait for its WAL flush).
 *
 * Answers the bench's messages as its Tagwright server does ('ready', 'cpu', 'stop').
 */
import crypto from 'node:crypto';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import SQLite from 'better-sqlite3';
import Fastify from 'fastify';
import pg from 'pg';
import { ascending, percentile } from './stats.ts';
import { gcPauseMs, observeGc } from './process-stats.ts';

const DATABASE_URL = process.env.QUEUE_BENCH_DATABASE_URL || undefined;
const LEASE_MS = 300_000;

interface ClaimedRow {
  id: string;
  type: string;
  project_name: string;
  instruction: string | null;
  params: string;
  priority: number | null;
  created_at: number;
  expires_at: number;
}

/** The three writes, each one statement (PostgreSQL) or one transaction (SQLite). */
interface FloorStore {
  next(tokenHash: string, leaseId: string, now: number): Promise<ClaimedRow | undefined>;
  /** True when the caller's unexpired lease ended and the task was completed. */
  submit(tokenHash: string, csrf: string, leaseId: string, taskId: string, response: string, now: number): Promise<boolean>;
  /** True when the caller's unexpired lease ended and the task went back to the queue. */
  release(tokenHash: string, csrf: string, leaseId: string, now: number): Promise<boolean>;
  close(): Promise<void>;
}

/** Statements run, read and reset with each CPU figure (as the bench counts Tagwright's). */
let statements = 0;
/**
 * Wall time of each `next` claim, ms, from handing it to the driver to its answer (PostgreSQL: the
 * wait for a pooled connection, the round trip, PostgreSQL's work with the commit's WAL flush, and
 * waiting for this event loop), read
 * and reset with each CPU figure: it tells a tail that waits for the database from one that waits
 * for this process.
 */
let claimMs: number[] = [];
/** PostgreSQL: the part of each claim's wall time spent waiting for one of the pool's connections, ms. */
let claimWaitMs: number[] = [];
// The garbage collector's pauses, counted as the bench's Tagwright server counts its own.
observeGc();

/** The first queued task of the user's project, in the queue index's order (tasks_label_queue). */
const FIRST_QUEUED = `select t.id from tasks t
  where t.project_id = (select a.project_id from studio_assignments a where a.user_id = (select user_id from me) limit 1)
    and coalesce(t.batch_id, '') = '' and t.work_state = 'queued'
  order by t.priority desc nulls last, t.created_at, t.id limit 1`;
const CLAIMED_COLUMNS = `id, type, instruction, params, priority, created_at, (select name from projects p where p.id = tasks.project_id) as project_name`;

function postgresStore(url: string): FloorStore {
  pg.types.setTypeParser(20, (value) => Number(value));
  const pool = new pg.Pool({ connectionString: url, max: Number(process.env.TAGWRIGHT_DATABASE_POOL_SIZE ?? 10) });
  if (process.env.BENCH_FLOOR_SYNCHRONOUS_COMMIT === 'off') pool.on('connect', (client) => void client.query('set synchronous_commit = off'));
  const run = async (name: string, text: string, values: unknown[]) => {
    statements += 1;
    // pool.query's own steps, with the wait for a connection timed apart.
    const start = performance.now();
    const client = await pool.connect();
    if (name === 'floor_next') claimWaitMs.push(performance.now() - start);
    try {
      return (await client.query({ name, text, values })).rows;
    } finally {
      client.release();
    }
  };
  const NEXT = `with me as (select user_id, account_id from sessions where id = $1 and expires_at > cast($3 as bigint)),
    claimed as (
      update tasks set work_state = 'in_progress'
      where id = (${FIRST_QUEUED} for update skip locked) and work_state = 'queued'
      returning ${CLAIMED_COLUMNS}
    ),
    leased as (
      insert into task_leases (id, account_id, task_id, task_source, user_id, kind, started_at, expires_at)
      select $2, me.account_id, claimed.id, 'task', me.user_id, 'label', cast($3 as bigint), cast($4 as bigint) from claimed, me
      returning task_id, expires_at
    )
    select claimed.*, leased.expires_at from claimed join leased on leased.task_id = claimed.id`;
  // $1 lease, $2 session hash, $3 CSRF token, $4 now.
  const ended = (extra: string) => `with ended as (
      delete from task_leases where id = $1 and expires_at > cast($4 as bigint)${extra}
        and user_id = (select user_id from sessions where id = $2 and csrf_token = $3 and expires_at > cast($4 as bigint))
      returning task_id
    )`;
  const SUBMIT = `${ended(' and task_id = $5')}
    update tasks set status = 'completed', work_state = 'completed', response = $6, completed_at = cast($4 as bigint), updated_at = cast($4 as bigint)
    from ended where tasks.id = ended.task_id and tasks.work_state = 'in_progress' returning tasks.id`;
  const RELEASE = `${ended('')}
    update tasks set work_state = 'queued' from ended where tasks.id = ended.task_id and tasks.work_state = 'in_progress' returning tasks.id`;
  return {
    next: async (tokenHash, leaseId, now) => (await run('floor_next', NEXT, [tokenHash, leaseId, now, now + LEASE_MS]))[0],
    submit: async (tokenHash, csrf, leaseId, taskId, response, now) => (await run('floor_submit', SUBMIT, [leaseId, tokenHash, csrf, now, taskId, response])).length === 1,
    release: async (tokenHash, csrf, leaseId, now) => (await run('floor_release', RELEASE, [leaseId, tokenHash, csrf, now])).length === 1,
    close: () => pool.end(),
  };
}

function sqliteStore(file: string): FloorStore {
  const database = new SQLite(file);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  const prepared = (text: string) => {
    const statement = database.prepare(text);
    return {
      get: (values: Record<string, unknown>) => ((statements += 1), statement.get(values)),
      run: (values: Record<string, unknown>) => ((statements += 1), statement.run(values)),
    };
  };
  const claim = prepared(`with me as (select user_id from sessions where id = @token and expires_at > @now)
    update tasks set work_state = 'in_progress' where id = (${FIRST_QUEUED}) and work_state = 'queued'
    returning ${CLAIMED_COLUMNS}`);
  const lease = prepared(`insert into task_leases (id, account_id, task_id, task_source, user_id, kind, started_at, expires_at)
    select @lease, account_id, @task, 'task', user_id, 'label', @now, @expires from sessions where id = @token`);
  const end = prepared(`delete from task_leases where id = @lease and expires_at > @now and (@task is null or task_id = @task)
    and user_id = (select user_id from sessions where id = @token and csrf_token = @csrf and expires_at > @now) returning task_id`);
  const complete = prepared(`update tasks set status = 'completed', work_state = 'completed', response = @response, completed_at = @now, updated_at = @now
    where id = @task and work_state = 'in_progress'`);
  const requeue = prepared(`update tasks set work_state = 'queued' where id = @task and work_state = 'in_progress'`);
  const next = database.transaction((token: string, leaseId: string, now: number) => {
    const row = claim.get({ token, now }) as Omit<ClaimedRow, 'expires_at'> | undefined;
    if (!row) return undefined;
    lease.run({ lease: leaseId, task: row.id, token, now, expires: now + LEASE_MS });
    return { ...row, expires_at: now + LEASE_MS };
  });
  const finish = database.transaction((token: string, csrf: string, leaseId: string, taskId: string | null, response: string | null, now: number) => {
    const ended = end.get({ lease: leaseId, task: taskId, token, csrf, now }) as { task_id: string } | undefined;
    if (!ended) return false;
    const written = response === null ? requeue.run({ task: ended.task_id }) : complete.run({ task: ended.task_id, response, now });
    return written.changes === 1;
  });
  return {
    next: async (tokenHash, leaseId, now) => next(tokenHash, leaseId, now),
    submit: async (tokenHash, csrf, leaseId, taskId, response, now) => finish(tokenHash, csrf, leaseId, taskId, response, now),
    release: async (tokenHash, csrf, leaseId, now) => finish(tokenHash, csrf, leaseId, null, null, now),
    close: async () => void database.close(),
  };
}

function tokenHashOf(cookie: string | undefined): string {
  const token = /(?:^|;\s*)tw_session=([^;]+)/.exec(cookie ?? '')?.[1] ?? '';
  return crypto.createHash('sha256').update(token).digest('hex');
}

const iso = (ms: number) => new Date(ms).toISOString();

const store = DATABASE_URL ? postgresStore(DATABASE_URL) : sqliteStore(path.join(process.env.QUEUE_BENCH_DATA_DIR!, 'tagwright.sqlite'));
const app = Fastify({ logger: false });

app.get('/app/api/queue/next', async (request) => {
  const leaseId = crypto.randomUUID();
  const start = performance.now();
  const row = await store.next(tokenHashOf(request.headers.cookie), leaseId, Date.now());
  claimMs.push(performance.now() - start);
  if (!row) return { assignment: null };
  // The wire shape of Tagwright's assignment (presenters/assignment.presenter.ts), written out here.
  const task: Record<string, unknown> = { task_id: row.id, type: row.type, project: row.project_name };
  if (row.instruction !== null) task.instruction = row.instruction;
  task.params = JSON.parse(row.params);
  if (row.priority !== null) task.priority = row.priority;
  task.created_at = iso(row.created_at);
  return { assignment: { lease: { lease_id: leaseId, task_id: row.id, kind: 'label', expires_at: iso(row.expires_at) }, task } };
});

app.post<{ Params: { taskId: string }; Body: { lease_id?: string; response?: unknown } }>('/app/api/tasks/:taskId/submit', async (request, reply) => {
  const { headers, body, params } = request;
  const done = await store.submit(tokenHashOf(headers.cookie), String(headers['x-csrf-token'] ?? ''), String(body?.lease_id ?? ''), params.taskId, JSON.stringify(body?.response ?? null), Date.now());
  if (!done) return reply.code(409).send({ status_code: 409, error: 'no such lease' });
  return { task_id: params.taskId, status: 'completed' };
});

app.post<{ Params: { leaseId: string } }>('/app/api/leases/:leaseId/release', async (request, reply) => {
  const done = await store.release(tokenHashOf(request.headers.cookie), String(request.headers['x-csrf-token'] ?? ''), request.params.leaseId, Date.now());
  if (!done) return reply.code(409).send({ status_code: 409, error: 'no such lease' });
  return { released: true };
});

const url = await app.listen({ host: '127.0.0.1', port: 0 });
// Sampled as the bench's Tagwright server samples its own (same resolution, so the same cost).
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
process.send!({ type: 'ready', url });
process.on('message', async (message: { type: string }) => {
  if (message.type === 'cpu') {
    const usage = process.cpuUsage();
    const sql = { statements: 0, poolWaits: 0, poolWaitMs: 0, rollbacks: 0, errors: {} };
    const claimP99 = percentile(ascending(claimMs), 99);
    const claimWaitP99 = percentile(ascending(claimWaitMs), 99);
    process.send!({ type: 'cpu', micros: usage.user + usage.system, systemMicros: usage.system, sleeps: process.resourceUsage().voluntaryContextSwitches, gcMs: gcPauseMs(), loopP99: loopDelay.percentile(99) / 1e6, loopMax: loopDelay.max / 1e6, sql, statements, claimP99, claimWaitP99 });
    statements = 0;
    claimMs = [];
    claimWaitMs = [];
    loopDelay.reset();
    return;
  }
  if (message.type !== 'stop') return;
  await app.close();
  await store.close();
  process.exit(0);
});
