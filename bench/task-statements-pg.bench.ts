/**
 * The task get's and create's statement on PostgreSQL, in variants (below): what each costs the client
 * process (pg's row parsing, JSON, parameters) and PostgreSQL's backends, per statement. Both run
 * on this machine's CPUs, so both bound the tasks bench's req/s (bench/tasks.bench.ts).
 *
 *   BENCH_DATABASE_URL=postgres://postgres:postgres@127.0.0.1:5432/postgres node --import tsx bench/task-statements-pg.bench.ts
 *   BENCH_ROUNDS=5 BENCH_STATEMENTS=5000 BENCH_INFLIGHT=10 …
 *
 * In a fresh database with Tagwright's schema (its migrations), 10,000 tasks as the create writes
 * them and the bare floor's 11-column table; a pool of 10 connections (Tagwright's default), named
 * prepared statements, BENCH_INFLIGHT statements in flight. "client" is this process's CPU time per
 * statement, "server" the CPU time of the pool's PostgreSQL backends (read from /proc, so PostgreSQL
 * must run on this machine). Rounds interleave the variants; figures are medians over rounds.
 */
import fs from 'node:fs';
import os from 'node:os';
import pg from 'pg';
import { ESSENTIAL_ACCOUNT, ESSENTIAL_ACCOUNT_ROW, ESSENTIAL_GET, ESSENTIAL_INSERT_COUNTED_CHECKED, ESSENTIAL_PROJECT_ID, ESSENTIAL_PROJECT_ROW, TASK_COLUMNS, essentialValues, floorTask, migrateTagwrightSchema } from './baselines.ts';
import { createBenchDatabase } from './databases.ts';
import { presentStoredTaskJson } from '../packages/server/src/presenters/task.presenter.ts';
import { ascending, percentile } from './stats.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const STATEMENTS = Number(process.env.BENCH_STATEMENTS ?? 5000);
const INFLIGHT = Number(process.env.BENCH_INFLIGHT ?? 10);
const TASKS = 10_000;
const BODY = { project: 'bench creates', callback_url: 'https://receiver.example/scale', instruction: 'Use tight boxes.', attachment_type: 'image', attachment: 'https://cdn.example.com/img/1.jpg', metadata: { source: 'bench' } };

// Get variants. The presenter needs every task column but account_id, environment and work_state.
const PRESENTED = TASK_COLUMNS.filter((column) => !['account_id', 'environment', 'work_state'].includes(column));
const GETS: Record<string, string> = {
  'floor (11 columns, jsonb)': 'select * from floor_tasks where id = $1',
  'joined t.* + names (Tagwright before)': ESSENTIAL_GET,
  't.* only (names from memory)': 'select * from tasks where id = $1 and account_id = $2 and environment = $3',
  'presented columns only': `select ${PRESENTED.join(', ')} from tasks where id = $1 and account_id = $2 and environment = $3`,
  'one json column built by PostgreSQL, parsed in JS': `select row_to_json(t)::text as row from (select ${PRESENTED.join(', ')} from tasks where id = $1 and account_id = $2 and environment = $3) t`,
};

// Create variants: Tagwright's checked insert-and-count (25 task columns bound, RETURNING five
// columns for the counter), and the same with only the columns a fresh live task outside a batch can
// have set (16; the rest default to null) and the counter's key bound instead of returned.
const FRESH_COLUMNS = ['id', 'account_id', 'environment', 'project_id', 'type', 'status', 'work_state', 'instruction', 'params', 'callback_url', 'metadata', 'unique_id', 'priority', 'project_param_version', 'created_at', 'updated_at'];
const at = (column: string) => `$${FRESH_COLUMNS.indexOf(column) + 1}`;
const CREATE_LEAN =
  `with project as (select 1 from projects where id = ${at('project_id')} and account_id = ${at('account_id')} and environment = ${at('environment')} ` +
  `and name = $${FRESH_COLUMNS.length + 2} and md5(param_history) = $${FRESH_COLUMNS.length + 3}), ` +
  `inserted as (insert into tasks (${FRESH_COLUMNS.join(', ')}) select ${FRESH_COLUMNS.map((_, index) => `$${index + 1}`).join(', ')} from project ` +
  'on conflict (account_id, environment, unique_id) do nothing returning 1), ' +
  'counted as (insert into task_counts (account_id, environment, project_id, batch_key, type, status, shard, n) ' +
  `select ${at('account_id')}, ${at('environment')}, ${at('project_id')}, '', ${at('type')}, ${at('status')}, $${FRESH_COLUMNS.length + 1}::integer, 1 from inserted ` +
  'on conflict (account_id, environment, project_id, batch_key, type, status, shard) do update set n = task_counts.n + excluded.n returning 1) ' +
  'select exists (select 1 from project) as project_ok, exists (select 1 from counted) as created';

/** CPU time (µs) of the given PostgreSQL backends, from /proc (utime + stime in clock ticks). */
function backendMicros(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return (ticks * 1e6) / 100;
}

function cpu(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

async function main(): Promise<void> {
  const database = await createBenchDatabase();
  if (!database.url) throw new Error('BENCH_DATABASE_URL is required');
  await migrateTagwrightSchema({ databaseUrl: database.url });
  const pool = new pg.Pool({ connectionString: database.url, max: 10 });
  try {
    await pool.query(ESSENTIAL_ACCOUNT_ROW);
    await pool.query(ESSENTIAL_PROJECT_ROW);
    await pool.query('create table floor_tasks (id text primary key, type text not null, status text not null, project text not null, instruction text, params jsonb not null, callback_url text, metadata jsonb not null, project_param_version integer, created_at bigint not null, updated_at bigint not null)');
    const ids: string[] = [];
    for (let index = 0; index < TASKS; index++) {
      const now = Date.now();
      const task = floorTask(BODY, now + index);
      ids.push(task.task_id);
      await pool.query({ name: 'seed', text: `insert into tasks (${TASK_COLUMNS.join(', ')}) values (${TASK_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})`, values: essentialValues(task, ESSENTIAL_PROJECT_ID, now) });
      await pool.query({
        name: 'seed_floor',
        text: 'insert into floor_tasks (id, type, status, project, instruction, params, callback_url, metadata, project_param_version, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)',
        values: [task.task_id, task.type, task.status, task.project, task.instruction, JSON.stringify(task.params), task.callback_url, JSON.stringify(task.metadata), 0, now, now],
      });
    }
    await pool.query('analyze');
    // Hold all ten connections once, to learn their backends' pids.
    const clients = await Promise.all(Array.from({ length: 10 }, () => pool.connect()));
    const pids = await Promise.all(clients.map(async (client) => (await client.query('select pg_backend_pid() as pid')).rows[0].pid as number));
    for (const client of clients) client.release();

    const run = async (name: string, text: string, values: (index: number) => unknown[], use: (row: any) => unknown) => {
      let next = 0;
      const worker = async () => {
        while (next < STATEMENTS) {
          const index = next++;
          const result = await pool.query({ name, text, values: values(index) });
          use(result.rows[0]);
        }
      };
      const clientBefore = cpu();
      const serverBefore = backendMicros(pids);
      await Promise.all(Array.from({ length: INFLIGHT }, worker));
      return { client: (cpu() - clientBefore) / STATEMENTS, server: (backendMicros(pids) - serverBefore) / STATEMENTS };
    };

    const figures = new Map<string, Array<{ client: number; server: number }>>();
    const record = (label: string, value: { client: number; server: number }) => figures.set(label, [...(figures.get(label) ?? []), value]);
    const names = new Map(Object.keys(GETS).map((label, index) => [label, `get_${index}`]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const [label, text] of Object.entries(GETS)) {
        const scoped = text.includes('$2');
        // The answer as each would be written: Tagwright's rows through its presenter (the JSON
        // column parsed first), the floor's row serialised as the floor does.
        const answer = scoped
          ? (row: any) => presentStoredTaskJson({ project_name: 'bench creates', batch_name: null, ...(typeof row.row === 'string' ? JSON.parse(row.row) : row) }).length
          : (row: any) => JSON.stringify(row).length;
        record(`get: ${label}`, await run(names.get(label)!, text, (index) => (scoped ? [ids[index % TASKS], ESSENTIAL_ACCOUNT, 'live'] : [ids[index % TASKS]]), answer));
      }
      const md5 = (await pool.query("select md5(param_history) as h from projects where id = $1", [ESSENTIAL_PROJECT_ID])).rows[0].h as string;
      const fresh = () => {
        const now = Date.now();
        const task = floorTask(BODY, now);
        return { task, now, full: essentialValues(task, ESSENTIAL_PROJECT_ID, now) };
      };
      record('create: bare floor insert (11 columns, one table)', await run('create_floor', 'insert into floor_tasks (id, type, status, project, instruction, params, callback_url, metadata, project_param_version, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)', () => {
        const { task, now } = fresh();
        return [task.task_id, task.type, task.status, task.project, task.instruction, JSON.stringify(task.params), task.callback_url, JSON.stringify(task.metadata), 0, now, now];
      }, () => 0));
      record('create: checked insert-and-count (Tagwright)', await run('create_full', ESSENTIAL_INSERT_COUNTED_CHECKED, (index) => [...fresh().full, index % 16, 'bench creates', md5], (row) => row.created));
      record('create: 16 columns bound, counter key bound', await run('create_lean', CREATE_LEAN, (index) => {
        const { full } = fresh();
        const byColumn = new Map(TASK_COLUMNS.map((column, i) => [column, full[i]]));
        return [...FRESH_COLUMNS.map((column) => byColumn.get(column)), index % 16, 'bench creates', md5];
      }, (row) => row.created));
    }
    const median = (values: number[]) => percentile(ascending(values), 50);
    console.log(`task statements on PostgreSQL: node ${process.version}, ${os.cpus().length} CPUs, ${STATEMENTS} statements x ${ROUNDS} rounds, ${INFLIGHT} in flight, pool of 10; load average ${os.loadavg().map((v) => v.toFixed(1)).join(', ')}`);
    console.log('µs CPU per statement (median of rounds): client process, PostgreSQL backends');
    for (const [label, values] of figures) {
      console.log(`  ${label.padEnd(52)} client ${median(values.map((v) => v.client)).toFixed(1).padStart(6)}  server ${median(values.map((v) => v.server)).toFixed(1).padStart(6)}   rounds: ${values.map((v) => `${v.client.toFixed(0)}/${v.server.toFixed(0)}`).join(' ')}`);
    }
    console.log(`load average at the end: ${os.loadavg().map((v) => v.toFixed(1)).join(', ')}`);
  } finally {
    await pool.end();
    await database.drop();
  }
}

await main();
