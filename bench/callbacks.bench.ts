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

const RECEIVER_SOURCE = `
const http = require('node:http');
const server = http.createServer((request, response) => {
  request.resume();
  request.on('end', () => { response.writeHead(200, { 'content-type': 'text/plain', 'content-length': 2 }); response.end('ok'); });
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => process.stdout.write(String(server.address().port) + '\\n'));
`;

async function startReceiver(): Promise<{ url: string; stop(): void }> {
  const child = spawn(process.execPath, ['-e', RECEIVER_SOURCE], { stdio: ['ignore', 'pipe', 'inherit'] });
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
async function rawPosts(url: string, body: string): Promise<number> {
  const agent = new Agent({ connections: CONCURRENCY, keepAliveTimeout: 10_000 });
  let next = 0;
  const started = performance.now();
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
  await agent.close();
  return CALLBACKS / seconds;
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
      const client = new pg.Client({ connectionString: DATABASE_URL });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

/** One account, one project, CALLBACKS tasks and one due outbox row per task, inserted in bulk. */
async function seed(db: Db, target: string): Promise<string[]> {
  const now = Date.now();
  const accountId = newId(now);
  const projectId = newId(now);
  await db.kysely.insertInto('accounts').values({ id: accountId, name: 'bench', callback_auth_key_live: 'k'.repeat(32), callback_auth_key_test: 't'.repeat(32), default_callback_url: null, created_at: now }).execute();
  await db.kysely.insertInto('projects').values({ id: projectId, account_id: accountId, environment: 'live', name: 'bench', type: 'imageannotation', param_history: '[]', rapid: 0, studio: 0, archived: 0, pipeline: null, consensus_attempts: null, dataset_id: null, created_at: now, updated_at: now }).execute();
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

async function main() {
  const receiver = await startReceiver();
  const { db, label, drop } = await openDatabase();
  try {
    await migrateToLatest(db);
    const baseline = await rawPosts(receiver.url, callbackBody(newId()));
    await seed(db, receiver.url);

    const log = { info() {}, warn() {}, error: (object: unknown, message: string) => console.error(message, object) };
    const runner = new DeliverCallbacksRunner(
      new OutboxRepository(db.kysely, db.dialect),
      new CallbackSender({ timeoutMs: 30_000, allowPrivate: true, userAgent: 'Tagwright-Callbacks/bench', smtpFrom: 'bench@localhost' }),
      { concurrency: CONCURRENCY, claimMs: 90_000, scheduleSeconds: [30], requestPass: () => worker.nudge() },
      log,
    );
    const worker = new Worker([runner], 50, log);
    const started = performance.now();
    worker.start();
    const remaining = async () => Number((await db.kysely.selectFrom('outbox').select((eb) => eb.fn.countAll().as('n')).where('state', '!=', 'succeeded').executeTakeFirstOrThrow()).n);
    while ((await remaining()) > 0) await new Promise((resolve) => setTimeout(resolve, 50));
    const seconds = (performance.now() - started) / 1000;
    await worker.stop();

    const marked = Number((await db.kysely.selectFrom('tasks').select((eb) => eb.fn.countAll().as('n')).where('callback_succeeded', '=', 1).executeTakeFirstOrThrow()).n);
    const logged = Number((await db.kysely.selectFrom('delivery_attempts').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    if (marked !== CALLBACKS || logged !== CALLBACKS) throw new Error(`expected ${CALLBACKS} tasks marked and attempts logged, got ${marked} and ${logged}`);
    const rate = CALLBACKS / seconds;
    console.log(`callback benchmark: node ${process.version}, ${os.cpus().length} CPUs, ${label}, ${CALLBACKS} callbacks, ${CONCURRENCY} in flight`);
    console.log(`raw undici POSTs to the receiver        ${baseline.toFixed(0).padStart(7)} req/s`);
    console.log(`deliver-callbacks runner (sent+recorded) ${rate.toFixed(0).padStart(7)} callbacks/s  ${(rate / baseline).toFixed(2)}x raw  (${seconds.toFixed(2)} s)`);
    console.log(`target >= 2000 callbacks/s: ${rate >= 2000 ? 'met' : 'MISSED'}`);
  } finally {
    await db.close();
    await drop();
    receiver.stop();
  }
}

await main();
