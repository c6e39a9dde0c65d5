/**
 * Work-queue benchmark: `GET /app/api/queue/next` latency with 1,000,000 queued tasks and 50
 * labelers at once, against `GET /healthz` under the same concurrency in the same run.
 *
 *   node --import tsx bench/queue.bench.ts                       (from the repository root)
 *   BENCH_TASKS=1000000 BENCH_LABELERS=50 BENCH_SECONDS=10 BENCH_THINK_MS=250 node --import tsx bench/queue.bench.ts
 *   BENCH_DATABASE_URL=postgres://postgres:postgres@127.0.0.1:5432/postgres node --import tsx bench/queue.bench.ts
 *   BENCH_DATABASE_URL=... BENCH_SERVERS=2 node --import tsx bench/queue.bench.ts
 *
 * Target: next-task p99 < 20 ms (paced phase: the latency a labeler sees).
 *
 * Database: SQLite in a temporary folder; when BENCH_DATABASE_URL names a PostgreSQL server, the
 * run then does it all again on a fresh database created on that server (the test helper's
 * createTestDatabase, so it is named tw_test_…; dropped at the end, also when the run fails), and
 * prints a line comparing PostgreSQL's CPU per cycle and paced p99 with SQLite's from the same run.
 *
 * Layout: three processes (four with BENCH_SERVERS=2).
 * - Seed process: a Tagwright server on that database inserts the tasks in bulk through the task
 *   repository (multi-row INSERTs, counters maintained) and the labelers (teammates assigned to the
 *   project, each with a session), then on SQLite folds the write-ahead log into the database and on
 *   PostgreSQL runs ANALYZE (see runSeed), and exits. The seed's garbage (a few hundred MB of task
 *   objects) stays with it: a server that seeded in-process measured scavenges of 50–190 ms against
 *   a 300 MB old space that no server started on an existing database has.
 * - Server process: a fresh server on that database (log at warn, rate limit out of reach), as
 *   after a restart or an import. On PostgreSQL, BENCH_SERVERS=2 starts two such processes on the
 *   one database (as a deployment with several API processes) and labeler i uses server i mod 2;
 *   the CPU figures are then both servers' together, the event-loop delays the larger of the two.
 * - This process: the labelers (undici, keep-alive, one connection each). Each loops: `queue/next`,
 *   then submit (9 in 10) or release (1 in 10) the task. Latency is measured here, from sending the
 *   request to having read the answer: what a labeler's browser sees, minus the network.
 *
 * Two phases, each followed by `/healthz` with the same labeler count and pacing:
 * - saturated: no pause between calls, so latency is mostly waiting behind the other 49 labelers'
 *   requests (the server runs one request at a time on its event loop, and SQLite one statement at
 *   a time; PostgreSQL runs up to 10 statements at once, one per pooled connection, but the event
 *   loop still handles one request at a time); shows the throughput ceiling;
 * - paced: each labeler pauses BENCH_THINK_MS ±50 % between a task and the next (people take
 *   seconds per task; 250 ms is already far faster), which is the latency a labeler sees. Labelers
 *   start at random moments within one pause, so the phase measures steady work.
 * Then once, all labelers ask in the same millisecond (a burst, printed on its own line). Then, with
 * Tagwright's servers stopped, the measured floor (measureFloor): a bare Fastify server with no
 * Tagwright code (bench/queue-floor-server.ts) on the same database answers the same labelers' next,
 * submit and release with one essential statement each (SQLite: one transaction), and the same two
 * phases are measured by the same code (measuredPhase); each phase prints the floor's CPU per cycle
 * beside Tagwright's, and the closing lines the floors' PostgreSQL ÷ SQLite ratio beside Tagwright's
 * and the floors' paced p99: whether the targets are within this stack's reach on this machine at
 * all. BENCH_FLOOR_SYNCHRONOUS_COMMIT=off sets synchronous_commit = off in the floor's own
 * PostgreSQL sessions only (a diagnostic: tells WAL-flush waits from CPU waits). Last, a floor
 * process measures the driver's own CPU per statement on the same database (runFloor). With
 * BENCH_DATABASE_URL the closing lines compare PostgreSQL with SQLite: CPU per cycle, paced p99,
 * the driver's CPU per statement, and the measured floors side by side.
 *
 * Besides the percentiles it prints the server's CPU time per next + submit/release cycle (all
 * threads; less sensitive to other load than latency), how much of it is the rate the server spends
 * with no request at all (measured for 2 s before the phases: timers, the worker's polls), the
 * statements per cycle (counted in the server), and the event-loop delay of the server and of
 * this process (how late each ran its timers: time the process was busy or did not get a CPU). On a
 * shared machine, read the latency against the /healthz baseline and those delays: when other jobs
 * keep the CPUs busy, every request waits for the server process to be scheduled. (/healthz pings
 * the database: on PostgreSQL it includes one round trip and a pooled connection.)
 *
 * Diagnostics (stderr): BENCH_SQL_STATS=1 prints the server's time per SQL statement for each
 * phase (on SQLite the time in better-sqlite3's synchronous calls, i.e. event-loop time; on
 * PostgreSQL the wall time from a statement handed to the driver to its answer handled, which
 * includes the round trip and waiting for the event loop, plus the pool's connection waits: the two
 * are not comparable); BENCH_SERVER_TIMES=1 the server-side time per route (request parsed to response written)
 * and, for the slowest 1 % of queue/next calls, how much of their time passed before the server
 * got the request and where their time in the server went (statements' wall time, pool waits, GC;
 * PostgreSQL); BENCH_PROFILE=<dir> writes a CPU profile of the server for each labeling phase;
 * BENCH_ONLY_POSTGRES=1 skips the SQLite run (for diagnostic runs on PostgreSQL);
 * TAGWRIGHT_DATABASE_POOL_SIZE sets the bench servers' pool size (default 10);
 * BENCH_DUMP=<prefix> writes the queue/next samples of each phase as JSON; BENCH_NODE_ARGS="--trace-gc"
 * passes flags to the seed and server processes.
 */
import { fork } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay, performance, type IntervalHistogram } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { createBenchDatabase } from './databases.ts';
import { ascending, percentile } from './stats.ts';
import { gcPauseMs, observeGc } from './process-stats.ts';
import { aroundSqliteStatements } from './sqlite-statements.ts';

const TASKS = Number(process.env.BENCH_TASKS ?? 1_000_000);
const LABELERS = Number(process.env.BENCH_LABELERS ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const THINK_MS = Number(process.env.BENCH_THINK_MS ?? 250);
const LIVE_KEY = 'live_0123456789abcdef0123456789abcdef';
/** An admin URL of a PostgreSQL server: the bench creates (and drops) a database of its own on it. */
const ADMIN_DATABASE_URL = process.env.BENCH_DATABASE_URL || undefined;
/** The run's own database, set by the parent for the seed and server processes (PostgreSQL only). */
const DATABASE_URL = process.env.QUEUE_BENCH_DATABASE_URL || undefined;
const SERVERS = ADMIN_DATABASE_URL ? Number(process.env.BENCH_SERVERS ?? 1) : 1;

interface Seeded {
  /** One per server process; labeler i uses urls[i % urls.length]. */
  urls: string[];
  workers: Array<{ cookie: string; csrf: string }>;
}

type ChildProcess = import('node:child_process').ChildProcess;

// ---------------------------------------------------------------------------------------------
// Child process: the server and the bulk seed.

function serverConfigFor(dataDir: string) {
  return {
    ...(DATABASE_URL ? { DATABASE_URL } : {}),
    PORT: '0',
    HOST: '127.0.0.1',
    TAGWRIGHT_DATA_DIR: dataDir,
    TAGWRIGHT_BOOTSTRAP_API_KEY: LIVE_KEY,
    TAGWRIGHT_RATE_LIMIT_PER_MINUTE: '100000000',
    TAGWRIGHT_GOLD_RATE: '0',
    LOG_LEVEL: 'warn',
    // The server's pool size (default 10) can be tried from the bench's environment.
    ...(process.env.TAGWRIGHT_DATABASE_POOL_SIZE ? { TAGWRIGHT_DATABASE_POOL_SIZE: process.env.TAGWRIGHT_DATABASE_POOL_SIZE } : {}),
  };
}

/** Seed process: a database with TASKS queued tasks and LABELERS signed-in labelers, then exits. */
async function runSeed(): Promise<void> {
  const { sql } = await import('kysely');
  const { loadConfig } = await import('../packages/server/src/config.ts');
  const { startServer } = await import('../packages/server/src/server.ts');
  const { TaskRepository } = await import('../packages/server/src/repositories/task.repository.ts');
  type NewTask = import('../packages/server/src/repositories/task.repository.ts').NewTask;
  const { newId, sha256 } = await import('../packages/server/src/domain/ids.ts');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tagwright-queue-bench-'));
  const server = await startServer(loadConfig(serverConfigFor(dataDir)), { logger: false });
  const { db } = server.services;
  const kysely = db.kysely;
  const account = await kysely.selectFrom('accounts').select('id').executeTakeFirstOrThrow();
  const now = Date.now();
  const projectId = newId(now);
  await kysely
    .insertInto('projects')
    .values({ id: projectId, account_id: account.id, environment: 'live', name: 'bench queue', type: 'categorization', param_history: '[]', rapid: 0, studio: 0, archived: 0, pipeline: null, consensus_attempts: null, dataset_id: null, created_at: now, updated_at: now })
    .execute();

  const started = performance.now();
  const chunk = 50_000;
  for (let offset = 0; offset < TASKS; offset += chunk) {
    const tasks: NewTask[] = [];
    for (let index = offset; index < Math.min(TASKS, offset + chunk); index++) {
      const createdAt = now - TASKS + index;
      tasks.push({
        id: newId(createdAt),
        account_id: account.id,
        environment: 'live' as const,
        project_id: projectId,
        batch_id: null,
        type: 'categorization',
        status: 'pending' as const,
        work_state: 'queued' as const,
        instruction: null,
        params: { attachment: `https://cdn.example.com/${index}.jpg`, categories: ['cat', 'dog'] },
        callback_url: null,
        callback_succeeded: null,
        response: null,
        metadata: {},
        unique_id: null,
        tags: null,
        priority: index % 100 === 0 ? 20 : null,
        project_param_version: null,
        customer_review_status: null,
        customer_review_comments: null,
        prior_responses: null,
        audits: null,
        created_at: createdAt,
        updated_at: createdAt,
        completed_at: null,
      });
    }
    await kysely.transaction().execute((trx) => new TaskRepository(trx, db.dialect).insertMany(tasks));
  }
  const seedMs = performance.now() - started;

  const workers: Array<{ cookie: string; csrf: string }> = [];
  for (let index = 0; index < LABELERS; index++) {
    const id = newId();
    const token = crypto.randomBytes(24).toString('hex');
    const csrf = crypto.randomBytes(16).toString('hex');
    await kysely
      .insertInto('users')
      .values({ id, account_id: account.id, email: `labeler${index}@bench.example`, role: 'labeler', first_name: null, last_name: null, company: null, password_hash: null, invite_token_hash: null, invite_expires_at: null, failed_logins: 0, locked_until: null, created_at: now })
      .execute();
    await kysely.insertInto('sessions').values({ id: sha256(token), user_id: id, account_id: account.id, csrf_token: csrf, created_at: now, expires_at: now + 86_400_000, last_seen_at: now }).execute();
    await kysely.insertInto('studio_assignments').values({ account_id: account.id, user_id: id, project_id: projectId, created_at: now }).execute();
    workers.push({ cookie: `tw_session=${token}`, csrf });
  }
  if (DATABASE_URL) {
    // Planner statistics for the freshly filled tables, as autovacuum's ANALYZE would have gathered
    // them on a running server within about a minute of the import (without them the planner
    // guesses from an almost empty table).
    await sql`analyze`.execute(kysely);
  } else {
    // The bulk insert leaves a large write-ahead log; fold it into the database file, as a server
    // that has been running would have long done.
    await sql`pragma wal_checkpoint(truncate)`.execute(kysely);
  }
  await server.close();
  process.send!({ type: 'seeded', dataDir, workers, seedMs }, () => process.exit(0));
}

/**
 * Server process: a fresh Tagwright server on the seeded database (the seed's garbage stays in the
 * seed process, as it would for a server started after an import).
 */
async function runServer(): Promise<void> {
  const { loadConfig } = await import('../packages/server/src/config.ts');
  const { startServer } = await import('../packages/server/src/server.ts');
  const dataDir = process.env.QUEUE_BENCH_DATA_DIR!;
  if (process.env.BENCH_SQL_STATS) await (DATABASE_URL ? instrumentPostgres() : instrumentSqlite());
  await countStatements();
  observeGc();
  if (process.env.BENCH_SERVER_TIMES) await instrumentHttp();
  const server = await startServer(loadConfig(serverConfigFor(dataDir)), { logger: false });
  // How late the server's event loop runs its timers: long synchronous work (or the process not
  // getting a CPU) shows here, whichever request it delays.
  // Sampled every 10 ms: at 1 ms the monitor's own timer cost the server ≈ 30 ms of CPU per second
  // on the loaded 2-vCPU machine, which a phase of few cycles per second counted as 1–2 ms per cycle.
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  process.send!({ type: 'ready', url: server.url });
  process.on('message', async (message: { type: string; name?: string }) => {
    if (message.type === 'cpu') {
      if (message.name) printSqlStats(message.name);
      if (message.name) printServerTimes(message.name);
      const usage = process.cpuUsage();
      process.send!({ type: 'cpu', micros: usage.user + usage.system, systemMicros: usage.system, sleeps: process.resourceUsage().voluntaryContextSwitches, gcMs: gcPauseMs(), loopP99: loopDelay.percentile(99) / 1e6, loopMax: loopDelay.max / 1e6, sql: resetSqlCounts(), statements: statementCount });
      statementCount = 0;
      loopDelay.reset();
      return;
    }
    if (message.type === 'profile-start' || message.type === 'profile-stop') {
      await profile(message);
      process.send!({ type: message.type });
      return;
    }
    if (message.type !== 'stop') return;
    await server.close();
    process.exit(0);
  });
}

/**
 * Statements the server ran (every run: a counter increment per statement, far below a statement's
 * own cost): on PostgreSQL each a round trip (BEGIN and COMMIT included), on SQLite each a call
 * into better-sqlite3. Read and reset with each CPU figure.
 */
let statementCount = 0;
async function countStatements(): Promise<void> {
  if (DATABASE_URL) {
    const { default: pg } = await import('pg');
    const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
    pg.Client.prototype.query = function (this: unknown, ...args: unknown[]) {
      statementCount += 1;
      return query.apply(this, args);
    } as typeof pg.Client.prototype.query;
    return;
  }
  await aroundSqliteStatements((_source, _kind, execute) => {
    statementCount += 1;
    return execute();
  });
}

/** Diagnostics (BENCH_SQL_STATS=1): time spent in each SQL statement, printed by the server at the end. */
const sqlStats = new Map<string, { calls: number; ms: number; max: number; slow: number }>();
/**
 * Diagnostics (BENCH_SQL_STATS=1), per phase and sent to the parent with the CPU figure so it can
 * divide by the phase's cycles: statements, pool checkouts that had to wait, errors by SQLSTATE (a
 * 40P01 or 40001 is a deadlock or serialization failure that the lifecycle retries) and ROLLBACKs.
 */
const sqlCounts = { statements: 0, poolWaits: 0, poolWaitMs: 0, rollbacks: 0, errors: {} as Record<string, number> };
function resetSqlCounts(): typeof sqlCounts {
  const copy = { ...sqlCounts, errors: { ...sqlCounts.errors } };
  Object.assign(sqlCounts, { statements: 0, poolWaits: 0, poolWaitMs: 0, rollbacks: 0, errors: {} });
  return copy;
}

function recordSql(key: string, ms: number): void {
  if (!key.startsWith('(pool')) sqlCounts.statements += 1;
  if (/^rollback/i.test(key)) sqlCounts.rollbacks += 1;
  const entry = sqlStats.get(key) ?? { calls: 0, ms: 0, max: 0, slow: 0 };
  if (ms > 5) entry.slow += 1;
  entry.calls += 1;
  entry.ms += ms;
  entry.max = Math.max(entry.max, ms);
  sqlStats.set(key, entry);
}

async function instrumentSqlite(): Promise<void> {
  await aroundSqliteStatements((source, kind, execute) => {
    const start = performance.now();
    try {
      return execute();
    } finally {
      recordSql(kind === 'exec' ? `exec ${source}` : source.replace(/\s+/g, ' ').slice(0, 160), performance.now() - start);
    }
  });
}

/**
 * PostgreSQL (BENCH_SQL_STATS=1): wall time from handing each statement to the pg driver to its
 * result being handled. Not the statement's cost: it includes waiting for a pooled connection, the
 * round trip, PostgreSQL's work, and the wait for this event loop (and a CPU) to take the answer.
 */
async function instrumentPostgres(): Promise<void> {
  const { default: pg } = await import('pg');
  const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  pg.Client.prototype.query = function (this: unknown, ...args: unknown[]) {
    const result = query.apply(this, args);
    if (!(result instanceof Promise)) return result;
    const start = performance.now();
    const text = typeof args[0] === 'string' ? args[0] : String((args[0] as { text?: string })?.text ?? '?');
    const key = text.replace(/\s+/g, ' ').slice(0, 160);
    result.catch((error: { code?: string }) => {
      const code = error?.code ?? 'other';
      sqlCounts.errors[code] = (sqlCounts.errors[code] ?? 0) + 1;
    });
    return result.finally(() => {
      recordSql(key, performance.now() - start);
    });
  } as typeof pg.Client.prototype.query;
  // Waiting for one of the pool's connections (Kysely takes one per statement outside a transaction,
  // and holds one for a whole transaction).
  const connect = pg.Pool.prototype.connect as (...args: unknown[]) => unknown;
  pg.Pool.prototype.connect = function (this: unknown, ...args: unknown[]) {
    const result = connect.apply(this, args);
    if (!(result instanceof Promise)) return result;
    const start = performance.now();
    // pg-pool answers at once (a resolved promise) when a connection is idle; a wait shows as time.
    return result.finally(() => {
      const waited = performance.now() - start;
      if (waited > 0.5) {
        sqlCounts.poolWaits += 1;
        sqlCounts.poolWaitMs += waited;
      }
      recordSql('(pool: wait for a connection)', waited);
    });
  } as typeof pg.Pool.prototype.connect;
}

function printSqlStats(name: string): void {
  if (!process.env.BENCH_SQL_STATS) return;
  const rows = [...sqlStats].sort((a, b) => b[1].ms - a[1].ms).slice(0, 30);
  const calls = [...sqlStats].reduce((sum, [key, entry]) => sum + (key.startsWith('(pool') ? 0 : entry.calls), 0);
  console.error(`-- SQL ${DATABASE_URL ? 'wall time (PostgreSQL: sent to answer handled)' : 'time'} during ${name}: ${calls} statements`);
  for (const [sql, entry] of rows) console.error(`${entry.ms.toFixed(1).padStart(8)} ms ${String(entry.calls).padStart(6)}x max ${entry.max.toFixed(2).padStart(7)} >5ms ${String(entry.slow).padStart(3)}  ${sql}`);
  sqlStats.clear();
}

/** Diagnostics (BENCH_SERVER_TIMES=1): time from the request's headers parsed to its response written, per route, in the server. */
const serverTimes = new Map<string, number[]>();
/**
 * BENCH_SERVER_TIMES: what one request spent in the server, gathered while it runs (AsyncLocalStorage
 * follows it through its awaits): statements it ran and their wall time (PostgreSQL: handed to the
 * driver to answer handled; the round trip, PostgreSQL's work including a commit's WAL flush, and
 * waiting for this event loop), pool waits, and the garbage collector's pauses meanwhile. Sent back
 * in the `x-bench-server` header (ms: server total/statements' wall/pool wait/GC/statements), so the
 * labelers' process can break its slowest requests down.
 */
interface RequestTimes { start: number; sql: number; pool: number; statements: number; gcAtStart: number }
let requestTimes: import('node:async_hooks').AsyncLocalStorage<RequestTimes> | undefined;
async function instrumentHttp(): Promise<void> {
  const http = await import('node:http');
  const { AsyncLocalStorage } = await import('node:async_hooks');
  const store = new AsyncLocalStorage<RequestTimes>();
  requestTimes = store;
  if (DATABASE_URL) {
    const { default: pg } = await import('pg');
    const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
    pg.Client.prototype.query = function (this: unknown, ...args: unknown[]) {
      const result = query.apply(this, args);
      const times = store.getStore();
      if (!times || !(result instanceof Promise)) return result;
      const start = performance.now();
      times.statements += 1;
      return result.finally(() => {
        times.sql += performance.now() - start;
      });
    } as typeof pg.Client.prototype.query;
    const connect = pg.Pool.prototype.connect as (...args: unknown[]) => unknown;
    pg.Pool.prototype.connect = function (this: unknown, ...args: unknown[]) {
      const result = connect.apply(this, args);
      const times = store.getStore();
      if (!times || !(result instanceof Promise)) return result;
      const start = performance.now();
      return result.finally(() => {
        times.pool += performance.now() - start;
      });
    } as typeof pg.Pool.prototype.connect;
  }
  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function (this: import('node:http').Server, event: string, ...args: any[]) {
    if (event === 'request') {
      const [request, response] = args as [import('node:http').IncomingMessage, import('node:http').ServerResponse];
      const start = performance.now();
      response.setHeader('x-bench-received', String(performance.timeOrigin + start));
      const route = (request.url ?? '').replace(/\?.*/, '').replace(/\/(leases|tasks)\/[^/]+\//, '/$1/:id/');
      const times: RequestTimes = { start, sql: 0, pool: 0, statements: 0, gcAtStart: gcPauseMs() };
      const writeHead = response.writeHead;
      response.writeHead = function (this: typeof response, ...headArgs: any[]) {
        const fields = [performance.now() - start, times.sql, times.pool, gcPauseMs() - times.gcAtStart].map((value) => value.toFixed(2));
        this.setHeader('x-bench-server', `${fields.join('/')}/${times.statements}`);
        return writeHead.apply(this, headArgs as never);
      } as typeof response.writeHead;
      response.once('finish', () => {
        const list = serverTimes.get(route) ?? [];
        list.push(performance.now() - start);
        serverTimes.set(route, list);
      });
      return store.run(times, () => emit.apply(this, [event, ...args] as never));
    }
    return emit.apply(this, [event, ...args] as never);
  } as typeof emit;
}

function printServerTimes(name: string): void {
  if (!process.env.BENCH_SERVER_TIMES) return;
  for (const [route, list] of serverTimes) console.error(`-- server time during ${name}: ${route} ${summary(list)}`);
  serverTimes.clear();
}

let session: import('node:inspector/promises').Session | undefined;
async function profile(message: { type: string; name?: string }): Promise<void> {
  const inspector = await import('node:inspector/promises');
  if (message.type === 'profile-start') {
    session = new inspector.Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
    await session.post('Profiler.start');
    return;
  }
  const { profile } = (await session!.post('Profiler.stop')) as { profile: unknown };
  fs.mkdirSync(process.env.BENCH_PROFILE!, { recursive: true });
  fs.writeFileSync(path.join(process.env.BENCH_PROFILE!, `${message.name}.cpuprofile`), JSON.stringify(profile));
  session!.disconnect();
}

/**
 * Floor process: the database driver's own CPU per statement on this run's seeded database, with
 * the server's connection settings and code path (db/connect.ts, prepared CompiledStatements through
 * Kysely; on PostgreSQL a pool of the server's size, each statement a round trip). Two statements:
 * a primary-key read of one short column (the least a statement costs) and a task read by id as the
 * queue reads tasks (every column, JSON parsed: the same JavaScript on both databases). Each runs
 * one at a time and with 10 in flight (the pool's size, as under the labelers). CPU is this
 * process's (process.cpuUsage), so PostgreSQL's own work in its backend is not in it, as it is not
 * in the server's figure.
 */
async function runFloor(): Promise<void> {
  const { connect } = await import('../packages/server/src/db/connect.ts');
  const { CompiledStatement } = await import('../packages/server/src/db/compiled-statement.ts');
  const { TaskRepository } = await import('../packages/server/src/repositories/task.repository.ts');
  const dataDir = process.env.QUEUE_BENCH_DATA_DIR!;
  const db = connect({ databaseUrl: DATABASE_URL, sqliteFile: path.join(dataDir, 'tagwright.sqlite') });
  const account = await db.kysely.selectFrom('accounts').select('id').executeTakeFirstOrThrow();
  const ids = (await db.kysely.selectFrom('tasks').select('id').limit(1000).execute()).map((row) => row.id);
  const accountRead = new CompiledStatement<{ id: string }>(1, (kysely, id) => kysely.selectFrom('accounts').select('id').where('id', '=', id), { committedReads: true, prepared: true });
  const tasks = new TaskRepository(db.kysely, db.dialect);
  const statements: Record<string, (index: number) => Promise<unknown>> = {
    'primary-key read, one column': (_index) => accountRead.execute(db.kysely, db.dialect.name, [account.id]),
    'task read by id (all columns, parsed)': (index) => tasks.findById(account.id, 'live', ids[index % ids.length]),
  };
  const figures: Record<string, { one: number; ten: number }> = {};
  const runs = 3000;
  for (const [name, statement] of Object.entries(statements)) {
    for (let index = 0; index < 200; index++) await statement(index); // warm: prepared on every connection, JIT
    let before = process.cpuUsage();
    for (let index = 0; index < runs; index++) await statement(index);
    let used = process.cpuUsage(before);
    const one = (used.user + used.system) / runs;
    before = process.cpuUsage();
    await Promise.all(
      Array.from({ length: 10 }, async (_, lane) => {
        for (let index = lane; index < runs; index += 10) await statement(index);
      }),
    );
    used = process.cpuUsage(before);
    figures[name] = { one, ten: (used.user + used.system) / runs };
  }
  await db.close();
  process.send!({ type: 'floor', figures }, () => process.exit(0));
}

// ---------------------------------------------------------------------------------------------
// Parent process: the labelers.

/** BENCH_SERVER_TIMES: when undici wrote each labeler's latest request headers to its socket, by session token. */
const headersSentAt = new Map<string, number>();
if (process.env.BENCH_SERVER_TIMES && !process.env.QUEUE_BENCH_ROLE) {
  const diagnostics = await import('node:diagnostics_channel');
  diagnostics.subscribe('undici:client:sendHeaders', (message) => {
    const match = /tw_session=([0-9a-f]+)/.exec((message as { headers: string }).headers);
    if (match) headersSentAt.set(match[1], performance.now());
  });
}

function summary(samples: number[]): string {
  const sorted = ascending(samples);
  return `p50 ${percentile(sorted, 50).toFixed(2)} ms, p99 ${percentile(sorted, 99).toFixed(2)} ms (n=${sorted.length})`;
}

/** A labeler's pause between tasks: thinkMs ±50 %. */
function think(thinkMs: number): Promise<void> {
  return sleep(thinkMs * (0.5 + Math.random()));
}

/**
 * Paced labelers start at random moments within one pause, as people who opened their tabs at
 * different times do. Started in the same millisecond, all 50 first requests queue behind each other
 * (the server answers one at a time): that one burst alone held the slowest 2.5 % of a 10 s phase
 * and so decided its p99. The burst is measured on its own (burstPhase).
 */
function staggeredStart(thinkMs: number): Promise<void> {
  return thinkMs > 0 ? sleep(Math.random() * thinkMs) : Promise.resolve();
}

/** One keep-alive connection per labeler, to its server (labelers are split evenly between the servers). */
function labelerPools(seeded: Seeded): Pool[] {
  return seeded.workers.map((_, index) => new Pool(seeded.urls[index % seeded.urls.length], { connections: 1, pipelining: 1 }));
}

async function labelerPhase(seeded: Seeded, thinkMs: number): Promise<{ next: number[]; cycles: number; empty: number; breakdown?: string }> {
  const pools = labelerPools(seeded);
  const next: number[] = [];
  let cycles = 0;
  let empty = 0;
  const split: Array<[number, number, number, number[]]> = [];
  const end = performance.now() + SECONDS * 1000;
  await Promise.all(
    seeded.workers.map(async (worker, index) => {
      const pool = pools[index];
      const headers = { cookie: worker.cookie, 'x-csrf-token': worker.csrf, 'content-type': 'application/json' };
      let round = 0;
      await staggeredStart(thinkMs);
      while (performance.now() < end) {
        const start = performance.now();
        const response = await pool.request({ method: 'GET', path: '/app/api/queue/next', headers });
        const body = (await response.body.json()) as { assignment: any };
        next.push(performance.now() - start);
        if (response.headers['x-bench-received']) {
          const sentAt = headersSentAt.get(worker.cookie.slice(worker.cookie.indexOf('=') + 1)) ?? NaN;
          const server = String(response.headers['x-bench-server'] ?? '').split('/').map(Number);
          split.push([performance.now() - start, sentAt - start, Number(response.headers['x-bench-received']) - (performance.timeOrigin + start), server]);
        }
        if (response.statusCode !== 200) throw new Error(`queue/next answered ${response.statusCode}: ${JSON.stringify(body)}`);
        if (!body.assignment) {
          empty += 1;
          continue;
        }
        const { lease, task } = body.assignment;
        round += 1;
        const release = round % 10 === 0;
        const done = await pool.request({
          method: 'POST',
          path: release ? `/app/api/leases/${lease.lease_id}/release` : `/app/api/tasks/${task.task_id}/submit`,
          headers,
          body: JSON.stringify(release ? {} : { lease_id: lease.lease_id, response: { category: 'cat' }, time_spent_secs: 1 }),
        });
        await done.body.dump();
        if (done.statusCode !== 200) throw new Error(`${release ? 'release' : 'submit'} answered ${done.statusCode}`);
        cycles += 1;
        if (thinkMs > 0) await think(thinkMs);
      }
    }),
  );
  await Promise.all(pools.map((pool) => pool.close()));
  let breakdown: string | undefined;
  if (split.length > 0) {
    const slowest = split.sort((a, b) => b[0] - a[0]).slice(0, Math.ceil(split.length / 100));
    console.error(`-- slowest 1 % of queue/next: total / until written to the socket / until the server got it (ms): ${slowest.map(([total, sent, until]) => `${total.toFixed(0)}/${sent.toFixed(0)}/${until.toFixed(0)}`).join(' ')}`);
    // Where their time went, averaged over them: before the server read the request, in the server (its
    // statements' wall time, pool waits, GC pauses, the rest: JavaScript and waiting for the event loop)
    // and after the server wrote the answer until this process handled it.
    const mean = (pick: (row: (typeof slowest)[number]) => number) => slowest.reduce((sum, row) => sum + pick(row), 0) / slowest.length;
    const [total, before, inServer, sqlWall, pool, gc, statements] = [
      mean(([all]) => all), mean(([, , until]) => until), mean(([, , , server]) => server[0]), mean(([, , , server]) => server[1]),
      mean(([, , , server]) => server[2]), mean(([, , , server]) => server[3]), mean(([, , , server]) => server[4]),
    ];
    breakdown = (
      `  slowest 1 % of queue/next (${slowest.length}), mean ms: total ${total.toFixed(1)} = before the server read it ${before.toFixed(1)} + in the server ${inServer.toFixed(1)} ` +
        `(statements' wall time ${sqlWall.toFixed(1)} over ${statements.toFixed(1)} statements; pool waits ${pool.toFixed(1)}; GC ${gc.toFixed(1)}, which may overlap the statements' wait; the rest ${(inServer - sqlWall - pool - gc).toFixed(1)}) ` +
        `+ after the server wrote it ${(total - before - inServer).toFixed(1)}`
    );
  }
  return { next, cycles, empty, breakdown };
}

/**
 * Every labeler asks for a task in the same millisecond (as when a restarted server's open tabs all
 * retry at once), then releases it. Returns each request's latency: the last one waits for all the
 * others, so this shows the queueing of a burst, not what a labeler sees in steady work.
 */
async function burstPhase(seeded: Seeded): Promise<number[]> {
  const pools = labelerPools(seeded);
  // Open every connection first, so the burst measures requests, not TCP handshakes.
  await Promise.all(pools.map(async (pool) => (await pool.request({ method: 'GET', path: '/healthz' })).body.dump()));
  const samples: number[] = [];
  await Promise.all(
    seeded.workers.map(async (worker, index) => {
      const headers = { cookie: worker.cookie, 'x-csrf-token': worker.csrf, 'content-type': 'application/json' };
      const start = performance.now();
      const response = await pools[index].request({ method: 'GET', path: '/app/api/queue/next', headers });
      const body = (await response.body.json()) as { assignment: any };
      samples.push(performance.now() - start);
      if (!body.assignment) return;
      const released = await pools[index].request({ method: 'POST', path: `/app/api/leases/${body.assignment.lease.lease_id}/release`, headers, body: '{}' });
      await released.body.dump();
    }),
  );
  await Promise.all(pools.map((pool) => pool.close()));
  return samples;
}

async function healthPhase(seeded: Seeded, thinkMs: number): Promise<number[]> {
  const pools = labelerPools(seeded);
  const samples: number[] = [];
  const end = performance.now() + SECONDS * 1000;
  await Promise.all(
    pools.map(async (pool) => {
      await staggeredStart(thinkMs);
      while (performance.now() < end) {
        const start = performance.now();
        const response = await pool.request({ method: 'GET', path: '/healthz' });
        await response.body.dump();
        samples.push(performance.now() - start);
        if (thinkMs > 0) await think(thinkMs);
      }
    }),
  );
  await Promise.all(pools.map((pool) => pool.close()));
  return samples;
}

/**
 * CPU time the server processes have used so far (microseconds, summed; less sensitive to other load
 * on the machine than latency) and their event-loop delay since the last call (the larger of them).
 */
type SqlCounts = typeof sqlCounts;
interface ServerCpu {
  micros: number;
  loopP99: number;
  loopMax: number;
  /** BENCH_SQL_STATS: the statements and pool waits since the previous call, summed over the servers. */
  sql: SqlCounts;
  /** Statements run since the previous call (countStatements), summed over the servers. */
  statements: number;
  /** The kernel's share of `micros` (system time: socket reads and writes, polling, scheduling). */
  systemMicros: number;
  /**
   * Times the server's threads gave up the CPU to wait so far (voluntary context switches, summed):
   * an event loop with nothing to do sleeps in epoll, so per cycle this says how few requests each
   * wake-up found.
   */
  sleeps: number;
  /** The garbage collector's pauses so far, ms, summed over the servers. */
  gcMs: number;
  /** The floor server only (bench/queue-floor-server.ts): p99 of its claims' wall time since the previous call, ms. */
  claimP99?: number;
  /** The floor server on PostgreSQL: p99 of its claims' wait for a pooled connection (part of claimP99), ms. */
  claimWaitP99?: number;
}

async function serverCpu(children: ChildProcess[], name?: string): Promise<ServerCpu> {
  const each = await Promise.all(children.map((child) => processCpu(child, name)));
  const sql: SqlCounts = { statements: 0, poolWaits: 0, poolWaitMs: 0, rollbacks: 0, errors: {} };
  for (const one of each) {
    sql.statements += one.sql.statements;
    sql.poolWaits += one.sql.poolWaits;
    sql.poolWaitMs += one.sql.poolWaitMs;
    sql.rollbacks += one.sql.rollbacks;
    for (const [code, count] of Object.entries(one.sql.errors)) sql.errors[code] = (sql.errors[code] ?? 0) + count;
  }
  return { claimP99: Math.max(...each.map((one) => one.claimP99 ?? NaN)), claimWaitP99: Math.max(...each.map((one) => one.claimWaitP99 ?? NaN)), micros: each.reduce((sum, one) => sum + one.micros, 0), loopP99: Math.max(...each.map((one) => one.loopP99)), loopMax: Math.max(...each.map((one) => one.loopMax)), sql, statements: each.reduce((sum, one) => sum + one.statements, 0), systemMicros: each.reduce((sum, one) => sum + one.systemMicros, 0), sleeps: each.reduce((sum, one) => sum + one.sleeps, 0), gcMs: each.reduce((sum, one) => sum + one.gcMs, 0) };
}

function processCpu(child: ChildProcess, name?: string): Promise<ServerCpu> {
  return new Promise((resolve) => {
    const listener = (message: any) => {
      if (message?.type !== 'cpu') return;
      child.off('message', listener);
      resolve(message);
    };
    child.on('message', listener);
    child.send({ type: 'cpu', name });
  });
}

async function ask(children: ChildProcess[], message: { type: string; name?: string }): Promise<void> {
  await Promise.all(children.map((child, index) => askOne(child, { ...message, name: message.name && children.length > 1 ? `${message.name}-server${index + 1}` : message.name })));
}

function askOne(child: ChildProcess, message: { type: string; name?: string }): Promise<void> {
  return new Promise((resolve) => {
    const listener = (answer: any) => {
      if (answer?.type !== message.type) return;
      child.off('message', listener);
      resolve();
    };
    child.on('message', listener);
    child.send(message);
  });
}

function forkRole(role: 'seed' | 'server' | 'floor', env: Record<string, string> = {}): ChildProcess {
  const extra = process.env.BENCH_NODE_ARGS ? process.env.BENCH_NODE_ARGS.split(' ') : [];
  return fork(fileURLToPath(import.meta.url), [], { env: { ...process.env, ...env, QUEUE_BENCH_ROLE: role }, execArgv: ['--import', 'tsx', ...extra] });
}

function firstMessage<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    child.on('message', (message: any) => {
      if (message?.type === type) resolve(message);
    });
    child.once('exit', (code) => reject(new Error(`bench ${type === 'seeded' ? 'seed' : 'server'} process exited with ${code}`)));
  });
}

/** The run's database: a fresh PostgreSQL database on BENCH_DATABASE_URL's server, or none (SQLite in the seed's folder). */
async function createDatabase(postgres: boolean): Promise<{ env: Record<string, string>; drop(): Promise<void> }> {
  if (!postgres) return { env: {}, drop: async () => {} };
  const database = await createBenchDatabase();
  if (!database.url) return { env: {}, drop: database.drop };
  console.log(`queue bench: database ${new URL(database.url).pathname.slice(1)} on BENCH_DATABASE_URL's server, dropped at the end`);
  return { env: { QUEUE_BENCH_DATABASE_URL: database.url }, drop: database.drop };
}

/** The server's CPU at its no-request rate over a phase of `wallMs`, per cycle, ms. */
function idleShareOf(idleMsPerSecond: number, wallMs: number, cycles: number): number {
  return (idleMsPerSecond * wallMs) / 1000 / Math.max(1, cycles);
}

/** What the comparison line needs of one database's run. */
interface RunFigures {
  /** Server CPU per next + submit/release, ms, saturated and paced phases. */
  cycleCpu: { saturated: number; paced: number };
  /** cycleCpu less the server's no-request CPU rate over the phase: the cycles' own cost. */
  netCycleCpu: { saturated: number; paced: number };
  pacedP99: number;
  /** The driver's CPU per statement, µs, from the floor process (runFloor), one at a time and 10 in flight. */
  floor: Record<string, { one: number; ten: number }>;
  /** The measured floor's phases (measureFloor): bare Fastify and the essential statements. */
  cycleFloor: Partial<Record<Phase, MeasuredPhase>>;
}

type Phase = 'saturated' | 'paced';

/** Asks the server processes to stop and waits for them to exit (a second call finds them gone). */
async function stopChildren(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map((child) => {
      if (child.exitCode !== null || child.signalCode !== null) return undefined;
      child.send({ type: 'stop' });
      // A server that failed before it listened for messages is killed instead.
      const kill = setTimeout(() => child.kill(), 10_000);
      return new Promise((resolve) => child.once('exit', resolve)).finally(() => clearTimeout(kill));
    }),
  );
}

/**
 * What the server processes spend with no request at all (timers, the worker's polls, the rate
 * limiter's sync), ms per second over 2 s: a phase that completes few cycles per second carries more
 * of it per cycle.
 */
async function idleCpuRate(children: ChildProcess[]): Promise<number> {
  const start = await serverCpu(children);
  await sleep(2000);
  return ((await serverCpu(children)).micros - start.micros) / 2 / 1000;
}

/** One labeling phase as measured: the labelers' samples, the servers' CPU readings around it and what follows from them. */
interface MeasuredPhase {
  labeling: Awaited<ReturnType<typeof labelerPhase>>;
  cpuBefore: ServerCpu;
  cpuAfter: ServerCpu;
  /** Server CPU per next + submit/release, ms; idleShare of it the no-request rate over the phase. */
  cycleCpu: number;
  idleShare: number;
  netCycleCpu: number;
  /** Statements per cycle, counted in the server. */
  statements: number;
  /** The kernel's share of the phase's server CPU, and the servers' sleeps (ServerCpu.sleeps) per cycle. */
  systemShare: number;
  sleeps: number;
  /** GC pauses per cycle, ms. */
  gcMs: number;
  /** queue/next p99, ms. */
  p99: number;
  /** This process's event-loop delay over the labeling, ms (when a monitor was given). */
  clientDelay?: { p99: number; max: number };
}

/**
 * One labeling phase against `children` (Tagwright's servers or the floor server: both are measured
 * by this one function): the labelers' latency and the servers' CPU per cycle, all of it and less
 * their no-request rate over the phase.
 */
async function measuredPhase(children: ChildProcess[], ready: Seeded, name: Phase, think: number, idleMsPerSecond: number, clientDelay?: IntervalHistogram): Promise<MeasuredPhase> {
  const cpuBefore = await serverCpu(children, 'setup');
  const phaseStart = performance.now();
  clientDelay?.reset();
  const labeling = await labelerPhase(ready, think);
  const client = clientDelay ? { p99: clientDelay.percentile(99) / 1e6, max: clientDelay.max / 1e6 } : undefined;
  const cpuAfter = await serverCpu(children, `${name} labeling`);
  const phaseEnd = performance.now();
  const cycles = Math.max(1, labeling.cycles);
  const cycleCpu = (cpuAfter.micros - cpuBefore.micros) / cycles / 1000;
  const idleShare = idleShareOf(idleMsPerSecond, phaseEnd - phaseStart, labeling.cycles);
  return {
    labeling, cpuBefore, cpuAfter, cycleCpu, idleShare, netCycleCpu: cycleCpu - idleShare,
    statements: cpuAfter.statements / cycles,
    systemShare: (cpuAfter.systemMicros - cpuBefore.systemMicros) / Math.max(1, cpuAfter.micros - cpuBefore.micros),
    sleeps: (cpuAfter.sleeps - cpuBefore.sleeps) / cycles,
    gcMs: (cpuAfter.gcMs - cpuBefore.gcMs) / cycles,
    p99: percentile(ascending(labeling.next), 99), clientDelay: client,
  };
}

/**
 * The measured floor of a cycle (docs/work-queue.md, "The measured floor"): a bare Fastify server
 * (bench/queue-floor-server.ts, no Tagwright code) on this run's database, answering the same
 * labelers' next, submit and release with only the essential statement each, measured by the same
 * code as Tagwright's servers (measuredPhase): same labelers, pacing and durations. Prints each
 * phase against Tagwright's from this run.
 */
async function measureFloor(env: Record<string, string>, ready: Seeded, tagwright: Partial<Record<Phase, MeasuredPhase>>): Promise<Partial<Record<Phase, MeasuredPhase>>> {
  const server = fork(fileURLToPath(new URL('./queue-floor-server.ts', import.meta.url)), [], { env: { ...process.env, ...env }, execArgv: ['--import', 'tsx'] });
  const phases: Partial<Record<Phase, MeasuredPhase>> = {};
  try {
    const url = (await firstMessage<{ url: string }>(server, 'ready')).url;
    const floorReady: Seeded = { urls: [url], workers: ready.workers };
    const idleMsPerSecond = await idleCpuRate([server]);
    const synchronousCommit = process.env.BENCH_FLOOR_SYNCHRONOUS_COMMIT === 'off' && env.QUEUE_BENCH_DATABASE_URL ? ', synchronous_commit off in its sessions' : '';
    console.log(`measured floor (bare Fastify, the essential statement per request; bench/queue-floor-server.ts${synchronousCommit}), same database, idle CPU ${idleMsPerSecond.toFixed(1)} ms per second; load average ${os.loadavg().map((value) => value.toFixed(2)).join(' ')}:`);
    for (const [name, think] of [['saturated', 0], ['paced', THINK_MS]] as const) {
      const floor = await measuredPhase([server], floorReady, name, think, idleMsPerSecond);
      phases[name] = floor;
      const ours = tagwright[name]!;
      console.log(
        `  ${name}: queue/next ${summary(floor.labeling.next)}; ${(floor.labeling.cycles / SECONDS).toFixed(0)} tasks/s; ${floor.statements.toFixed(1)} statements per cycle${floor.labeling.empty ? `; ${floor.labeling.empty} empty answers` : ''}; ` +
          `server CPU per cycle floor ${floor.cycleCpu.toFixed(2)} ms, Tagwright ${ours.cycleCpu.toFixed(2)} ms (${(ours.cycleCpu / floor.cycleCpu).toFixed(2)}x the floor; less each one's idle rate ${ours.netCycleCpu.toFixed(2)} vs ${floor.netCycleCpu.toFixed(2)} ms, ${(ours.netCycleCpu / floor.netCycleCpu).toFixed(2)}x); ` +
          `system time ${(100 * floor.systemShare).toFixed(0)} % (Tagwright ${(100 * ours.systemShare).toFixed(0)} %), sleeps per cycle ${floor.sleeps.toFixed(1)} (Tagwright ${ours.sleeps.toFixed(1)}), GC ${floor.gcMs.toFixed(3)} ms per cycle (Tagwright ${ours.gcMs.toFixed(3)}); ` +
          `floor's event-loop delay p99 / max ${floor.cpuAfter.loopP99.toFixed(1)} / ${floor.cpuAfter.loopMax.toFixed(1)} ms, its claim's wall time p99 ${floor.cpuAfter.claimP99?.toFixed(2)} ms${env.QUEUE_BENCH_DATABASE_URL ? ` (waits for a pooled connection p99 ${floor.cpuAfter.claimWaitP99?.toFixed(2)} ms)` : ''}`,
      );
    }
    return phases;
  } finally {
    await stopChildren([server]);
  }
}

/**
 * SQLite, then (with BENCH_DATABASE_URL) PostgreSQL in the same run, each with its own seed and
 * server processes, and a line comparing the two.
 */
async function main(): Promise<void> {
  // BENCH_ONLY_POSTGRES=1 (diagnostics: profiles, SQL counts) skips the SQLite run and the comparison.
  if (ADMIN_DATABASE_URL && process.env.BENCH_ONLY_POSTGRES) {
    await runOne(true);
    return;
  }
  const sqlite = await runOne(false);
  if (!ADMIN_DATABASE_URL) return;
  const postgres = await runOne(true);
  const ratio = (phase: 'saturated' | 'paced') => (postgres.cycleCpu[phase] / sqlite.cycleCpu[phase]).toFixed(2);
  const netRatio = (phase: 'saturated' | 'paced') => (postgres.netCycleCpu[phase] / sqlite.netCycleCpu[phase]).toFixed(2);
  console.log(
    `PostgreSQL vs SQLite in this run: server CPU per cycle ${postgres.cycleCpu.saturated.toFixed(2)} vs ${sqlite.cycleCpu.saturated.toFixed(2)} ms saturated (${ratio('saturated')}x), ` +
      `${postgres.cycleCpu.paced.toFixed(2)} vs ${sqlite.cycleCpu.paced.toFixed(2)} ms paced (${ratio('paced')}x); paced next-task p99 ${postgres.pacedP99.toFixed(2)} vs ${sqlite.pacedP99.toFixed(2)} ms`,
  );
  console.log(
    `less each server's no-request CPU rate: ${postgres.netCycleCpu.saturated.toFixed(2)} vs ${sqlite.netCycleCpu.saturated.toFixed(2)} ms saturated (${netRatio('saturated')}x), ` +
      `${postgres.netCycleCpu.paced.toFixed(2)} vs ${sqlite.netCycleCpu.paced.toFixed(2)} ms paced (${netRatio('paced')}x)`,
  );
  console.log(`target PostgreSQL CPU per cycle <= 1.5x SQLite's (saturated): ${postgres.cycleCpu.saturated <= 1.5 * sqlite.cycleCpu.saturated ? 'met' : 'MISSED'} (${ratio('saturated')}x)`);
  // The measured floors side by side: a floor ratio above 1.5x (or a floor p99 at or above 20 ms)
  // means the target is beyond this stack on this machine, whatever Tagwright does.
  for (const phase of ['saturated', 'paced'] as const) {
    const [pg, lite] = [postgres.cycleFloor[phase]!, sqlite.cycleFloor[phase]!];
    const floorRatio = pg.cycleCpu / lite.cycleCpu;
    console.log(
      `measured floors, ${phase}: server CPU per cycle PostgreSQL ${pg.cycleCpu.toFixed(2)} vs SQLite ${lite.cycleCpu.toFixed(2)} ms (${floorRatio.toFixed(2)}x; Tagwright's ${ratio(phase)}x); ` +
        `1.5x is ${floorRatio <= 1.5 ? 'within' : 'BEYOND'} the bare stack's reach in this run`,
    );
  }
  const [pgFloor, liteFloor] = [postgres.cycleFloor.paced!, sqlite.cycleFloor.paced!];
  console.log(
    `measured floors, paced next-task p99: PostgreSQL ${pgFloor.p99.toFixed(2)} vs SQLite ${liteFloor.p99.toFixed(2)} ms (Tagwright's ${postgres.pacedP99.toFixed(2)} vs ${sqlite.pacedP99.toFixed(2)} ms); ` +
      `< 20 ms on PostgreSQL is ${pgFloor.p99 < 20 ? 'within' : 'BEYOND'} the bare stack's reach in this run`,
  );
  // What one round trip costs the PostgreSQL driver against one better-sqlite3 call (runFloor): what
  // each statement fewer saves. (A computed cycle floor, these figures times Tagwright's statements
  // plus SQLite's /healthz as the HTTP part, was printed here until the measured floor replaced it:
  // it came out above the measured floor (1.33 vs 0.95 ms) in one of the first two runs: not a floor.)
  for (const statement of Object.keys(sqlite.floor)) {
    const [pg, lite] = [postgres.floor[statement], sqlite.floor[statement]];
    console.log(`driver CPU per statement (${statement}), 10 in flight: PostgreSQL ${pg.ten.toFixed(1)} µs vs SQLite ${lite.ten.toFixed(1)} µs (${(pg.ten / lite.ten).toFixed(1)}x)`);
  }
}

async function runOne(postgres: boolean): Promise<RunFigures> {
  const database = await createDatabase(postgres);
  const figures: RunFigures = { cycleCpu: { saturated: NaN, paced: NaN }, netCycleCpu: { saturated: NaN, paced: NaN }, pacedP99: NaN, floor: {}, cycleFloor: {} };
  const servers = postgres ? SERVERS : 1;
  const children: ChildProcess[] = [];
  let dataDir: string | undefined;
  try {
    const seeded = await firstMessage<{ dataDir: string; workers: Seeded['workers']; seedMs: number }>(forkRole('seed', database.env), 'seeded');
    dataDir = seeded.dataDir;
    for (let index = 0; index < servers; index++) children.push(forkRole('server', { ...database.env, QUEUE_BENCH_DATA_DIR: seeded.dataDir }));
    const urls = await Promise.all(children.map(async (child) => (await firstMessage<{ url: string }>(child, 'ready')).url));
    const ready: Seeded = { urls, workers: seeded.workers };
    const where = postgres ? `PostgreSQL, ${servers} server process${servers > 1 ? 'es' : ''}` : 'SQLite';
    console.log(`queue bench: ${TASKS.toLocaleString('en')} queued tasks seeded in ${(seeded.seedMs / 1000).toFixed(1)} s; ${LABELERS} labelers; ${SECONDS} s per phase; ${where}; load average ${os.loadavg().map((value) => value.toFixed(2)).join(' ')}`);
    const idleMsPerSecond = await idleCpuRate(children);
    console.log(`server CPU with no requests: ${idleMsPerSecond.toFixed(1)} ms per second`);
    // This process's own event-loop delay: time a response waited here before being timed.
    let pacedP99 = NaN;
    const tagwrightPhases: Partial<Record<Phase, MeasuredPhase>> = {};
    const clientDelay = monitorEventLoopDelay({ resolution: 10 });
    clientDelay.enable();
    for (const [name, think] of [
      ['saturated', 0],
      ['paced', THINK_MS],
    ] as const) {
      if (process.env.BENCH_PROFILE) await ask(children, { type: 'profile-start' });
      const phase = await measuredPhase(children, ready, name, think, idleMsPerSecond, clientDelay);
      const { labeling, cpuBefore, cpuAfter: cpuMiddle, cycleCpu, idleShare, statements: cycleStatements } = phase;
      tagwrightPhases[name] = phase;
      if (process.env.BENCH_DUMP) fs.writeFileSync(`${process.env.BENCH_DUMP}-${name}.json`, JSON.stringify(labeling.next));
      const clientLabeling = phase.clientDelay!;
      if (process.env.BENCH_PROFILE) await ask(children, { type: 'profile-stop', name });
      clientDelay.reset();
      const health = await healthPhase(ready, think);
      const clientHealth = { p99: clientDelay.percentile(99) / 1e6, max: clientDelay.max / 1e6 };
      const cpuAfter = await serverCpu(children);
      const pause = think > 0 ? `, ${think} ms ±50 % between tasks` : ', no pause';
      console.log(`${name} (${LABELERS} labelers${pause}):`);
      const healthCpu = (cpuAfter.micros - cpuMiddle.micros) / Math.max(1, health.length) / 1000;
      if (think > 0) pacedP99 = phase.p99;
      figures.cycleCpu[name] = cycleCpu;
      figures.netCycleCpu[name] = phase.netCycleCpu;
      console.log(
        `  queue/next  ${summary(labeling.next)}; ${(labeling.cycles / SECONDS).toFixed(0)} tasks/s submitted or released; server CPU ${cycleCpu.toFixed(2)} ms per next + submit/release (${idleShare.toFixed(2)} of it the idle rate, ${((100 * (cpuMiddle.systemMicros - cpuBefore.systemMicros)) / Math.max(1, cpuMiddle.micros - cpuBefore.micros)).toFixed(0)} % system time); ${cycleStatements.toFixed(1)} statements per cycle${labeling.empty ? `; ${labeling.empty} empty answers` : ''}`,
      );
      if (labeling.breakdown) console.log(labeling.breakdown);
      if (process.env.BENCH_SQL_STATS) {
        const counts = cpuMiddle.sql;
        const per = (value: number) => (value / Math.max(1, labeling.cycles)).toFixed(2);
        const errors = Object.entries(counts.errors).map(([code, count]) => `${code} ${count}`).join(', ') || 'none';
        console.log(
          `  SQL per cycle: ${per(counts.statements)} statements, ${per(counts.rollbacks)} rollbacks, ${per(counts.poolWaits)} pool waits (${per(counts.poolWaitMs)} ms waited); errors: ${errors}`,
        );
      }
      console.log(`  /healthz    ${summary(health)}; server CPU ${healthCpu.toFixed(3)} ms per request  (baseline, same concurrency)`);
      console.log(
        `  event-loop delay p99 / max, server: ${cpuMiddle.loopP99.toFixed(1)} / ${cpuMiddle.loopMax.toFixed(1)} ms (healthz ${cpuAfter.loopP99.toFixed(1)} / ${cpuAfter.loopMax.toFixed(1)}); ` +
          `labelers' process: ${clientLabeling.p99.toFixed(1)} / ${clientLabeling.max.toFixed(1)} ms (healthz ${clientHealth.p99.toFixed(1)} / ${clientHealth.max.toFixed(1)})`,
      );
    }
    const burst = (await burstPhase(ready)).sort((a, b) => a - b);
    console.log(`all at once (${LABELERS} labelers ask in the same millisecond, once): queue/next p50 ${percentile(burst, 50).toFixed(2)} ms, slowest ${burst[burst.length - 1].toFixed(2)} ms`);
    console.log(`target paced next-task p99 < 20 ms: ${pacedP99 < 20 ? 'met' : 'MISSED'} (${pacedP99.toFixed(2)} ms)`);
    // The measured floor runs on the same database once Tagwright's servers have stopped (their idle
    // timers and SQLite checkpointer would otherwise share the CPUs with it).
    await stopChildren(children);
    figures.cycleFloor = await measureFloor({ ...database.env, QUEUE_BENCH_DATA_DIR: seeded.dataDir }, ready, tagwrightPhases);
    const floorChild = forkRole('floor', { ...database.env, QUEUE_BENCH_DATA_DIR: seeded.dataDir });
    figures.floor = (await firstMessage<{ figures: RunFigures['floor'] }>(floorChild, 'floor')).figures;
    for (const [statement, cpu] of Object.entries(figures.floor)) {
      console.log(`driver CPU per statement (${statement}): ${cpu.one.toFixed(1)} µs one at a time, ${cpu.ten.toFixed(1)} µs with 10 in flight`);
    }
    console.log(`load average at the end: ${os.loadavg().map((value) => value.toFixed(2)).join(' ')}`);
    figures.pacedP99 = pacedP99;
    return figures;
  } finally {
    await stopChildren(children);
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    await database.drop();
  }
}

if (process.env.QUEUE_BENCH_ROLE === 'floor') await runFloor();
else if (process.env.QUEUE_BENCH_ROLE === 'seed') await runSeed();
else if (process.env.QUEUE_BENCH_ROLE === 'server') await runServer();
else await main();
