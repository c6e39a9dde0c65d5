/**
 * PostgreSQL client drivers: what each costs the server process per round trip, on the queries
 * Tagwright's hot paths make, and what a bare Fastify floor answers with each. Every PostgreSQL
 * figure of the tasks and queue benches is bound by the client's CPU per round trip; this bench
 * says how much of it a driver (and a driver's options) decides.
 *
 *   BENCH_DATABASE_URL=postgres://postgres:postgres@127.0.0.1:5432/postgres node --import tsx bench/pg-drivers.bench.ts
 *   BENCH_ROUNDS=3 BENCH_SECONDS=3 BENCH_ROUNDTRIPS=10000 BENCH_INFLIGHT=10 BENCH_CONNECTIONS=32 BENCH_DRIVERS=pg,postgres …
 *
 * Drivers (each in a server process of its own, a pool of 10 connections as Tagwright's default):
 *   pg              node-postgres, named prepared statements, object rows (Tagwright's driver)
 *   pg-array        the same with rowMode 'array' (no per-row object built from the row template)
 *   postgres        postgres.js (porsager), `sql.unsafe(text, values, { prepare: true })`, object rows
 *   postgres-array  the same with `.values()` (rows as arrays)
 *   pg-kysely       Kysely's PostgresDialect on pg with named prepared statements, as db/connect.ts
 *                   sets it up: the cost a repository query pays (driver + Kysely + dialect)
 *   postgres-kysely Kysely on postgres.js through bench/postgres-js-dialect.ts (the candidate, not adopted)
 * Queries, on Tagwright's schema made by its migrations in a fresh database:
 *   small   a primary-key read of a small row (4 columns)
 *   get     the task get's joined read (45 columns: the task, its project's and batch's names)
 *   insert  the task create's one statement (insert + counter upsert in one WITH)
 *
 * Part 1, client CPU per round trip: the server process runs BENCH_ROUNDTRIPS statements with
 * BENCH_INFLIGHT in flight and reports its own CPU time (user + system) per statement; PostgreSQL
 * runs in its own processes, so this is the client's cost. Part 2, the floor: bare Fastify with one
 * statement per request (GET /small/:id, GET /task/:id, POST /task), autocannon in its own process,
 * req/s and the server's CPU per request. Rounds interleave the drivers; figures are medians over
 * rounds, ratios against `pg` in the same run. The machine may be shared: read the ratios.
 */
import { forkChild } from './child-rpc.ts';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import Fastify from 'fastify';
import {
  ESSENTIAL_ACCOUNT,
  ESSENTIAL_ACCOUNT_ROW,
  ESSENTIAL_GET,
  ESSENTIAL_INSERT_COUNTED,
  ESSENTIAL_PROJECT_ID,
  ESSENTIAL_PROJECT_ROW,
  essentialAnswer,
  essentialValues,
  floorTask,
  migrateTagwrightSchema,
} from './baselines.ts';
import { createBenchDatabase } from './databases.ts';
import { generateLoad } from './load-generator.ts';
import { ascending, percentile } from './stats.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const ROUNDTRIPS = Number(process.env.BENCH_ROUNDTRIPS ?? 10000);
const INFLIGHT = Number(process.env.BENCH_INFLIGHT ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const POOL_SIZE = 10;
const ALL_DRIVERS = ['pg', 'pg-array', 'postgres', 'postgres-array', 'pg-kysely', 'postgres-kysely'] as const;
type DriverName = (typeof ALL_DRIVERS)[number];
const DRIVERS = (process.env.BENCH_DRIVERS?.split(',') ?? ALL_DRIVERS) as DriverName[];
const QUERIES = ['small', 'get', 'insert'] as const;
type QueryName = (typeof QUERIES)[number];
const SEEDED = 2000;

const SMALL_TABLE = 'create table floor_small (id text primary key, name text not null, n bigint not null, created_at bigint not null)';
const SMALL_GET = 'select * from floor_small where id = $1';
const SMALL_ID = (i: number) => `s${i % SEEDED}`;

/** One driver's way to run a statement: the rows, as the driver returns them. */
interface Runner {
  run(name: string, text: string, values: unknown[]): Promise<unknown[]>;
  close(): Promise<void>;
}

async function openDriver(driver: DriverName, url: string): Promise<Runner> {
  if (driver === 'pg' || driver === 'pg-array') {
    const { default: pg } = await import('pg');
    pg.types.setTypeParser(20, (value) => Number(value));
    const pool = new pg.Pool({ connectionString: url, max: POOL_SIZE });
    const arrays = driver === 'pg-array';
    return {
      run: async (name, text, values) => (arrays ? await pool.query({ name, text, values, rowMode: 'array' }) : await pool.query({ name, text, values })).rows,
      close: () => pool.end(),
    };
  }
  if (driver === 'postgres' || driver === 'postgres-array') {
    const { default: postgres } = await import('postgres');
    const sql = postgres(url, {
      max: POOL_SIZE,
      onnotice: () => {},
      types: { int8: { to: 20, from: [20], serialize: (value: number) => String(value), parse: (value: string) => Number(value) } },
    });
    const arrays = driver === 'postgres-array';
    return {
      run: async (_name, text, values) => {
        const query = sql.unsafe(text, values as never[], { prepare: true });
        return arrays ? await query.values() : await query;
      },
      close: () => sql.end({ timeout: 5 }),
    };
  }
  const { CompiledQuery, Kysely, PostgresDialect } = await import('kysely');
  if (driver === 'pg-kysely') {
    const { default: pg } = await import('pg');
    pg.types.setTypeParser(20, (value) => Number(value));
    const pool = new pg.Pool({ connectionString: url, max: POOL_SIZE });
    // As Tagwright's pg setup did: Kysely calls query(text, values); the hot texts ran as named statements.
    const names = new Map([SMALL_GET, ESSENTIAL_GET, ESSENTIAL_INSERT_COUNTED].map((text, index) => [text, `bench_${index}`]));
    pool.on('connect', (client) => {
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      (client as unknown as { query: unknown }).query = (...args: unknown[]) => {
        const name = names.get(args[0] as string);
        return args.length === 2 && name ? query({ name, text: args[0], values: args[1] }) : query(...args);
      };
    });
    const kysely = new Kysely<any>({ dialect: new PostgresDialect({ pool }) });
    return { run: async (_name, text, values) => (await kysely.executeQuery(CompiledQuery.raw(text, values))).rows as unknown[], close: () => kysely.destroy() };
  }
  const { openPostgresJs, PostgresJsDialect } = await import('./postgres-js-dialect.ts');
  const { registerPreparedSql } = await import('../packages/server/src/db/prepared-statements.ts');
  for (const text of [SMALL_GET, ESSENTIAL_GET, ESSENTIAL_INSERT_COUNTED]) registerPreparedSql(text);
  const kysely = new Kysely<any>({ dialect: new PostgresJsDialect(openPostgresJs(url, POOL_SIZE)) });
  return { run: async (_name, text, values) => (await kysely.executeQuery(CompiledQuery.raw(text, values))).rows as unknown[], close: () => kysely.destroy() };
}

/** The statement of query `name`, for its `i`th run. */
function statement(name: QueryName, i: number, ids: string[]): [string, string, unknown[]] {
  if (name === 'small') return ['bench_small', SMALL_GET, [SMALL_ID(i)]];
  if (name === 'get') return ['bench_get', ESSENTIAL_GET, [ids[i % ids.length], ESSENTIAL_ACCOUNT, 'live']];
  const now = Date.now();
  const task = floorTask({ project: 'bench creates', attachment: 'https://cdn.example.com/1.jpg' }, now);
  return ['bench_insert', ESSENTIAL_INSERT_COUNTED, [...essentialValues(task, ESSENTIAL_PROJECT_ID, now), i % 16]];
}

function cpuMicros(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

/** `count` statements, `inflight` at a time: this process's CPU µs per statement and statements per second. */
async function roundTrips(runner: Runner, name: QueryName, count: number, inflight: number, ids: string[]) {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const [statementName, text, values] = statement(name, next++, ids);
      const rows = await runner.run(statementName, text, values);
      if (name !== 'insert' && rows.length !== 1) throw new Error(`${name}: expected one row, got ${rows.length}`);
    }
  };
  const cpuBefore = cpuMicros();
  const start = performance.now();
  await Promise.all(Array.from({ length: inflight }, worker));
  const seconds = (performance.now() - start) / 1000;
  return { cpuMicros: (cpuMicros() - cpuBefore) / count, perSecond: count / seconds };
}

/** Child: one driver's server. Answers the floor's routes and the parent's IPC commands. */
async function serve(driver: DriverName, url: string): Promise<void> {
  const runner = await openDriver(driver, url);
  const ids = ((await runner.run('bench_ids', `select id from tasks order by id limit ${SEEDED}`, [])) as unknown[]).map((row) => (Array.isArray(row) ? row[0] : (row as { id: string }).id));
  const column = (row: unknown, index: number, key: string) => (Array.isArray(row) ? row[index] : (row as Record<string, unknown>)[key]);
  const app = Fastify({ logger: { level: 'warn' } });
  app.get('/small/:id', async (request) => {
    const [row] = await runner.run('bench_small', SMALL_GET, [(request.params as { id: string }).id]);
    return Array.isArray(row) ? { id: row[0], name: row[1], n: row[2], created_at: row[3] } : row;
  });
  // Array rows answer the same wire object: the columns by position (the bench's reader knows the order).
  let getColumns: string[] | undefined;
  app.get('/task/:id', async (request) => {
    const [row] = await runner.run('bench_get', ESSENTIAL_GET, [(request.params as { id: string }).id, ESSENTIAL_ACCOUNT, 'live']);
    if (!Array.isArray(row)) return essentialAnswer(row as Record<string, unknown>);
    getColumns ??= await columnNames(url);
    return essentialAnswer(Object.fromEntries(getColumns.map((key, index) => [key, row[index]])));
  });
  app.post('/task', async (request) => {
    const now = Date.now();
    const task = floorTask(request.body as Record<string, unknown>, now);
    const [row] = await runner.run('bench_insert', ESSENTIAL_INSERT_COUNTED, [...essentialValues(task, ESSENTIAL_PROJECT_ID, now), now % 16]);
    if (Number(column(row, 0, 'n')) < 1) throw new Error('not counted');
    return task;
  });
  const listening = await app.listen({ port: 0, host: '127.0.0.1' });
  process.on('message', async (message: { id: number; cmd: string; args: unknown[] }) => {
    try {
      let result: unknown = null;
      if (message.cmd === 'cpu') result = cpuMicros();
      else if (message.cmd === 'roundtrips') {
        // A warm-up first (JIT, the statement prepared on every pooled connection), then the measured run.
        await roundTrips(runner, message.args[0] as QueryName, Math.ceil(ROUNDTRIPS / 5), INFLIGHT, ids);
        result = await roundTrips(runner, message.args[0] as QueryName, ROUNDTRIPS, INFLIGHT, ids);
      }
      else if (message.cmd === 'stop') {
        await app.close();
        await runner.close();
        process.send!({ id: message.id, result }, () => process.exit(0));
        return;
      }
      process.send!({ id: message.id, result });
    } catch (error) {
      process.send!({ id: message.id, error: String((error as Error).stack ?? error) });
    }
  });
  process.send!({ id: 0, result: { url: listening, ids } });
}

/** The joined read's column names in order (for array rows). */
async function columnNames(url: string): Promise<string[]> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(`${ESSENTIAL_GET} limit 0`, ['', '', ''])).fields.map((field) => field.name);
  } finally {
    await client.end();
  }
}

interface Child {
  url: string;
  ids: string[];
  call(cmd: string, ...args: unknown[]): Promise<any>;
  stop(): Promise<void>;
}

async function startChild(driver: DriverName, url: string): Promise<Child> {
  const child = forkChild<{ url: string; ids: string[] }>(fileURLToPath(import.meta.url), ['--serve', driver], { ...process.env, BENCH_CHILD_DATABASE_URL: url });
  return { ...(await child.ready), call: child.call, stop: child.stop };
}

async function seed(url: string): Promise<void> {
  await migrateTagwrightSchema({ databaseUrl: url });
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(ESSENTIAL_ACCOUNT_ROW);
    await client.query(ESSENTIAL_PROJECT_ROW);
    await client.query(SMALL_TABLE);
    await client.query(`insert into floor_small select 's' || i, 'row ' || i, i * 1000, ${Date.now()} from generate_series(0, ${SEEDED - 1}) i`);
    for (let i = 0; i < SEEDED; i++) {
      const [, text, values] = statement('insert', i, []);
      await client.query(text, values);
    }
    await client.query('analyze');
  } finally {
    await client.end();
  }
}

const median = (values: number[]) => percentile(ascending(values), 50);

async function main(): Promise<void> {
  const database = await createBenchDatabase();
  if (!database.url) throw new Error('Set BENCH_DATABASE_URL to a PostgreSQL server (postgres://postgres:postgres@127.0.0.1:5432/postgres).');
  const children = new Map<DriverName, Child>();
  try {
    await seed(database.url);
    for (const driver of DRIVERS) children.set(driver, await startChild(driver, database.url));
    const trips = new Map<string, Array<{ cpuMicros: number; perSecond: number }>>();
    const floors = new Map<string, Array<{ rps: number; cpuMicros: number; failures: number }>>();
    const push = <T>(map: Map<string, T[]>, key: string, value: T) => map.set(key, [...(map.get(key) ?? []), value]);
    for (let round = 0; round < ROUNDS; round++) {
      for (const query of QUERIES) for (const driver of DRIVERS) push(trips, `${query} ${driver}`, await children.get(driver)!.call('roundtrips', query));
      for (const query of QUERIES) {
        for (const driver of DRIVERS) {
          const child = children.get(driver)!;
          const run = {
            url: child.url,
            method: query === 'insert' ? ('POST' as const) : ('GET' as const),
            paths: query === 'small' ? Array.from({ length: SEEDED }, (_, i) => `/small/${SMALL_ID(i)}`) : query === 'get' ? child.ids.map((id) => `/task/${id}`) : ['/task'],
            headers: { 'content-type': 'application/json' },
            body: query === 'insert' ? JSON.stringify({ project: 'bench creates', instruction: 'Box every kitten.', attachment: 'https://cdn.example.com/1.jpg', metadata: { n: 1 } }) : undefined,
            connections: CONNECTIONS,
          };
          await generateLoad({ ...run, seconds: 1 });
          const before = await child.call('cpu');
          const figures = await generateLoad({ ...run, seconds: SECONDS });
          const cpu = ((await child.call('cpu')) - before) / Math.max(1, figures.ok);
          if (figures.failures > 0) console.log(`  (${driver} ${query}: ${figures.firstFailure})`);
          push(floors, `${query} ${driver}`, { rps: figures.rps, cpuMicros: cpu, failures: figures.failures });
        }
      }
    }
    console.log(
      `PostgreSQL drivers: node ${process.version}, ${os.cpus().length} CPUs, pool of ${POOL_SIZE} per driver, each driver's server in its own process, ` +
        `${ROUNDS} rounds, load average ${os.loadavg().map((value) => value.toFixed(1)).join(', ')} (medians over rounds; ratios against pg in the same run)`,
    );
    console.log(`\nclient CPU per round trip (${ROUNDTRIPS} statements, ${INFLIGHT} in flight):`);
    for (const query of QUERIES) {
      const base = median(trips.get(`${query} pg`)?.map((trip) => trip.cpuMicros) ?? [NaN]);
      for (const driver of DRIVERS) {
        const cpu = median(trips.get(`${query} ${driver}`)!.map((trip) => trip.cpuMicros));
        const rate = median(trips.get(`${query} ${driver}`)!.map((trip) => trip.perSecond));
        console.log(`  ${query.padEnd(7)} ${driver.padEnd(16)} ${cpu.toFixed(1).padStart(7)} µs CPU/statement  ${(base / cpu).toFixed(2)}x less than pg   ${rate.toFixed(0).padStart(6)} statements/s`);
      }
    }
    console.log(`\nbare Fastify floor, one statement per request (autocannon in its own process, ${CONNECTIONS} connections, ${SECONDS} s per run):`);
    for (const query of QUERIES) {
      const base = floors.get(`${query} pg`)?.map((run) => run.rps);
      for (const driver of DRIVERS) {
        const runs = floors.get(`${query} ${driver}`)!;
        const rps = median(runs.map((run) => run.rps));
        const ratios = base ? runs.map((run, index) => run.rps / base[index]) : [NaN];
        console.log(
          `  ${query.padEnd(7)} ${driver.padEnd(16)} ${rps.toFixed(0).padStart(6)} req/s  ${median(ratios).toFixed(2)}x pg   ${median(runs.map((run) => run.cpuMicros)).toFixed(0).padStart(4)} µs server CPU/req` +
            (runs.some((run) => run.failures > 0) ? '  (failures)' : ''),
        );
      }
    }
  } finally {
    for (const child of children.values()) await child.stop().catch(() => {});
    await database.drop();
  }
}

if (process.argv.includes('--serve')) {
  const driver = process.argv[process.argv.indexOf('--serve') + 1] as DriverName;
  serve(driver, process.env.BENCH_CHILD_DATABASE_URL!).catch((error) => {
    console.error(error);
    process.exit(1);
  });
} else {
  main().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
