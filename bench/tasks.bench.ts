/**
 * Tasks benchmark: task create and get throughput against the floor (below) and a raw node:http
 * hello world, and `GET /v1/tasks` latency on a project holding 1,000,000 tasks (page 1, a page at
 * cursor depth 10,000, the `limit=1` count call the SDK's get_tasks_count makes, and tag filters on
 * a rare and a common tag), all in one run. With BENCH_DATABASE_URL, create and get are measured
 * on SQLite and on PostgreSQL in the same run (each against its own floor), and the list figures on
 * PostgreSQL.
 *
 *   node --import tsx bench/tasks.bench.ts                 (from the repository root)
 *   BENCH_SECONDS=5 BENCH_ROUNDS=3 BENCH_CONNECTIONS=50 BENCH_TASKS=1000000 node --import tsx bench/tasks.bench.ts
 *   BENCH_DATABASE_URL=postgres://postgres:postgres@127.0.0.1:5432/postgres node --import tsx bench/tasks.bench.ts
 *   BENCH_LIST=0 BENCH_SECONDS=3 BENCH_ROUNDS=5 BENCH_DATABASE_URL=postgres://… node --import tsx bench/tasks.bench.ts   (throughput only, both databases)
 *   BENCH_CPU_PROF=/tmp/prof BENCH_LIST=0 BENCH_ROUNDS=1 node --import tsx bench/tasks.bench.ts   (CPU profile of each measured run, floors included; the profiler costs CPU, so such runs are for the profile, not the figures)
 *   BENCH_DETAIL=1 BENCH_LIST=0 node --import tsx bench/tasks.bench.ts   (each run's server CPU by thread, GCs, young generation and WAL sizes: bench/process-stats.ts)
 *   BENCH_SLICES=6 BENCH_LIST=0 node --import tsx bench/tasks.bench.ts   (each operation also measured in 6 slices taken in turns by floor, essential floor and Tagwright)
 *   BENCH_SERVER_FLAGS="--min-semi-space-size=16 --max-semi-space-size=16" node --import tsx bench/tasks.bench.ts   (node/V8 flags for every server process alike)
 *
 * Targets: create and get >= 0.8x their floor; on PostgreSQL get >= 0.5x and create >= 0.3x SQLite's
 * req/s; deep page <= 1.2x page-1 latency; count on 1M < 50 ms. The throughput verdicts take the
 * median over rounds of each round's ratio (use an odd BENCH_ROUNDS); every round's figures are printed.
 *
 * Floors (bench/baselines.ts) run beside them: a bare Fastify app answering the same create with one
 * committed INSERT and the same get with one SELECT by primary key (better-sqlite3, or pg with named
 * prepared statements on PostgreSQL), none of Tagwright's work, and answering the same JSON (the same
 * keys and byte count as Tagwright's answer). They show what the stack allows; the gap from a floor to
 * Tagwright is Tagwright's own pipeline and rules. Beside each floor runs an essential floor: bare
 * Fastify again, but on Tagwright's own schema (its migrations, every index) doing the statements its
 * data model needs (create on SQLite: project by name, then the task insert and the counter upsert committed;
 * on PostgreSQL: the project remembered, one checked insert-and-count statement as Tagwright makes it;
 * get: the read scoped to account and environment, joined with the project's and batch's names). The
 * floor -> essential floor ratio is the database work a bare floor skips; essential floor ->
 * Tagwright is what Tagwright's pipeline and rules cost on top. In each round every operation runs on
 * the floor, the essential floor and right after on Tagwright, so all meet the same load from the
 * rest of the machine.
 * BENCH_LIST=0 measures throughput only (no 1M-task project, no list figures); otherwise the big
 * project is seeded after the throughput rounds, so that floor and Tagwright hold alike-sized tables
 * while they are measured.
 *
 * Layout: the load generator is autocannon in its own process (bench/load-generator.ts), and each
 * server runs in its own child process (BENCH_LAYOUT=inprocess runs the servers in this process
 * instead). "CPU µs/req" is the CPU time of the server's process per successful request, which is
 * less sensitive to other load on the machine than req/s.
 *
 * Tagwright uses SQLite in a temporary folder (or a fresh PostgreSQL database created on
 * BENCH_DATABASE_URL's server and dropped afterwards), its log at `warn` and a rate limit high
 * enough never to answer 429; the limiter still runs on every request. The 1,000,000 tasks are
 * inserted in one transaction with multi-row INSERTs through the task repository, which also writes
 * the maintained counters.
 */
import { forkChild } from './child-rpc.ts';
import inspector from 'node:inspector/promises';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { startRawHelloWorld, startTaskFloor, startTaskFloorEssential, startTaskFloorEssentialPostgres, startTaskFloorPostgres } from './baselines.ts';
import { generateLoad } from './load-generator.ts';
import { createBenchDatabase } from './databases.ts';
import { ascending, percentile } from './stats.ts';
import { observeGc, processStats, type ProcessStats } from './process-stats.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const TASKS = Number(process.env.BENCH_TASKS ?? 1_000_000);
const LATENCY_SAMPLES = Number(process.env.BENCH_LATENCY_SAMPLES ?? 200);
const DEPTH = 10_000;
/** BENCH_LIST=0: throughput only, no 1M-task project and no list figures. */
const LIST = process.env.BENCH_LIST !== '0';
/** separate (default: each server in its own process) or inprocess (the servers in this process; the load generator is always apart). */
const LAYOUT = process.env.BENCH_LAYOUT === 'inprocess' ? 'inprocess' : 'separate';
const LIVE_KEY = 'live_0123456789abcdef0123456789abcdef';
const TEST_KEY = 'test_0123456789abcdef0123456789abcdef';
const JSON_TYPE = { 'content-type': 'application/json' };
const AUTH = { authorization: `Basic ${Buffer.from(`${LIVE_KEY}:`).toString('base64')}`, 'content-type': 'application/json' };
/** BENCH_DETAIL=1: after each round, where each measured run's server CPU went (bench/process-stats.ts). */
const DETAIL = process.env.BENCH_DETAIL === '1';
/**
 * BENCH_SLICES=n (n > 1): after each round's runs as above (one of BENCH_SECONDS per server, back to
 * back), the same operations again in n slices of BENCH_SECONDS/n per server, the floor, the
 * essential floor and Tagwright taking turns slice by slice, so that a change in the rest of the
 * machine's load lands on all three alike instead of on whichever ran during it. Both are printed.
 */
const SLICES = Math.max(1, Number(process.env.BENCH_SLICES ?? 1));
const BIG_PROJECT = 'bench million';
const CREATE_PROJECT = 'bench creates';

/** CPU time this process has used so far (user + system), in microseconds. */
function cpuMicros(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

// ---------------------------------------------------------------------------------------------
// The servers, started in this process (default) or in a child process each (BENCH_LAYOUT=separate).

interface Started {
  url: string;
  /** Benchmark commands the parent may ask of the server (Tagwright only). */
  commands?: {
    seed(projectId: string, n: number): Promise<number>;
    count(projectId: string): Promise<{ rowsMs: number; countersMs: number; n: number }>;
  };
  /** Ids of the most recently created tasks. */
  recentIds?(limit: number): Promise<string[]>;
  close(): Promise<void>;
}

async function startTagwright(databaseUrl: string | undefined): Promise<Started> {
  const { loadConfig } = await import('../packages/server/src/config.ts');
  const { startServer } = await import('../packages/server/src/server.ts');
  const { TaskRepository } = await import('../packages/server/src/repositories/task.repository.ts');
  const { newId } = await import('../packages/server/src/domain/ids.ts');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tagwright-tasks-bench-'));
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    TAGWRIGHT_DATA_DIR: dataDir,
    TAGWRIGHT_BOOTSTRAP_API_KEY: LIVE_KEY,
    TAGWRIGHT_BOOTSTRAP_TEST_API_KEY: TEST_KEY,
    TAGWRIGHT_RATE_LIMIT_PER_MINUTE: String(1_000_000_000),
    LOG_LEVEL: 'warn',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  });
  const server = await startServer(config);
  const { db } = server.services;
  const caller = (await server.services.accounts.authenticate(LIVE_KEY))!;
  return {
    url: server.url,
    recentIds: async (limit) => (await db.kysely.selectFrom('tasks').select('id').orderBy('created_at', 'desc').limit(limit).execute()).map((row) => row.id),
    commands: {
      async seed(projectId, n) {
        const started = performance.now();
        const params = { attachment: 'https://cdn.example.com/img/1.jpg', attachment_type: 'image', geometries: { box: { objects_to_annotate: ['kitten'] } } };
        const statuses = ['pending', 'pending', 'completed', 'completed', 'completed', 'error', 'canceled'] as const;
        const base = Date.now() - n - 60_000;
        await db.kysely.transaction().execute(async (trx) => {
          const repository = new TaskRepository(trx, db.dialect);
          const chunk = 50_000;
          for (let start = 0; start < n; start += chunk) {
            const tasks = [];
            for (let index = start; index < Math.min(n, start + chunk); index++) {
              const createdAt = base + index;
              const status = statuses[index % statuses.length];
              tasks.push({
                id: newId(createdAt), account_id: caller.account.id, environment: 'live' as const, project_id: projectId, batch_id: null,
                type: 'imageannotation', status, work_state: status === 'pending' ? ('queued' as const) : status, instruction: null, params,
                callback_url: null, callback_succeeded: null, response: status === 'completed' ? { annotations: [] } : null, metadata: {}, unique_id: null,
                tags: index % 100_000 === 0 ? ['rare', 'half'] : index % 2 === 0 ? ['half'] : null, priority: null, project_param_version: null, customer_review_status: null, customer_review_comments: null,
                prior_responses: null, audits: null, created_at: createdAt, updated_at: createdAt, completed_at: status === 'completed' ? createdAt : null,
              });
            }
            await repository.insertMany(tasks);
          }
        });
        return (performance.now() - started) / 1000;
      },
      async count(projectId) {
        // What the total would cost without the maintained counters: a row count on the project index.
        const repository = new TaskRepository(db.kysely, db.dialect);
        const rowsMs: number[] = [];
        const countersMs: number[] = [];
        let n = 0;
        for (let round = 0; round < 5; round++) {
          let started = performance.now();
          n = await repository.countRows(caller.account.id, 'live', { projectId });
          rowsMs.push(performance.now() - started);
          started = performance.now();
          await repository.count(caller.account.id, 'live', { projectId });
          countersMs.push(performance.now() - started);
        }
        return { rowsMs: median(rowsMs), countersMs: median(countersMs), n };
      },
    },
    async close() {
      await server.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Child side of BENCH_LAYOUT=separate: start one server and answer the parent's commands over IPC. */
type Role = 'raw' | 'floor' | 'essential' | 'tagwright';

function startRole(role: Role, databaseUrl: string | undefined): Promise<Started> {
  if (role === 'raw') return startRawHelloWorld();
  if (role === 'floor') return databaseUrl ? startTaskFloorPostgres(databaseUrl) : startTaskFloor();
  if (role === 'essential') return databaseUrl ? startTaskFloorEssentialPostgres(databaseUrl) : startTaskFloorEssential();
  return startTagwright(databaseUrl);
}

async function serveChild(role: Role): Promise<void> {
  observeGc();
  const started = await startRole(role, process.env.BENCH_CHILD_DATABASE_URL);
  process.on('message', async (message: { id: number; cmd: string; args: unknown[] }) => {
    try {
      let result: unknown;
      if (message.cmd === 'cpu') result = cpuMicros();
      else if (message.cmd === 'stats') result = processStats();
      else if (message.cmd === 'profile') result = await profileCommand(...(message.args as [string | null]));
      else if (message.cmd === 'seed') result = await started.commands!.seed(...(message.args as [string, number]));
      else if (message.cmd === 'count') result = await started.commands!.count(...(message.args as [string]));
      else if (message.cmd === 'ids') result = await started.recentIds!(...(message.args as [number]));
      else if (message.cmd === 'stop') {
        await started.close();
        process.send!({ id: message.id, result: null }, () => process.exit(0));
        return;
      }
      process.send!({ id: message.id, result });
    } catch (error) {
      process.send!({ id: message.id, error: String((error as Error).stack ?? error) });
    }
  });
  process.send!({ id: 0, result: started.url });
}

/**
 * BENCH_CPU_PROF=<dir>: the V8 CPU profile of a server process over one measured run (warm-up left
 * out), written to <dir>/<name>.cpuprofile; summarise it with `node --import tsx bench/cpu-profile-top.ts`.
 * `name` starts profiling, null stops it and writes the file.
 */
let profiler: { session: inspector.Session; name: string } | undefined;
async function profileCommand(name: string | null): Promise<string | null> {
  if (name !== null) {
    const session = new inspector.Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
    profiler = { session, name };
    return null;
  }
  if (!profiler) return null;
  const { profile } = await profiler.session.post('Profiler.stop');
  profiler.session.disconnect();
  const file = path.join(process.env.BENCH_CPU_PROF!, `${profiler.name}.cpuprofile`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(profile));
  profiler = undefined;
  return file;
}

/** What the parent holds of a server, wherever it runs. */
interface Handle {
  url: string;
  /** CPU time used so far by the process the server runs in (in-process: this one, client included). */
  cpuMicros(): Promise<number>;
  /** The server process's counters (bench/process-stats.ts); in-process: this process, client included. */
  stats(): Promise<ProcessStats>;
  seed(projectId: string, n: number): Promise<number>;
  count(projectId: string): Promise<{ rowsMs: number; countersMs: number; n: number }>;
  recentIds(limit: number): Promise<string[]>;
  /** BENCH_CPU_PROF: starts (a name) or stops (null) the server process's CPU profile. */
  profile(name: string | null): Promise<string | null>;
  stop(): Promise<void>;
}

async function inProcess(role: Role, databaseUrl?: string): Promise<Handle> {
  const started = await startRole(role, databaseUrl);
  return {
    url: started.url,
    cpuMicros: async () => cpuMicros(),
    stats: async () => processStats(),
    seed: (projectId, n) => started.commands!.seed(projectId, n),
    count: (projectId) => started.commands!.count(projectId),
    recentIds: (limit) => started.recentIds!(limit),
    profile: (name) => profileCommand(name),
    stop: () => started.close(),
  };
}

async function inChild(role: Role, databaseUrl?: string): Promise<Handle> {
  const env = { ...process.env, ...(databaseUrl ? { BENCH_CHILD_DATABASE_URL: databaseUrl } : {}) };
  // BENCH_SERVER_FLAGS: node/V8 flags for every server process alike (e.g. a fixed young generation: --min-semi-space-size=16).
  const flags = (process.env.BENCH_SERVER_FLAGS ?? '').split(' ').filter(Boolean);
  const child = forkChild<string>(fileURLToPath(import.meta.url), ['--serve', role], env, flags);
  const { call } = child;
  const url = await child.ready;
  return {
    url,
    cpuMicros: () => call('cpu'),
    stats: () => call('stats'),
    seed: (projectId, n) => call('seed', projectId, n),
    count: (projectId) => call('count', projectId),
    recentIds: (limit) => call('ids', limit),
    profile: (name) => call('profile', name),
    stop: child.stop,
  };
}

// ---------------------------------------------------------------------------------------------
// The load generator and the report.

interface LoadResult {
  rps: number;
  failures: number;
  p50Ms: number;
  p99Ms: number;
  /** CPU time of the process the server runs in, per successful request, in microseconds. */
  serverCpuMicros: number;
  /** BENCH_DETAIL: the server process's counters before and after the measured run. */
  detail?: { before: ProcessStats; after: ProcessStats; ok: number };
}

interface Target {
  method: 'GET' | 'POST';
  paths: string[];
  body?: string;
}

/** A short warm-up, then the measured run, each from the load generator's own process; with the server's CPU time per request. */
async function measure(server: Handle, target: Target, headers: Record<string, string>, profileName?: string): Promise<LoadResult> {
  const run = { url: server.url, method: target.method, paths: target.paths, headers, body: target.body, connections: CONNECTIONS };
  await generateLoad({ ...run, seconds: 1 });
  if (profileName) await server.profile(profileName);
  const statsBefore = DETAIL ? await server.stats() : undefined;
  const cpuBefore = await server.cpuMicros();
  const figures = await generateLoad({ ...run, seconds: SECONDS });
  const cpuAfter = await server.cpuMicros();
  const detail = statsBefore ? { before: statsBefore, after: await server.stats(), ok: figures.ok } : undefined;
  if (profileName) console.log(`  CPU profile: ${await server.profile(null)}`);
  if (figures.failures > 0) console.log(`  (${figures.failures} failed requests on ${target.method} ${server.url}: ${figures.firstFailure})`);
  return { rps: figures.rps, failures: figures.failures, p50Ms: figures.p50Ms, p99Ms: figures.p99Ms, serverCpuMicros: (cpuAfter - cpuBefore) / Math.max(1, figures.ok), detail };
}

/**
 * The servers' runs of one operation taken in turns (BENCH_SLICES): one warm-up each, then `SLICES`
 * slices of SECONDS / SLICES per server in rotation; each server's figures summed over its slices.
 */
async function measureInTurns(runs: Array<{ server: Handle; target: Target; headers: Record<string, string> }>): Promise<LoadResult[]> {
  const seconds = SECONDS / SLICES;
  const load = (run: (typeof runs)[number], duration: number) =>
    generateLoad({ url: run.server.url, method: run.target.method, paths: run.target.paths, headers: run.headers, body: run.target.body, connections: CONNECTIONS, seconds: duration });
  for (const run of runs) await load(run, 1);
  const sums = runs.map(() => ({ ok: 0, failures: 0, cpu: 0, p50: [] as number[], p99: 0 }));
  for (let slice = 0; slice < SLICES; slice++) {
    for (const [index, run] of runs.entries()) {
      const cpuBefore = await run.server.cpuMicros();
      const figures = await load(run, seconds);
      const sum = sums[index];
      sum.cpu += (await run.server.cpuMicros()) - cpuBefore;
      sum.ok += figures.ok;
      sum.failures += figures.failures;
      sum.p50.push(figures.p50Ms);
      sum.p99 = Math.max(sum.p99, figures.p99Ms);
    }
  }
  return sums.map((sum) => ({ rps: sum.ok / (seconds * SLICES), failures: sum.failures, p50Ms: median(sum.p50), p99Ms: sum.p99, serverCpuMicros: sum.cpu / Math.max(1, sum.ok) }));
}

/** Sequential latency of one GET, one request at a time: median and mean in ms. */
async function latency(origin: string, urlPath: string, samples = LATENCY_SAMPLES): Promise<{ median: number; mean: number; p95: number }> {
  const pool = new Pool(origin, { connections: 1 });
  const times: number[] = [];
  for (let index = 0; index < samples + 10; index++) {
    const started = performance.now();
    const response = await pool.request({ origin, path: urlPath, method: 'GET', headers: AUTH });
    const text = await response.body.text();
    if (response.statusCode !== 200) throw new Error(`GET ${urlPath}: ${response.statusCode} ${text.slice(0, 300)}`);
    if (index >= 10) times.push(performance.now() - started);
  }
  await pool.close();
  return latencySummary(times);
}

/** Like `latency`, for two paths alternated request by request, so that load from elsewhere hits both alike. */
async function latencyPair(origin: string, pathA: string, pathB: string, samples = LATENCY_SAMPLES) {
  const pool = new Pool(origin, { connections: 1 });
  const times: [number[], number[]] = [[], []];
  for (let index = 0; index < 2 * (samples + 10); index++) {
    const which = index % 2;
    const started = performance.now();
    const response = await pool.request({ origin, path: which === 0 ? pathA : pathB, method: 'GET', headers: AUTH });
    const text = await response.body.text();
    if (response.statusCode !== 200) throw new Error(`GET: ${response.statusCode} ${text.slice(0, 300)}`);
    if (index >= 20) times[which].push(performance.now() - started);
  }
  await pool.close();
  return [latencySummary(times[0]), latencySummary(times[1])] as const;
}

/** Median, mean and p95 of latencies in ms. */
function latencySummary(values: number[]): { median: number; mean: number; p95: number } {
  const sorted = ascending(values);
  return { median: percentile(sorted, 50), mean: sorted.reduce((a, b) => a + b, 0) / sorted.length, p95: percentile(sorted, 95) };
}

/** One measured run's server CPU per request by thread, its GCs, heap and WAL (BENCH_DETAIL=1). */
function detailLine(label: string, result: LoadResult): string {
  const detail = result.detail;
  if (!detail) return '';
  const { before, after, ok } = detail;
  const per = (micros: number) => (micros / Math.max(1, ok)).toFixed(0);
  const threads = Object.keys(after.threads)
    .map((name) => [name, after.threads[name] - (before.threads[name] ?? 0)] as const)
    .filter(([, micros]) => micros > 0)
    .map(([name, micros]) => `${name.trim()} ${per(micros)}`)
    .join(', ');
  const gc = Object.keys(after.gc)
    .map((kind) => [kind, after.gc[kind].count - (before.gc[kind]?.count ?? 0), after.gc[kind].ms - (before.gc[kind]?.ms ?? 0)] as const)
    .filter(([, count]) => count > 0)
    .map(([kind, count, ms]) => `${kind} ${count} (${ms.toFixed(0)} ms)`)
    .join(', ');
  const mb = (bytes: number) => (bytes / 1048576).toFixed(1);
  const wal = Object.values(after.wal).map((bytes) => `${mb(bytes)} MB`).join(' + ');
  return (
    `    ${label.padEnd(15)} µs/req main ${per(after.mainUser - before.mainUser)} user + ${per(after.mainSystem - before.mainSystem)} sys, ` +
    `preempted ${after.mainPreempted - before.mainPreempted}x, ${after.mainMinorFaults - before.mainMinorFaults} minor faults; ` +
    `other threads ${threads || '0'}; GC ${gc || 'none'}; heap ${mb(before.heapUsed)} -> ${mb(after.heapUsed)} MB, new space ${mb(before.newSpace)} -> ${mb(after.newSpace)} MB; WAL ${wal || '-'}`
  );
}

function median(values: number[]): number {
  return percentile(ascending(values), 50);
}

async function json(origin: string, method: string, urlPath: string, body?: unknown): Promise<any> {
  const response = await fetch(origin + urlPath, { method, headers: AUTH, body: body === undefined ? undefined : JSON.stringify(body) });
  const parsed = await response.json();
  if (response.status !== 200) throw new Error(`${method} ${urlPath}: ${response.status} ${JSON.stringify(parsed)}`);
  return parsed;
}

const CREATE_BODY = JSON.stringify({
  project: CREATE_PROJECT,
  callback_url: 'https://receiver.example/scale',
  instruction: 'Use tight boxes.',
  attachment_type: 'image',
  attachment: 'https://cdn.example.com/img/1.jpg',
  metadata: { source: 'bench' },
});

/** One database's servers and figures: Tagwright and its floor. */
interface Side {
  dialect: 'SQLite' | 'PostgreSQL';
  floor: Handle;
  /** The floor on Tagwright's schema doing the statements its data model needs (bench/baselines.ts). */
  essential: Handle;
  tagwright: Handle;
  rounds: Array<{ floorCreate: LoadResult; floorGet: LoadResult; essentialCreate: LoadResult; essentialGet: LoadResult; create: LoadResult; get: LoadResult; inTurns?: { create: LoadResult[]; get: LoadResult[] } }>;
}

/**
 * Create, then get the tasks just created: each operation on the floor and at once on Tagwright, so
 * that the two runs of a pair meet the same load from the rest of the machine.
 */
async function measureSide(side: Side): Promise<void> {
  const createTarget: Target = { method: 'POST', paths: ['/v1/task/imageannotation'], body: CREATE_BODY };
  // BENCH_CPU_PROF: each measured run's server is profiled (one file per run, the floor's too).
  const profileName = (who: string, operation: string) => (process.env.BENCH_CPU_PROF ? `${side.dialect}-${who}-${operation}-round${side.rounds.length + 1}` : undefined);
  const getTarget = async (server: Handle): Promise<Target> => ({ method: 'GET', paths: (await server.recentIds(10_000)).map((id) => `/v1/task/${id}`) });
  const floorCreate = await measure(side.floor, createTarget, JSON_TYPE, profileName('floor', 'create'));
  const essentialCreate = await measure(side.essential, createTarget, JSON_TYPE, profileName('essential', 'create'));
  const create = await measure(side.tagwright, createTarget, AUTH, profileName('tagwright', 'create'));
  const floorGet = await measure(side.floor, await getTarget(side.floor), JSON_TYPE, profileName('floor', 'get'));
  const essentialGet = await measure(side.essential, await getTarget(side.essential), JSON_TYPE, profileName('essential', 'get'));
  const get = await measure(side.tagwright, await getTarget(side.tagwright), AUTH, profileName('tagwright', 'get'));
  let inTurns: { create: LoadResult[]; get: LoadResult[] } | undefined;
  if (SLICES > 1) {
    const servers = [side.floor, side.essential, side.tagwright];
    const headers = [JSON_TYPE, JSON_TYPE, AUTH];
    const create = await measureInTurns(servers.map((server, index) => ({ server, target: createTarget, headers: headers[index] })));
    const getTargets = await Promise.all(servers.map(getTarget));
    inTurns = { create, get: await measureInTurns(servers.map((server, index) => ({ server, target: getTargets[index], headers: headers[index] }))) };
  }
  side.rounds.push({ floorCreate, floorGet, essentialCreate, essentialGet, create, get, inTurns });
}

/** The list figures on the project of TASKS tasks (BENCH_LIST=0 leaves them out), as report lines. */
async function listFigures(tagwright: Handle, dialect: string): Promise<string[]> {
  const origin = tagwright.url;
  const big = await json(origin, 'POST', '/v1/projects', { type: 'imageannotation', name: BIG_PROJECT, params: { instruction: 'Box every kitten.' } });
  const seededSeconds = await tagwright.seed(big.id, TASKS);
  // List latency on the 1M-task project: page 1 vs a page at cursor depth 10,000, and the count call.
  const projectQuery = `project=${encodeURIComponent(BIG_PROJECT)}`;
  // The deep page sits at cursor depth 10,000 (less when BENCH_TASKS is too small for that).
  const depth = Math.max(100, Math.min(DEPTH, Math.floor((TASKS - 100) / 100) * 100));
  let token: string | null = null;
  for (let page = 0; page < depth / 100; page++) {
    const body: any = await json(origin, 'GET', `/v1/tasks?${projectQuery}&limit=100${token ? `&next_token=${token}` : ''}`);
    token = body.next_token;
  }
  const deepCheck = await json(origin, 'GET', `/v1/tasks?${projectQuery}&limit=100&next_token=${token}`);
  if (deepCheck.offset !== depth || deepCheck.total !== TASKS || deepCheck.docs.length !== 100) {
    throw new Error(`unexpected deep page: offset ${deepCheck.offset}, total ${deepCheck.total}, ${deepCheck.docs.length} docs`);
  }
  const [firstPage, deepPage] = await latencyPair(origin, `/v1/tasks?${projectQuery}&limit=100`, `/v1/tasks?${projectQuery}&limit=100&next_token=${token}`);
  const countCall = await latency(origin, `/v1/tasks?${projectQuery}&limit=1`);
  const countCallCompleted = await latency(origin, `/v1/tasks?${projectQuery}&status=completed&limit=1`);
  const countCallTimeFilter = await latency(origin, `/v1/tasks?${projectQuery}&start_time=2000-01-01&limit=1`, 20);
  // A tag on 10 of the 1M tasks (read from the tag index) and one on every other task (probed per task).
  const rareTag = await latency(origin, `/v1/tasks?${projectQuery}&tags=rare&limit=100`, 20);
  const halfTag = await latency(origin, `/v1/tasks?${projectQuery}&tags=half&limit=100`, 10);
  const counted = await tagwright.count(big.id);

  const ms = (value: number) => `${value.toFixed(2)} ms`;
  const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
  const lines = [`inserted ${TASKS.toLocaleString('en')} tasks (${dialect}) in one transaction (multi-row INSERTs + counters) in ${seededSeconds.toFixed(1)} s`];
  lines.push(`GET /v1/tasks?project=..&limit=100 on ${TASKS.toLocaleString('en')} tasks (one request at a time, the two alternated; median / mean / p95):`);
  const deepLabel = `cursor depth ${depth.toLocaleString('en')}`.padEnd(32);
  lines.push(`  page 1                          ${ms(firstPage.median)} / ${ms(firstPage.mean)} / ${ms(firstPage.p95)}`);
  lines.push(`  ${deepLabel}${ms(deepPage.median)} / ${ms(deepPage.mean)} / ${ms(deepPage.p95)}   (${(deepPage.median / firstPage.median).toFixed(2)}x page 1)`);
  lines.push(`GET /v1/tasks?project=..&limit=1 (the count call)       ${ms(countCall.median)} / ${ms(countCall.mean)} / ${ms(countCall.p95)}`);
  lines.push(`  with &status=completed                                ${ms(countCallCompleted.median)} / ${ms(countCallCompleted.mean)} / ${ms(countCallCompleted.p95)}`);
  lines.push(`  with &start_time=.. (not covered by counters: counts rows) ${ms(countCallTimeFilter.median)} / ${ms(countCallTimeFilter.mean)} / ${ms(countCallTimeFilter.p95)}`);
  lines.push(`GET /v1/tasks?project=..&tags=..&limit=100, a tag on 10 tasks  ${ms(rareTag.median)} / ${ms(rareTag.mean)} / ${ms(rareTag.p95)}   (${(rareTag.median / firstPage.median).toFixed(2)}x page 1)`);
  lines.push(`  a tag on every other task (the total counts rows)     ${ms(halfTag.median)} / ${ms(halfTag.mean)} / ${ms(halfTag.p95)}`);
  lines.push(`total for the project, in the repository: maintained counters ${ms(counted.countersMs)}, count(*) over the rows ${ms(counted.rowsMs)} (n = ${counted.n.toLocaleString('en')})`);
  lines.push(`target deep page <= 1.2x page 1: ${verdict(deepPage.median <= 1.2 * firstPage.median)} (${(deepPage.median / firstPage.median).toFixed(2)}x, medians)`);
  lines.push(`target count on 1M < 50 ms: ${verdict(countCall.median < 50)} (${ms(countCall.median)} median for the whole HTTP call)`);
  return lines;
}

async function main(): Promise<void> {
  const database = await createBenchDatabase();
  const start = LAYOUT === 'separate' ? inChild : inProcess;
  const raw = await start('raw');
  // SQLite always; with BENCH_DATABASE_URL PostgreSQL too, whose Tagwright also holds the 1M-task project.
  const sides: Side[] = [{ dialect: 'SQLite', floor: await start('floor'), essential: await start('essential'), tagwright: await start('tagwright'), rounds: [] }];
  if (database.url) {
    sides.push({ dialect: 'PostgreSQL', floor: await start('floor', database.url), essential: await start('essential', database.url), tagwright: await start('tagwright', database.url), rounds: [] });
  }
  const listed = sides[sides.length - 1];
  const tagwright = listed.tagwright;
  try {
    for (const side of sides) {
      await json(side.tagwright.url, 'POST', '/v1/projects', {
        type: 'imageannotation',
        name: CREATE_PROJECT,
        params: { instruction: 'Box every kitten.', geometries: { box: { objects_to_annotate: ['kitten'], min_height: 10, min_width: 10 } } },
      });
    }
    // Throughput, interleaved rounds: raw, then each database's floor and Tagwright.
    const rawRounds: LoadResult[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      rawRounds.push(await measure(raw, { method: 'GET', paths: ['/'] }, {}));
      for (const side of sides) await measureSide(side);
    }
    const listLines = LIST ? await listFigures(tagwright, listed.dialect) : [];
    const bestOf = (results: LoadResult[]) => results.reduce((a, b) => (b.rps > a.rps ? b : a));
    const rawBest = bestOf(rawRounds);

    const line = (label: string, result: LoadResult, floor?: LoadResult) =>
      `${label.padEnd(40)} ${result.rps.toFixed(0).padStart(7)} req/s  ${floor ? `${(result.rps / floor.rps).toFixed(2)}x floor  ` : '             '}` +
      `${(result.rps / rawBest.rps).toFixed(2)}x raw  p50 ${result.p50Ms.toFixed(1)} ms  p99 ${result.p99Ms.toFixed(1)} ms  CPU ${result.serverCpuMicros.toFixed(0)} µs/req`;
    const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
    console.log(`tasks benchmark: node ${process.version}, ${os.cpus().length} CPUs, ${sides.map((side) => side.dialect).join(' and ')}, servers ${LAYOUT === 'separate' ? 'each in its own process' : 'in one process'}, load generator (autocannon) in its own process, ${CONNECTIONS} connections, ${SECONDS} s per run, ${ROUNDS} rounds (in each, every operation on the floor and then on Tagwright); load average ${os.loadavg().map((value) => value.toFixed(1)).join(', ')}`);
    console.log(line('raw node:http hello world', rawBest));
    // Verdicts use the median over rounds of each round's own ratio (Tagwright ÷ the floor run just
    // before it): on a shared machine a ratio of neighbouring runs moves far less than either figure.
    const ratio = (a: LoadResult, b: LoadResult) => a.rps / b.rps;
    const x = (value: number) => `${value.toFixed(2)}x`;
    for (const side of sides) {
      console.log(`${side.dialect}:`);
      for (const [index, round] of side.rounds.entries()) {
        console.log(
          `  round ${index + 1}: create ${round.create.rps.toFixed(0)} / floor ${round.floorCreate.rps.toFixed(0)} req/s (${x(ratio(round.create, round.floorCreate))}; CPU ${round.create.serverCpuMicros.toFixed(0)} / ${round.floorCreate.serverCpuMicros.toFixed(0)} µs/req), ` +
            `get ${round.get.rps.toFixed(0)} / floor ${round.floorGet.rps.toFixed(0)} req/s (${x(ratio(round.get, round.floorGet))}; CPU ${round.get.serverCpuMicros.toFixed(0)} / ${round.floorGet.serverCpuMicros.toFixed(0)} µs/req)`,
        );
        console.log(
          `           essential floor: create ${round.essentialCreate.rps.toFixed(0)} req/s (${x(ratio(round.essentialCreate, round.floorCreate))} floor; CPU ${round.essentialCreate.serverCpuMicros.toFixed(0)} µs/req), ` +
            `get ${round.essentialGet.rps.toFixed(0)} req/s (${x(ratio(round.essentialGet, round.floorGet))} floor; CPU ${round.essentialGet.serverCpuMicros.toFixed(0)} µs/req)`,
        );
        if (DETAIL) {
          const runs: Array<[string, LoadResult]> = [
            ['floor create', round.floorCreate], ['essential create', round.essentialCreate], ['create', round.create],
            ['floor get', round.floorGet], ['essential get', round.essentialGet], ['get', round.get],
          ];
          for (const [label, result] of runs) console.log(detailLine(label, result));
        }
        if (round.inTurns) {
          const [floorCreate, essentialCreate, create] = round.inTurns.create;
          const [floorGet, essentialGet, get] = round.inTurns.get;
          console.log(
            `           in turns (${SLICES} slices): create ${create.rps.toFixed(0)} / floor ${floorCreate.rps.toFixed(0)} req/s (${x(ratio(create, floorCreate))}; CPU ${create.serverCpuMicros.toFixed(0)} / ${floorCreate.serverCpuMicros.toFixed(0)} µs/req; essential ${essentialCreate.serverCpuMicros.toFixed(0)}), ` +
              `get ${get.rps.toFixed(0)} / floor ${floorGet.rps.toFixed(0)} req/s (${x(ratio(get, floorGet))}; CPU ${get.serverCpuMicros.toFixed(0)} / ${floorGet.serverCpuMicros.toFixed(0)} µs/req; essential ${essentialGet.serverCpuMicros.toFixed(0)})`,
          );
        }
      }
      // The best round by Tagwright's figure, with the floor of that same round.
      const bestRound = (pick: 'create' | 'get') => side.rounds.reduce((a, b) => (b[pick].rps > a[pick].rps ? b : a));
      const create = bestRound('create');
      const get = bestRound('get');
      console.log(line(`  floor: bare Fastify + one INSERT`, create.floorCreate));
      console.log(line(`  POST /v1/task/imageannotation`, create.create, create.floorCreate));
      console.log(line(`  floor: bare Fastify + one SELECT`, get.floorGet));
      console.log(line(`  GET /v1/task/{id}`, get.get, get.floorGet));
      const createRatio = median(side.rounds.map((round) => ratio(round.create, round.floorCreate)));
      const getRatio = median(side.rounds.map((round) => ratio(round.get, round.floorGet)));
      // CPU per request moves less than req/s when other work shares the machine.
      const cpuCreate = median(side.rounds.map((round) => round.floorCreate.serverCpuMicros / round.create.serverCpuMicros));
      const cpuGet = median(side.rounds.map((round) => round.floorGet.serverCpuMicros / round.get.serverCpuMicros));
      console.log(`  CPU per request, floor ÷ Tagwright (median of rounds): create ${x(cpuCreate)}, get ${x(cpuGet)}`);
      // What the target leaves to Tagwright's own work once the database work of its data model is counted.
      const of = (pick: (round: Side['rounds'][number]) => number) => x(median(side.rounds.map(pick)));
      console.log(
        `  essential floor (Tagwright's schema and statements, bench/baselines.ts), median of rounds: ` +
          `create ${of((round) => ratio(round.essentialCreate, round.floorCreate))} floor, Tagwright ${of((round) => ratio(round.create, round.essentialCreate))} essential (CPU/req essential ÷ Tagwright ${of((round) => round.essentialCreate.serverCpuMicros / round.create.serverCpuMicros)}); ` +
          `get ${of((round) => ratio(round.essentialGet, round.floorGet))} floor, Tagwright ${of((round) => ratio(round.get, round.essentialGet))} essential (CPU/req ${of((round) => round.essentialGet.serverCpuMicros / round.get.serverCpuMicros)})`,
      );
      if (SLICES > 1) {
        const turns = (operation: 'create' | 'get', pick: (results: LoadResult[]) => number) => x(median(side.rounds.map((round) => pick(round.inTurns![operation]))));
        console.log(
          `  in turns (${SLICES} slices per run), median of rounds, beside the runs back to back above: ` +
            `create ${turns('create', ([floor, , tagwright]) => ratio(tagwright, floor))} floor (back to back ${x(createRatio)}; CPU/req floor ÷ Tagwright ${turns('create', ([floor, , tagwright]) => floor.serverCpuMicros / tagwright.serverCpuMicros)}), ` +
            `get ${turns('get', ([floor, , tagwright]) => ratio(tagwright, floor))} floor (back to back ${x(getRatio)}; CPU/req ${turns('get', ([floor, , tagwright]) => floor.serverCpuMicros / tagwright.serverCpuMicros)})`,
        );
      }
      console.log(`  target create >= 0.8x floor: ${verdict(createRatio >= 0.8)} (${x(createRatio)}, median of rounds)`);
      console.log(`  target get >= 0.8x floor: ${verdict(getRatio >= 0.8)} (${x(getRatio)}, median of rounds)`);
    }
    if (sides.length === 2) {
      const [sqlite, postgres] = sides;
      const getRatio = median(postgres.rounds.map((round, index) => ratio(round.get, sqlite.rounds[index].get)));
      const createRatio = median(postgres.rounds.map((round, index) => ratio(round.create, sqlite.rounds[index].create)));
      // What the stack itself allows here: the bare floors' own PostgreSQL ÷ SQLite, from the same rounds.
      const floorRatio = (pick: 'floorGet' | 'floorCreate' | 'essentialGet' | 'essentialCreate') => x(median(postgres.rounds.map((round, index) => ratio(round[pick], sqlite.rounds[index][pick]))));
      console.log(
        `PostgreSQL ÷ SQLite of the floors (median of rounds): bare floor get ${floorRatio('floorGet')}, create ${floorRatio('floorCreate')}; ` +
          `essential floor get ${floorRatio('essentialGet')}, create ${floorRatio('essentialCreate')}; Tagwright get ${x(getRatio)}, create ${x(createRatio)}`,
      );
      console.log(`target PostgreSQL get >= 0.5x SQLite: ${verdict(getRatio >= 0.5)} (${x(getRatio)}, median of rounds)`);
      console.log(`target PostgreSQL create >= 0.3x SQLite: ${verdict(createRatio >= 0.3)} (${x(createRatio)}, median of rounds)`);
    }
    for (const listLine of listLines) console.log(listLine);
    console.log(`load average at the end: ${os.loadavg().map((value) => value.toFixed(1)).join(', ')}`);
  } finally {
    for (const side of sides) {
      await side.tagwright.stop();
      await side.essential.stop();
      await side.floor.stop();
    }
    await raw.stop();
    await database.drop();
  }
}

const serveAt = process.argv.indexOf('--serve');
if (serveAt !== -1) {
  await serveChild(process.argv[serveAt + 1] as Role);
} else {
  await main();
}
