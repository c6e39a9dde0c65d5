import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { describeEachDatabase } from '../helpers/databases.ts';
import { useTestServer, type TestServer } from '../helpers/server.ts';
import { spawn, type ChildProcess } from 'node:child_process';
import { TaskRepository, type NewTask } from '../../src/repositories/task.repository.ts';
import { newId } from '../../src/domain/ids.ts';
import { addWorkers, assign, createBatch, createProject, unique, type TestWorker } from './helpers.ts';

const LABELERS = 50;
const STANDARD_TASKS = 4500;
const CONSENSUS_TASKS = 500;
const CONSENSUS_ATTEMPTS = 2;
/** Standard tasks are spread over several batches, as real work is (each batch is its own lane of batch locks and counters). */
const BATCHES = 5;

/** Inserts queued categorization tasks in bulk (the subject here is claiming, not creating). */
async function insertQueuedTasks(server: TestServer, projectName: string, count: number, batchIds: readonly string[] = []): Promise<string[]> {
  const { db } = server.server.services;
  const project = await db.kysely.selectFrom('projects').select(['id', 'account_id']).where('name', '=', projectName).executeTakeFirstOrThrow();
  const start = Date.now() - count;
  const tasks: NewTask[] = Array.from({ length: count }, (_, index) => ({
    id: newId(start + index),
    account_id: project.account_id,
    environment: 'live',
    project_id: project.id,
    batch_id: batchIds.length > 0 ? batchIds[index % batchIds.length] : null,
    type: 'categorization',
    status: 'pending',
    work_state: 'queued',
    instruction: null,
    params: { attachment: `https://cdn.example.com/${index}.jpg`, categories: ['cat', 'dog'] },
    callback_url: null,
    callback_succeeded: null,
    response: null,
    metadata: {},
    unique_id: null,
    tags: null,
    priority: index % 10 === 0 ? 20 : null,
    project_param_version: null,
    customer_review_status: null,
    customer_review_comments: null,
    prior_responses: null,
    audits: null,
    created_at: start + index,
    updated_at: start + index,
    completed_at: null,
  }));
  await db.kysely.transaction().execute((trx) => new TaskRepository(trx, db.dialect).insertMany(tasks));
  return tasks.map((task) => task.id);
}

async function appCall(baseUrl: string, worker: TestWorker, method: 'GET' | 'POST', urlPath: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${baseUrl}/app/api${urlPath}`, {
    method,
    headers: { cookie: worker.cookie, 'x-csrf-token': worker.csrfToken, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

const here = path.dirname(new URL(import.meta.url).pathname);

/** A second Tagwright server in its own process (test/callbacks/server-entry.ts) on the given database; resolves with its URL. */
async function startChildServer(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, '../callbacks/server-entry.ts')], {
    cwd: path.join(here, '../..'),
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes('\n')) resolve(JSON.parse(output.split('\n')[0]).url);
    });
    child.once('exit', (code) => reject(new Error(`child server exited early with code ${code}`)));
  });
  return { child, url };
}

describeEachDatabase('Work queue under concurrency', (dialect) => {
  const server = useTestServer(dialect, { TAGWRIGHT_GOLD_RATE: '0' });
  let second: ChildProcess | undefined;
  let secondDataDir: string | undefined;
  after(async () => {
    if (second && second.exitCode === null && second.signalCode === null) {
      const exited = new Promise((resolve) => second!.once('exit', resolve));
      second.kill('SIGTERM');
      await exited;
    }
    if (secondDataDir) fs.rmSync(secondDataDir, { recursive: true, force: true });
  });

  it(`completes every task exactly once per required attempt with ${LABELERS} labelers pulling at once, never leasing a task twice`, async (t) => {
    const standard = unique('load-standard');
    const consensusProject = unique('load-consensus');
    await createProject(server.current, { type: 'categorization', name: standard });
    await createProject(server.current, { type: 'categorization', name: consensusProject, pipeline: 'consensus_task', consensus_attempts: CONSENSUS_ATTEMPTS });
    const batchIds: string[] = [];
    for (let index = 0; index < BATCHES; index++) batchIds.push((await createBatch(server.current, standard, unique('load-batch'))).id);
    const standardIds = await insertQueuedTasks(server.current, standard, STANDARD_TASKS, batchIds);
    const consensusIds = await insertQueuedTasks(server.current, consensusProject, CONSENSUS_TASKS);
    const labelers = await addWorkers(server.current, LABELERS);
    await assign(server.current, labelers, [standard, consensusProject]);

    // On PostgreSQL, half the labelers talk to a second server process on the same database.
    const urls = [server.current.url];
    if (dialect === 'postgres') {
      secondDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tagwright-second-'));
      const started = await startChildServer({
        DATABASE_URL: server.current.database.databaseUrl!,
        PORT: '0',
        HOST: '127.0.0.1',
        TAGWRIGHT_DATA_DIR: secondDataDir,
        TAGWRIGHT_GOLD_RATE: '0',
        LOG_LEVEL: 'silent',
      });
      second = started.child;
      urls.push(started.url);
    }

    const expectedAttempts = STANDARD_TASKS + CONSENSUS_TASKS * CONSENSUS_ATTEMPTS;
    let submitted = 0;
    const holders = new Map<string, string>();
    const violations: string[] = [];
    const started = Date.now();
    // A bound so a broken queue fails the test instead of hanging it; a healthy run needs a fraction of it.
    const deadline = started + 300_000;

    await Promise.all(
      labelers.map(async (labeler, index) => {
        const baseUrl = urls[index % urls.length];
        let idle = 0;
        while (submitted < expectedAttempts && Date.now() < deadline) {
          const answer = await appCall(baseUrl, labeler, 'GET', '/queue/next');
          assert.equal(answer.status, 200, JSON.stringify(answer.body));
          const assignment = answer.body.assignment;
          if (!assignment) {
            // Consensus tasks come back once another labeler submits; wait a little before asking again.
            idle += 1;
            if (idle > 200) break;
            await sleep(25);
            continue;
          }
          idle = 0;
          const taskId: string = assignment.task.task_id;
          const holder = holders.get(taskId);
          if (holder !== undefined) violations.push(`${taskId} leased to ${labeler.id} while ${holder} held it`);
          holders.set(taskId, labeler.id);
          // The labeler holds the task while it "labels" (other labelers' claims are answered meanwhile); a
          // claim answered for the same task in this window is two live leases at once. The hold is
          // forgotten before the submission is sent: once it commits, another labeler may rightly take the task.
          await sleep(1);
          holders.delete(taskId);
          const result = await appCall(baseUrl, labeler, 'POST', `/tasks/${taskId}/submit`, { lease_id: assignment.lease.lease_id, response: { category: 'cat' }, time_spent_secs: 1 });
          assert.equal(result.status, 200, `${JSON.stringify(result.body)}; overlapping leases seen so far: ${JSON.stringify(violations.slice(0, 3))}`);
          submitted += 1;
        }
      }),
    );
    t.diagnostic(`${dialect}: ${submitted} submissions by ${LABELERS} labelers in ${Date.now() - started} ms over ${urls.length} server(s)`);

    assert.deepEqual(violations, []);
    assert.equal(submitted, expectedAttempts);
    const kysely = server.current.server.services.db.kysely;
    for (const [name, count, attempts] of [
      [standard, standardIds.length, 1],
      [consensusProject, consensusIds.length, CONSENSUS_ATTEMPTS],
    ] as const) {
      const { id: projectId } = await kysely.selectFrom('projects').select('id').where('name', '=', name).executeTakeFirstOrThrow();
      const notDone = await kysely.selectFrom('tasks').select((eb) => eb.fn.countAll<number>().as('n')).where('project_id', '=', projectId).where('status', '!=', 'completed').executeTakeFirstOrThrow();
      assert.equal(Number(notDone.n), 0, `every task of ${name} completed`);
      const perTask = await kysely
        .selectFrom('task_attempts')
        .select(['task_id', (eb) => eb.fn.countAll<number>().as('attempts'), (eb) => eb.fn.count<number>('user_id').distinct().as('people')])
        .where('project_id', '=', projectId)
        .where('kind', '=', 'label')
        .groupBy('task_id')
        .execute();
      assert.equal(perTask.length, count, 'every task was attempted');
      const wrong = perTask.filter((row) => Number(row.attempts) !== attempts || Number(row.people) !== attempts);
      assert.deepEqual(wrong, [], `each task has exactly ${attempts} attempt(s), by ${attempts} different labeler(s)`);
    }
    const leftover = await kysely.selectFrom('task_leases').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    assert.equal(Number(leftover.n), 0, 'no lease outlives its submission');
  });
});
