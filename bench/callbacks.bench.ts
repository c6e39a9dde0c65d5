/**
 * Callback delivery benchmark: how many callbacks per second the deliver-callbacks runner sends to a
 * local receiver and records (outbox row finished, attempt logged, task's callback_succeeded set),
 * against a baseline of raw undici POSTs of the same body to the same receiver at the same concurrency.
 *
 *   node --import tsx bench/callbacks.bench.ts            (from the repository root)
 *   BENCH_CALLBACKS=20000 BENCH_CONCURRENCY=64 BENCH_DATABASE_URL=postgres://... node --import tsx bench/callbacks.bench.ts
 *
 * The receiver (node:http answering 200) runs in a child process so that it does not share the
 * event loop with the sender; the baseline and the runner use the same receiver. SQLite in a
 * temporary folder unless BENCH_DATABASE_URL names a PostgreSQL database (a fresh one is created
 * in it and dropped afterwards). Target: >= 2,000 callbacks/s.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { sql } from 'kysely';
import { Agent, request } from 'undici';
import { connect, type Db } from '../packages/server/src/db/connect.ts';
import { migrateToLatest } from '../packages/server/src/db/migrate.ts';
import { newId } from '../packages/server/src/domain/ids.ts';
import { OutboxRepository } from '../packages/server/src/repositories/outbox.repository.ts';
import { CallbackSender } from '../packages/server/src/outbound/callback-sender.ts';
import { DeliverCallbacksRunner } from '../packages/server/src/jobs/deliver-callbacks.ts';
import { Worker } from '../packages/server/src/jobs/worker.ts';

const CALLBACKS = Number(process.env.BENCH_CALLBACKS ?? 20_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const DATABASE_URL = process.env.BENCH_DATABASE_URL;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);

interface Measured {
  rate: number;
  seconds: number;
  /** CPU time of this process per callback, in microseconds (the receiver runs elsewhere). */
  cpuMicros: number;
}

const RECEIVER_SOURCE = `
const http = require('node:http');
const server = http.createServer((request, response) => {
  request.resume();
  request.on('end', () => { response.writeHead(200, { 'content-type': 'text/plain', 'content-length': 2 }); response.end('ok'); });
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => process.stdout.write(String(server.address().port) + '\\n'));
// Exit with the benchmark, even when it dies without stopping this process.
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
`;

async function startReceiver(): Promise<{ url: string; stop(): void }> {
  const child = spawn(process.execPath, ['-e', RECEIVER_SOURCE], { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve) => child.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString().trim())));
  return { url: `http://127.0.0.1:${port}/callback`, stop: () => child.kill() };
}

/** A task callback body of a realistic size (about 1.5 KB). */
function callbackBody(taskId: string): string {
  const task = {
    task_id: taskId, type: 'imageannotation', status: 'completed', created_at: new Date().toISOString(), completed_at: new Date().toISOString(),
    callback_url: 'http://127.0.0.1/callback', instruction: 'Draw a box around every car.', metadata: { source: 'bench', index: taskId },
    params: { attachment: 'https://example.com/images/0001.jpg', attachment_type: 'image', geometries: { box: { objects_to_annotate: ['car', 'truck', 'bus'] } } },
    response: { annotations: Array.from({ length: 8 }, (_, index) => ({ label: 'car', left: index * 10, top: 20, width: 40, height: 30, uuid: crypto.randomUUID() })) },
  };
  return JSON.stringify({ task, response: task.response, task_id: taskId, status: 'completed' });
}

/** Baseline: CALLBACKS raw undici POSTs with CONCURRENCY in flight. */
async function rawPosts(url: string, body: string): Promise<Measured> {
  const agent = new Agent({ connections: CONCURRENCY, keepAliveTimeout: 10_000 });
  let next = 0;
  const started = performance.now();
  const cpu = process.cpuUsage();
  async function loop() {
    while (next < CALLBACKS) {
      next++;
      const response = await request(url, { method: 'POST', dispatcher: agent, headers: { 'content-type': 'application/json' }, body });
      await response.body.text();
      if (response.statusCode !== 200) throw new Error(`receiver answered ${response.statusCode}`);
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, loop));
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  await agent.close();
  return { rate: CALLBACKS / seconds, seconds, cpuMicros: (used.user + used.system) / CALLBACKS };
}

async function openDatabase(): Promise<{ db: Db; label: string; drop(): Promise<void> }> {
  if (!DATABASE_URL) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tagwright-bench-callbacks-'));
    const db = connect({ sqliteFile: path.join(dir, 'tagwright.sqlite') });
    return { db, label: 'SQLite', drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `tw_bench_${crypto.randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(DATABASE_URL);
  url.pathname = `/${name}`;
  const db = connect({ databaseUrl: url.toString() });
  return {
    db,
    label: 'PostgreSQL',
    async drop() {
      // Not WITH (FORCE): that would kill this process's own pool connections while they close,
      // which pg reports as an unhandled error; wait for them to go instead.
      const client = new pg.Client({ connectionString: DATABASE_URL });
      await client.connect();
      for (let attempt = 0; ; attempt++) {
        try {
          await client.query(`drop database if exists ${name}`);
          break;
        } catch (error) {
          if (attempt >= 50) throw error;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
      await client.end();
    },
  };
}

/** One account and one project for every round. */
async function seedAccount(db: Db): Promise<{ accountId: string; projectId: string }> {
  const now = Date.now();
  const accountId = newId(now);
  const projectId = newId(now);
  await db.kysely.insertInto('accounts').values({ id: accountId, name: 'bench', callback_auth_key_live: 'k'.repeat(32), callback_auth_key_test: 't'.repeat(32), default_callback_url: null, created_at: now }).execute();
  await db.kysely.insertInto('projects').values({ id: projectId, account_id: accountId, environment: 'live', name: 'bench', type: 'imageannotation', param_history: '[]', rapid: 0, studio: 0, archived: 0, pipeline: null, consensus_attempts: null, dataset_id: null, created_at: now, updated_at: now }).execute();
  return { accountId, projectId };
}

/** CALLBACKS tasks and one due outbox row per task, inserted in bulk. */
async function seed(db: Db, target: string, { accountId, projectId }: { accountId: string; projectId: string }): Promise<string[]> {
  const now = Date.now();
  const taskIds: string[] = [];
  await db.kysely.transaction().execute(async (trx) => {
    for (let start = 0; start < CALLBACKS; start += 500) {
      const tasks = [];
      const rows = [];
      for (let index = start; index < Math.min(CALLBACKS, start + 500); index++) {
        const taskId = newId(now);
        taskIds.push(taskId);
        tasks.push({ id: taskId, account_id: accountId, environment: 'live' as const, project_id: projectId, type: 'imageannotation', status: 'completed' as const, work_state: 'completed' as const, params: '{}', metadata: '{}', created_at: now, updated_at: now });
        rows.push({
          id: newId(now), account_id: accountId, environment: 'live' as const, subject_type: 'task' as const, subject_id: taskId, event: 'completed', target,
          payload: callbackBody(taskId), state: 'pending' as const, attempts: 0, next_attempt_at: now, claimed_until: null, created_at: now, updated_at: now, finished_at: null,
        });
      }
      await trx.insertInto('tasks').values(tasks).execute();
      await trx.insertInto('outbox').values(rows).execute();
    }
  });
  // A running deployment has planner statistics (PostgreSQL's autovacuum gathers them within about a
  // minute of a burst); without them the first claims on a freshly filled table sort every due row.
  await sql`analyze`.execute(db.kysely);
  return taskIds;
}

/** Delivers every due row with the runner (as the server's worker does) and checks the result. */
async function deliverAll(db: Db, taskIds: string[]): Promise<Measured> {
  const log = { info() {}, warn() {}, error: (object: unknown, message: string) => console.error(message, object) };
  // Counts recorded attempts in process, so that watching for the end costs the database nothing.
  let recorded = 0;
  let finished: () => void = () => {};
  const done = new Promise<void>((resolve) => (finished = resolve));
  class CountingOutboxRepository extends OutboxRepository {
    override async recordOutcomes(...args: Parameters<OutboxRepository['recordOutcomes']>): Promise<void> {
      await super.recordOutcomes(...args);
      recorded += args[0].length;
      if (recorded >= CALLBACKS) finished();
    }
  }
  const runner = new DeliverCallbacksRunner(
    new CountingOutboxRepository(db.kysely, db.dialect),
    new CallbackSender({ timeoutMs: 30_000, allowPrivate: true, userAgent: 'Tagwright-Callbacks/bench', smtpFrom: 'bench@localhost' }),
    { concurrency: CONCURRENCY, claimMs: 90_000, scheduleSeconds: [30], requestPass: () => worker.nudge() },
    log,
  );
  const worker = new Worker([runner], 50, log);
  const started = performance.now();
  const cpu = process.cpuUsage();
  worker.start();
  await done;
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  await worker.stop();
  const open = await db.kysely.selectFrom('outbox').select('id').where('state', 'in', ['pending', 'delivering']).limit(1).execute();
  if (open.length > 0) throw new Error('some callbacks were not delivered');

  const marked = Number((await db.kysely.selectFrom('tasks').select((eb) => eb.fn.countAll().as('n')).where('id', 'in', taskIds.slice(0, 1000)).where('callback_succeeded', '=', 1).executeTakeFirstOrThrow()).n);
  if (marked !== Math.min(1000, taskIds.length)) throw new Error(`expected the tasks to be marked callback_succeeded, ${marked} of the first 1000 are`);
  return { rate: CALLBACKS / seconds, seconds, cpuMicros: (used.user + used.system) / CALLBACKS };
}

async function main() {
  const receiver = await startReceiver();
  const { db, label, drop } = await openDatabase();
  try {
    await migrateToLatest(db);
    const owner = await seedAccount(db);
    const rounds: Array<{ raw: Measured; runner: Measured }> = [];
    for (let round = 0; round < ROUNDS; round++) {
      const raw = await rawPosts(receiver.url, callbackBody(newId()));
      const taskIds = await seed(db, receiver.url, owner);
      rounds.push({ raw, runner: await deliverAll(db, taskIds) });
    }
    const logged = Number((await db.kysely.selectFrom('delivery_attempts').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    if (logged !== CALLBACKS * ROUNDS) throw new Error(`expected ${CALLBACKS * ROUNDS} attempts logged, got ${logged}`);

    console.log(`callback benchmark: node ${process.version}, ${os.cpus().length} CPUs, ${label}, ${CALLBACKS} callbacks per round, ${CONCURRENCY} in flight, load average ${os.loadavg()[0].toFixed(1)}`);
    for (const [index, { raw, runner }] of rounds.entries()) {
      console.log(`  round ${index + 1}: raw undici ${raw.rate.toFixed(0)} req/s (${raw.cpuMicros.toFixed(0)} µs CPU each), ` +
        `runner ${runner.rate.toFixed(0)} callbacks/s (${runner.cpuMicros.toFixed(0)} µs CPU each), ${(runner.rate / raw.rate).toFixed(2)}x raw`);
    }
    const best = rounds.reduce((a, b) => (b.runner.rate > a.runner.rate ? b : a));
    console.log(`raw undici POSTs to the receiver           ${best.raw.rate.toFixed(0).padStart(7)} req/s`);
    console.log(`deliver-callbacks runner (sent + recorded) ${best.runner.rate.toFixed(0).padStart(7)} callbacks/s  ${(best.runner.rate / best.raw.rate).toFixed(2)}x raw`);
    console.log(`target >= 2000 callbacks/s: ${best.runner.rate >= 2000 ? 'met' : 'MISSED'}`);
  } finally {
    await db.close();
    await drop();
    receiver.stop();
  }
}

await main();
