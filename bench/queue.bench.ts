/**
 * Work-queue benchmark: `GET /app/api/queue/next` latency with 1,000,000 queued tasks and 50
 * labelers at once, against `GET /healthz` under the same concurrency in the same run.
 *
 *   node --import tsx bench/queue.bench.ts                       (from the repository root)
 *   BENCH_TASKS=1000000 BENCH_LABELERS=50 BENCH_SECONDS=10 BENCH_THINK_MS=250 node --import tsx bench/queue.bench.ts
 *
 * Target: next-task p99 < 20 ms.
 *
 * Layout: the Tagwright server (SQLite in a temporary folder, log at warn, rate limit out of reach)
 * runs in a child process, the labelers (undici, keep-alive, one connection each) in this one. The
 * tasks are inserted in bulk through the task repository (multi-row INSERTs, counters maintained);
 * the labelers are teammates assigned to the project, each with a session. Each labeler loops:
 * `queue/next`, then submit (9 in 10) or release (1 in 10) the task. Two phases, each followed by
 * `/healthz` with the same labeler count and pacing:
 * - saturated: no pause between calls, so latency is mostly waiting behind the other 49 labelers'
 *   requests (SQLite runs one statement at a time); shows the throughput ceiling;
 * - paced: each labeler pauses BENCH_THINK_MS between a task and the next (people take seconds per
 *   task; 250 ms is already far faster), which is the latency a labeler sees.
 */
import { fork } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';

const TASKS = Number(process.env.BENCH_TASKS ?? 1_000_000);
const LABELERS = Number(process.env.BENCH_LABELERS ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const THINK_MS = Number(process.env.BENCH_THINK_MS ?? 250);
const LIVE_KEY = 'live_0123456789abcdef0123456789abcdef';

interface Seeded {
  url: string;
  workers: Array<{ cookie: string; csrf: string }>;
}

// ---------------------------------------------------------------------------------------------
// Child process: the server and the bulk seed.

async function runServer(): Promise<void> {
  const { sql } = await import('kysely');
  const { loadConfig } = await import('../packages/server/src/config.ts');
  const { startServer } = await import('../packages/server/src/server.ts');
  const { TaskRepository } = await import('../packages/server/src/repositories/task.repository.ts');
  type NewTask = import('../packages/server/src/repositories/task.repository.ts').NewTask;
  const { newId, sha256 } = await import('../packages/server/src/domain/ids.ts');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tagwright-queue-bench-'));
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    TAGWRIGHT_DATA_DIR: dataDir,
    TAGWRIGHT_BOOTSTRAP_API_KEY: LIVE_KEY,
    TAGWRIGHT_RATE_LIMIT_PER_MINUTE: '100000000',
    TAGWRIGHT_GOLD_RATE: '0',
    LOG_LEVEL: 'warn',
  });
  const server = await startServer(config, { logger: false });
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
  // The bulk insert leaves a large write-ahead log; fold it into the database before measuring, as a
  // server that has been running would have long done.
  if (db.dialect.name === 'sqlite') await sql`pragma wal_checkpoint(truncate)`.execute(kysely);

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
  process.send!({ type: 'ready', url: server.url, workers, seedMs });
  process.on('message', async (message: { type: string }) => {
    if (message.type === 'cpu') {
      const usage = process.cpuUsage();
      process.send!({ type: 'cpu', micros: usage.user + usage.system });
      return;
    }
    if (message.type !== 'stop') return;
    await server.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  });
}

// ---------------------------------------------------------------------------------------------
// Parent process: the labelers.

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function summary(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  return `p50 ${percentile(sorted, 50).toFixed(2)} ms, p99 ${percentile(sorted, 99).toFixed(2)} ms (n=${sorted.length})`;
}

async function labelerPhase(seeded: Seeded, thinkMs: number): Promise<{ next: number[]; cycles: number; empty: number }> {
  const pools = seeded.workers.map(() => new Pool(seeded.url, { connections: 1, pipelining: 1 }));
  const next: number[] = [];
  let cycles = 0;
  let empty = 0;
  const end = performance.now() + SECONDS * 1000;
  await Promise.all(
    seeded.workers.map(async (worker, index) => {
      const pool = pools[index];
      const headers = { cookie: worker.cookie, 'x-csrf-token': worker.csrf, 'content-type': 'application/json' };
      let round = 0;
      while (performance.now() < end) {
        const start = performance.now();
        const response = await pool.request({ method: 'GET', path: '/app/api/queue/next', headers });
        const body = (await response.body.json()) as { assignment: any };
        next.push(performance.now() - start);
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
        if (thinkMs > 0) await sleep(thinkMs * (0.5 + Math.random()));
      }
    }),
  );
  await Promise.all(pools.map((pool) => pool.close()));
  return { next, cycles, empty };
}

async function healthPhase(seeded: Seeded, thinkMs: number): Promise<number[]> {
  const pools = seeded.workers.map(() => new Pool(seeded.url, { connections: 1, pipelining: 1 }));
  const samples: number[] = [];
  const end = performance.now() + SECONDS * 1000;
  await Promise.all(
    pools.map(async (pool) => {
      while (performance.now() < end) {
        const start = performance.now();
        const response = await pool.request({ method: 'GET', path: '/healthz' });
        await response.body.dump();
        samples.push(performance.now() - start);
        if (thinkMs > 0) await sleep(thinkMs * (0.5 + Math.random()));
      }
    }),
  );
  await Promise.all(pools.map((pool) => pool.close()));
  return samples;
}

/** CPU time the server process has used so far, in microseconds (less sensitive to other load on the machine than latency). */
function serverCpu(child: import('node:child_process').ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    const listener = (message: any) => {
      if (message?.type !== 'cpu') return;
      child.off('message', listener);
      resolve(message.micros);
    };
    child.on('message', listener);
    child.send({ type: 'cpu' });
  });
}

async function main(): Promise<void> {
  const child = fork(fileURLToPath(import.meta.url), [], { env: { ...process.env, QUEUE_BENCH_ROLE: 'server' }, execArgv: ['--import', 'tsx', ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [])] });
  const ready = await new Promise<Seeded & { seedMs: number }>((resolve, reject) => {
    child.once('message', (message: any) => resolve(message));
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  console.log(`queue bench: ${TASKS.toLocaleString('en')} queued tasks seeded in ${(ready.seedMs / 1000).toFixed(1)} s; ${LABELERS} labelers; ${SECONDS} s per phase; SQLite`);
  try {
    for (const [name, think] of [
      ['saturated', 0],
      ['paced', THINK_MS],
    ] as const) {
      const cpuBefore = await serverCpu(child);
      const labeling = await labelerPhase(ready, think);
      const cpuMiddle = await serverCpu(child);
      const health = await healthPhase(ready, think);
      const cpuAfter = await serverCpu(child);
      const pause = think > 0 ? `, ${think} ms ±50 % between tasks` : ', no pause';
      console.log(`${name} (${LABELERS} labelers${pause}):`);
      const cycleCpu = (cpuMiddle - cpuBefore) / Math.max(1, labeling.cycles) / 1000;
      const healthCpu = (cpuAfter - cpuMiddle) / Math.max(1, health.length) / 1000;
      console.log(`  queue/next  ${summary(labeling.next)}; ${(labeling.cycles / SECONDS).toFixed(0)} tasks/s submitted or released; server CPU ${cycleCpu.toFixed(2)} ms per next + submit/release${labeling.empty ? `; ${labeling.empty} empty answers` : ''}`);
      console.log(`  /healthz    ${summary(health)}; server CPU ${healthCpu.toFixed(3)} ms per request  (baseline, same concurrency)`);
    }
  } finally {
    child.send({ type: 'stop' });
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

if (process.env.QUEUE_BENCH_ROLE === 'server') await runServer();
else await main();
