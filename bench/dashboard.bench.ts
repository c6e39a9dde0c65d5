/**
 * Dashboard benchmark: latency of the manager dashboard's reads on an account holding BENCH_TASKS
 * tasks (default 1,000,000) over 30 days in 4 projects, with one label attempt per completed task
 * spread over 20 labelers. Each endpoint is called BENCH_SAMPLES times (default 30) over real HTTP
 * with an API key; the median and p95 are printed.
 *
 *   node --import tsx bench/dashboard.bench.ts                      (SQLite, from the repository root)
 *   BENCH_DATABASE_URL=postgres://postgres:postgres@127.0.0.1:5432/postgres node --import tsx bench/dashboard.bench.ts
 *
 * What it shows: progress counts come from the maintained counters, so they cost the same at any
 * size; throughput reads only the range's completed tasks through the (account, environment,
 * completed_at) index; the task browser is a keyset page; labeler stats read the listed users'
 * slices of the attempts index (they grow with the attempts in the range, not with the tasks).
 */
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { startTestServer, type TestServer } from '../packages/server/test/helpers/server.ts';
import { TaskRepository, type NewTask } from '../packages/server/src/repositories/task.repository.ts';
import { newId } from '../packages/server/src/domain/ids.ts';

const TASKS = Number(process.env.BENCH_TASKS ?? 1_000_000);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 30);
const LABELERS = 20;
const DAY = 86_400_000;

async function seed(server: TestServer): Promise<{ projects: string[]; sampleTaskId: string }> {
  const { db } = server.server.services;
  const accountId = (await db.kysely.selectFrom('accounts').select('id').executeTakeFirstOrThrow()).id;
  const projects: Array<{ id: string; name: string }> = [];
  for (let index = 0; index < 4; index++) {
    const body = (await server.request('POST', '/v1/projects', { body: { type: 'imageannotation', name: `bench-${index}` } })).body;
    projects.push({ id: body.id, name: body.name });
  }
  const users = [];
  for (let index = 0; index < LABELERS; index++) {
    users.push({
      id: newId(), account_id: accountId, email: `labeler-${index}@bench.example`, role: 'labeler' as const, first_name: null, last_name: null,
      company: null, password_hash: null, invite_token_hash: null, invite_expires_at: null, failed_logins: 0, locked_until: null, created_at: Date.now(),
    });
  }
  await db.kysely.insertInto('users').values(users).execute();
  const now = Date.now();
  const chunk = 50_000;
  let sampleTaskId = '';
  for (let start = 0; start < TASKS; start += chunk) {
    const tasks: NewTask[] = [];
    const attempts: Record<string, unknown>[] = [];
    for (let index = start; index < Math.min(TASKS, start + chunk); index++) {
      const createdAt = now - 30 * DAY + Math.floor((index / TASKS) * 30 * DAY);
      const completed = index % 10 !== 0;
      const completedAt = completed ? Math.min(now - 1000, createdAt + 3_600_000) : null;
      const project = projects[index % 4];
      const id = newId(createdAt);
      if (index === Math.floor(TASKS / 2)) sampleTaskId = id;
      tasks.push({
        id, account_id: accountId, environment: 'live', project_id: project.id, batch_id: null, type: 'imageannotation',
        status: completed ? 'completed' : 'pending', work_state: completed ? 'completed' : 'queued', instruction: null,
        params: { attachment: `https://cdn.example.com/${index}.jpg` }, callback_url: null, callback_succeeded: null,
        response: completed ? { annotations: [] } : null, metadata: {}, unique_id: `s3://bench/${project.name}/${index}.jpg`, tags: null,
        priority: null, project_param_version: null, customer_review_status: null, customer_review_comments: null, prior_responses: null,
        audits: null, created_at: createdAt, updated_at: completedAt ?? createdAt, completed_at: completedAt,
      });
      if (completedAt !== null) {
        attempts.push({
          id: newId(), account_id: accountId, project_id: project.id, task_id: id, user_id: users[index % LABELERS].id, kind: 'label', round: 0,
          attempt_no: 1, response: null, started_at: completedAt - 40_000, submitted_at: completedAt, time_spent_ms: 40_000, score: null, result: null, comments: null,
        });
      }
    }
    await db.kysely.transaction().execute(async (trx) => {
      await new TaskRepository(trx, db.dialect).insertMany(tasks);
      for (let at = 0; at < attempts.length; at += 2000) await trx.insertInto('task_attempts').values(attempts.slice(at, at + 2000) as never).execute();
    });
  }
  return { projects: projects.map((project) => project.name), sampleTaskId };
}

async function time(server: TestServer, label: string, url: string): Promise<void> {
  const samples: number[] = [];
  for (let index = 0; index < SAMPLES; index++) {
    const started = performance.now();
    const response = await server.request('GET', url);
    samples.push(performance.now() - started);
    if (response.status !== 200) throw new Error(`${url}: ${response.status} ${response.text}`);
  }
  samples.sort((a, b) => a - b);
  const median = samples[Math.floor(samples.length / 2)];
  const p95 = samples[Math.min(samples.length - 1, Math.floor(samples.length * 0.95))];
  console.log(`${label.padEnd(44)} median ${median.toFixed(1).padStart(7)} ms   p95 ${p95.toFixed(1).padStart(7)} ms`);
}

const dialect = process.env.BENCH_DATABASE_URL ? 'postgres' : 'sqlite';
if (process.env.BENCH_DATABASE_URL) process.env.TEST_DATABASE_URL = process.env.BENCH_DATABASE_URL;
const server = await startTestServer(dialect, { TAGWRIGHT_RATE_LIMIT_PER_MINUTE: '1000000' });
try {
  const seeded = performance.now();
  const { projects, sampleTaskId } = await seed(server);
  console.log(`${dialect}: ${TASKS.toLocaleString('en')} tasks and ${Math.round(TASKS * 0.9).toLocaleString('en')} attempts seeded in ${((performance.now() - seeded) / 1000).toFixed(0)} s; ${SAMPLES} samples each`);
  // Fresh statistics, as autovacuum would have gathered them on a database that grew over time.
  if (dialect === 'postgres') await sql`analyze`.execute(server.server.services.db.kysely);
  const api = '/app/api/dashboard';
  // The keep-alive connection of the seeding requests went idle during the seeding; let it go.
  await server.request('GET', '/healthz').catch(() => undefined);
  await time(server, 'projects with progress counts', `${api}/projects`);
  await time(server, 'batches of a project', `${api}/batches?project=${projects[0]}`);
  await time(server, 'throughput, 14 days by day', `${api}/throughput?bucket=day`);
  await time(server, 'throughput, 48 hours by hour, one project', `${api}/throughput?bucket=hour&project=${projects[1]}`);
  await time(server, 'task browser, page 1 (50)', `${api}/tasks`);
  await time(server, 'task browser, one project, pending', `${api}/tasks?project=${projects[2]}&status=pending`);
  await time(server, 'task browser, unique_id prefix', `${api}/tasks?q=${encodeURIComponent(`s3://bench/${projects[3]}/12345`)}`);
  await time(server, 'task detail', `${api}/tasks/${sampleTaskId}`);
  await time(server, 'labeler stats, last 7 days', `${api}/labelers?start_time=${new Date(Date.now() - 7 * DAY).toISOString()}`);
  await time(server, 'labeler stats, all time', `${api}/labelers`);
} finally {
  await server.close();
}
