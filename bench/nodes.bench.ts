/**
 * Several-nodes benchmark (docs/deployment.md), two parts in one run:
 *
 * 1. File store: upload and download throughput (MB/s) of `BENCH_FILE_MB` files through
 *    `POST /v1/files/upload` and `GET /v1/files/:id/content`, with the S3 store (an s3rver bucket)
 *    against the local-folder store in the same run (the baseline), and the ratio. Rounds alternate
 *    local and S3 so that a burst of other load hits both alike.
 * 2. Work queue on PostgreSQL (needs BENCH_DATABASE_URL): labeling cycles per second (queue/next +
 *    submit) with 50 labelers saturating one API process, then two API processes on the same
 *    database (labeler i on process i mod 2), then one process again (the baseline is the mean of the
 *    two one-process windows), and the CPU per cycle: the API processes' own CPU and that of the
 *    PostgreSQL backends serving this run's database, read from /proc. Each window follows
 *    BENCH_WARMUP_SECONDS (3) of unmeasured labeling.
 *
 *   node --import tsx bench/nodes.bench.ts                                  (part 1 only)
 *   BENCH_DATABASE_URL=postgres://postgres:postgres@127.0.0.1:5432/postgres node --import tsx bench/nodes.bench.ts
 *   BENCH_FILE_MB=32 BENCH_ROUNDS=4 BENCH_SECONDS=10 BENCH_LABELERS=50 …
 *
 * Processes: every Tagwright server is `packages/server/src/main.ts` in its own process, s3rver runs
 * in its own process, and this process is the load generator (undici, keep-alive). The figures of
 * a machine shared with other jobs are noisy: read the ratios, and the load average printed with them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { createBenchDatabase } from './databases.ts';
import { freePort } from '../packages/server/test/helpers/node-process.ts';

const FILE_MB = Number(process.env.BENCH_FILE_MB ?? 32);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const LABELERS = Number(process.env.BENCH_LABELERS ?? 50);
const TASKS = Number(process.env.BENCH_TASKS ?? 40_000);
/** Unmeasured seconds before each window: a freshly started process runs cold (JIT) at first. */
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const LIVE_KEY = 'live_0123456789abcdef0123456789abcdef';
const TEST_KEY = 'test_0123456789abcdef0123456789abcdef';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const serverDir = path.join(root, 'packages/server');
const CLOCK_TICKS = 100; // USER_HZ on Linux

const children: ChildProcess[] = [];
const temporary: string[] = [];

function tempDir(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `tagwright-bench-${name}-`));
  temporary.push(dir);
  return dir;
}

/** A Tagwright server process (src/main.ts), resolved once GET /readyz answers 200. */
async function startServer(env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: serverDir,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      TAGWRIGHT_BOOTSTRAP_API_KEY: LIVE_KEY,
      TAGWRIGHT_BOOTSTRAP_TEST_API_KEY: TEST_KEY,
      TAGWRIGHT_RATE_LIMIT_PER_MINUTE: '0',
      TAGWRIGHT_UPLOAD_LIMIT_BYTES: String(FILE_MB * 1024 * 1024 + 1024),
      TAGWRIGHT_GOLD_RATE: '0',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode})`);
    const status = await fetch(`${url}/readyz`).then((response) => response.status, () => 0);
    if (status === 200) return { url, child };
    await sleep(100);
  }
}

/** s3rver in its own process, with one bucket; resolves with its endpoint. */
async function startS3rver(bucket: string): Promise<string> {
  const port = await freePort();
  const directory = tempDir('s3');
  const script = `
    const S3rver = require('s3rver');
    new S3rver({ port: ${port}, address: '127.0.0.1', silent: true, directory: ${JSON.stringify(directory)}, configureBuckets: [{ name: ${JSON.stringify(bucket)} }] })
      .run().then(() => console.log('ready'));`;
  const child = spawn(process.execPath, ['-e', script], { cwd: serverDir, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** User + system CPU seconds a process has used so far (Linux /proc); 0 once it has exited. */
function cpuSeconds(pid: number): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

function loadAverage(): string {
  return os.loadavg()[0].toFixed(1);
}

// ---------------------------------------------------------------------------------------------
// Part 1: file store throughput

async function fileStoreThroughput(): Promise<void> {
  const bucket = 'bench-files';
  const endpoint = await startS3rver(bucket);
  const local = await startServer({ TAGWRIGHT_DATA_DIR: tempDir('local') });
  const s3 = await startServer({
    TAGWRIGHT_DATA_DIR: tempDir('s3-node'),
    TAGWRIGHT_S3_BUCKET: bucket,
    TAGWRIGHT_S3_ENDPOINT: endpoint,
    TAGWRIGHT_S3_FORCE_PATH_STYLE: 'true',
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
  });
  const bytes = crypto.randomBytes(FILE_MB * 1024 * 1024);
  const totals = { local: { up: 0, down: 0 }, s3: { up: 0, down: 0 } };
  const auth = { authorization: `Bearer ${LIVE_KEY}` };

  async function round(store: 'local' | 's3', url: string): Promise<void> {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(bytes)]), 'bench.bin');
    let started = performance.now();
    const uploaded = await fetch(`${url}/v1/files/upload`, { method: 'POST', headers: auth, body: form });
    if (uploaded.status !== 200) throw new Error(`upload to ${store}: ${uploaded.status} ${await uploaded.text()}`);
    const { id } = (await uploaded.json()) as { id: string };
    totals[store].up += performance.now() - started;
    started = performance.now();
    const download = await fetch(`${url}/v1/files/${id}/content`, { headers: auth });
    let received = 0;
    for await (const chunk of download.body!) received += (chunk as Uint8Array).length;
    totals[store].down += performance.now() - started;
    if (received !== bytes.length) throw new Error(`download from ${store}: ${received} bytes`);
  }

  await round('local', local.url); // warm-up, not counted
  await round('s3', s3.url);
  totals.local = { up: 0, down: 0 };
  totals.s3 = { up: 0, down: 0 };
  for (let index = 0; index < ROUNDS; index++) {
    await round('local', local.url);
    await round('s3', s3.url);
  }
  const megabytes = (FILE_MB * ROUNDS);
  const rate = (ms: number) => megabytes / (ms / 1000);
  console.log(`\nfile store: ${ROUNDS} × ${FILE_MB} MiB each way, through the HTTP API (load average ${loadAverage()})`);
  for (const direction of ['up', 'down'] as const) {
    const name = direction === 'up' ? 'upload  ' : 'download';
    const localRate = rate(totals.local[direction]);
    const s3Rate = rate(totals.s3[direction]);
    console.log(`  ${name}  S3 store ${s3Rate.toFixed(0).padStart(5)} MiB/s   local store (baseline) ${localRate.toFixed(0).padStart(5)} MiB/s   ratio ${(s3Rate / localRate).toFixed(2)}x`);
  }
  console.log('  (the S3 figure includes s3rver, a JavaScript server writing to the same disk in its own process: a floor for MinIO or S3, not a ceiling)');
}

// ---------------------------------------------------------------------------------------------
// Part 2: queue cycles per second with one and two API processes

async function api(url: string, method: string, urlPath: string, body: unknown): Promise<void> {
  const response = await fetch(`${url}${urlPath}`, { method, headers: { authorization: `Bearer ${LIVE_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (response.status !== 200) throw new Error(`${method} ${urlPath}: ${response.status} ${await response.text()}`);
}

async function seedQueue(databaseUrl: string, serverUrl: string): Promise<Array<{ cookie: string; csrf: string }>> {
  await api(serverUrl, 'POST', '/v1/projects', { type: 'categorization', name: 'bench-nodes' });
  const { connect } = await import('../packages/server/src/db/connect.ts');
  const { migrateToLatest } = await import('../packages/server/src/db/migrate.ts');
  const { newId, sha256 } = await import('../packages/server/src/domain/ids.ts');
  const { TaskRepository } = await import('../packages/server/src/repositories/task.repository.ts');
  const { sql } = await import('kysely');
  const db = connect({ databaseUrl });
  await migrateToLatest(db);
  const project = await db.kysely.selectFrom('projects').select(['id', 'account_id']).where('name', '=', 'bench-nodes').executeTakeFirstOrThrow();
  const account = { id: project.account_id };
  const projectId = project.id;
  const now = Date.now();
  for (let offset = 0; offset < TASKS; offset += 5000) {
    const tasks = Array.from({ length: Math.min(5000, TASKS - offset) }, (_, index) => ({
      id: newId(now - TASKS + offset + index), account_id: account.id, environment: 'live' as const, project_id: projectId, batch_id: null,
      type: 'categorization', status: 'pending' as const, work_state: 'queued' as const, instruction: null,
      params: { attachment: `https://cdn.example.com/${offset + index}.jpg`, categories: ['cat', 'dog'] },
      callback_url: null, callback_succeeded: null, response: null, metadata: {}, unique_id: null, tags: null, priority: null,
      project_param_version: null, customer_review_status: null, customer_review_comments: null, prior_responses: null, audits: null,
      created_at: now - TASKS + offset + index, updated_at: now - TASKS + offset + index, completed_at: null,
    }));
    await db.kysely.transaction().execute((trx) => new TaskRepository(trx, db.dialect).insertMany(tasks as never));
  }
  const labelers: Array<{ cookie: string; csrf: string }> = [];
  for (let index = 0; index < LABELERS; index++) {
    const id = newId();
    const token = crypto.randomBytes(24).toString('hex');
    const csrf = crypto.randomBytes(16).toString('hex');
    await db.kysely.insertInto('users').values({ id, account_id: account.id, email: `bench-${index}@example.com`, role: 'labeler', first_name: null, last_name: null, company: null, password_hash: null, invite_token_hash: null, invite_expires_at: null, failed_logins: 0, locked_until: null, created_at: now } as never).execute();
    await db.kysely.insertInto('sessions').values({ id: sha256(token), user_id: id, account_id: account.id, csrf_token: csrf, created_at: now, expires_at: now + 86_400_000, last_seen_at: now }).execute();
    labelers.push({ cookie: `tw_session=${token}`, csrf });
  }
  await sql`analyze`.execute(db.kysely);
  await db.close();
  await api(serverUrl, 'POST', '/v1/studio/assignments/add', { emails: labelers.map((_, index) => `bench-${index}@example.com`), projects: ['bench-nodes'] });
  return labelers;
}

/** PIDs of the PostgreSQL backends connected to the run's database. */
async function backendPids(databaseUrl: string): Promise<number[]> {
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const name = new URL(databaseUrl).pathname.slice(1);
  const rows = await client.query('select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name]);
  await client.end();
  return rows.rows.map((row: { pid: number }) => row.pid);
}

async function labelingPhase(urls: string[], servers: ChildProcess[], databaseUrl: string, labelers: Array<{ cookie: string; csrf: string }>): Promise<{ cyclesPerSecond: number; serverCpuMs: number; databaseCpuMs: number }> {
  const pools = urls.map((url) => new Pool(url, { connections: LABELERS }));
  let cycles = 0;
  let running = true;
  const loop = async (labeler: { cookie: string; csrf: string }, index: number) => {
    const pool = pools[index % pools.length];
    const headers = { cookie: labeler.cookie, 'x-csrf-token': labeler.csrf, 'content-type': 'application/json' };
    while (running) {
      const next = await pool.request({ method: 'GET', path: '/app/api/queue/next', headers });
      const body = (await next.body.json()) as any;
      if (!body.assignment) throw new Error('the queue ran dry: raise BENCH_TASKS');
      const submit = await pool.request({
        method: 'POST',
        path: `/app/api/tasks/${body.assignment.task.task_id}/submit`,
        headers,
        body: JSON.stringify({ lease_id: body.assignment.lease.lease_id, response: { category: 'cat' }, time_spent_secs: 1 }),
      });
      await submit.body.dump();
      if (submit.statusCode !== 200) throw new Error(`submit: ${submit.statusCode}`);
      if (running) cycles += 1;
    }
  };
  // Warm-up, then the measured window.
  const workers = labelers.map((labeler, index) => loop(labeler, index));
  await sleep(WARMUP_SECONDS * 1000);
  const pids = await backendPids(databaseUrl);
  const serverStart = servers.reduce((sum, child) => sum + cpuSeconds(child.pid!), 0);
  const databaseStart = new Map(pids.map((pid) => [pid, cpuSeconds(pid)]));
  const startCycles = cycles;
  const started = performance.now();
  await sleep(SECONDS * 1000);
  const measured = cycles - startCycles;
  const elapsed = (performance.now() - started) / 1000;
  const serverCpu = servers.reduce((sum, child) => sum + cpuSeconds(child.pid!), 0) - serverStart;
  // Backends that connected during the window count whole (a pool may replace a connection); one
  // that exited during it is lost, so this figure is a lower bound.
  let databaseCpu = 0;
  for (const pid of new Set([...pids, ...(await backendPids(databaseUrl))])) {
    const now = cpuSeconds(pid);
    if (now > 0) databaseCpu += now - (databaseStart.get(pid) ?? 0);
  }
  running = false;
  await Promise.all(workers);
  await Promise.all(pools.map((pool) => pool.close()));
  return { cyclesPerSecond: measured / elapsed, serverCpuMs: (serverCpu * 1000) / measured, databaseCpuMs: (databaseCpu * 1000) / measured };
}

async function queueScaling(): Promise<void> {
  const database = await createBenchDatabase();
  if (!database.url) {
    console.log('\nqueue with two API processes: skipped (set BENCH_DATABASE_URL to a PostgreSQL server)');
    return;
  }
  try {
    const common = { DATABASE_URL: database.url, TAGWRIGHT_ROLE: 'api', TAGWRIGHT_DATA_DIR: tempDir('queue') };
    const first = await startServer(common);
    const labelers = await seedQueue(database.url, first.url);
    const one = await labelingPhase([first.url], [first.child], database.url, labelers);
    const second = await startServer({ ...common, TAGWRIGHT_DATA_DIR: tempDir('queue-2') });
    const two = await labelingPhase([first.url, second.url], [first.child, second.child], database.url, labelers);
    // The one-process baseline again, after: a change in the machine's other load shows as a gap between the two.
    const oneAgain = await labelingPhase([first.url], [first.child], database.url, labelers);
    console.log(`\nwork queue on PostgreSQL: ${LABELERS} labelers, no pause, ${SECONDS} s each (load average ${loadAverage()}, ${os.cpus().length} CPUs)`);
    const line = (name: string, phase: typeof one) =>
      `  ${name}  ${phase.cyclesPerSecond.toFixed(0).padStart(5)} cycles/s   CPU per cycle: API ${phase.serverCpuMs.toFixed(2)} ms + PostgreSQL ${phase.databaseCpuMs.toFixed(2)} ms = ${(phase.serverCpuMs + phase.databaseCpuMs).toFixed(2)} ms`;
    const baseline = {
      cyclesPerSecond: (one.cyclesPerSecond + oneAgain.cyclesPerSecond) / 2,
      serverCpuMs: (one.serverCpuMs + oneAgain.serverCpuMs) / 2,
      databaseCpuMs: (one.databaseCpuMs + oneAgain.databaseCpuMs) / 2,
    };
    console.log(line('two API processes        ', two));
    console.log(line('one API process, before  ', one));
    console.log(line('one API process, after   ', oneAgain));
    console.log(`  ratio two/one (one = mean of before and after): cycles/s ${(two.cyclesPerSecond / baseline.cyclesPerSecond).toFixed(2)}x, CPU per cycle ${((two.serverCpuMs + two.databaseCpuMs) / (baseline.serverCpuMs + baseline.databaseCpuMs)).toFixed(2)}x`);
    console.log('  targets: cycles/s with two not lower than with one (ratio ≥ 1.0), CPU per cycle unchanged (ratio ≈ 1.0)');
  } finally {
    for (const child of children.splice(0)) child.kill('SIGKILL');
    await sleep(200);
    await database.drop();
  }
}

try {
  console.log(`nodes bench: ${os.cpus().length} CPUs, load average ${loadAverage()} at start`);
  await fileStoreThroughput();
  for (const child of children.splice(0)) child.kill('SIGKILL');
  await queueScaling();
} finally {
  for (const child of children) child.kill('SIGKILL');
  for (const dir of temporary) fs.rmSync(dir, { recursive: true, force: true });
}
