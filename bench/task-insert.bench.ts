/**
 * Task insert benchmark (SQLite, no HTTP): the CPU time of the database work of one task create and
 * one task get, in a loop on one better-sqlite3 connection, on the tasks floor's one-table schema
 * (bench/baselines.ts: a primary key only) and on Tagwright's own schema (its migrations: every task
 * index, foreign keys on, the counter upsert into task_counts). It measures what part of the gap
 * between the HTTP floor and Tagwright (bench/tasks.bench.ts) is database work Tagwright's data model
 * needs, with far less noise than req/s on a shared machine: no sockets, no event loop, and the
 * variants alternate round by round.
 *
 *   node --import tsx bench/task-insert.bench.ts          (from the repository root)
 *   BENCH_TASKS=20000 BENCH_GROUP=16 BENCH_ROUNDS=3 node --import tsx bench/task-insert.bench.ts
 *
 * Variants (each on a copy of a database already holding BENCH_WARM tasks):
 * - floor: the floor's table, one INSERT per task;
 * - Tagwright: its schema as migrated, task insert (ON CONFLICT on the unique_id index) and counter upsert;
 * - Tagwright before 0018: the same with the two batch_id indexes over every task (the schema before
 *   migration 0018 made them partial), to show that cut alone;
 * each committed one create per transaction (as the HTTP floors do) and BENCH_GROUP creates per
 * transaction (as Tagwright's grouped commits do under load). Gets: the floor's select by primary
 * key against Tagwright's read scoped to account and environment, joined with the project and batch names.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { connect } from '../packages/server/src/db/connect.ts';
import { migrateToLatest } from '../packages/server/src/db/migrate.ts';
import { newId } from '../packages/server/src/domain/ids.ts';
import { ascending, percentile } from './stats.ts';

const TASKS = Number(process.env.BENCH_TASKS ?? 20_000);
const WARM = Number(process.env.BENCH_WARM ?? 20_000);
const GROUP = Number(process.env.BENCH_GROUP ?? 16);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

const TASK_COLUMNS = [
  'id', 'account_id', 'environment', 'project_id', 'batch_id', 'type', 'status', 'work_state', 'instruction', 'params',
  'callback_url', 'callback_succeeded', 'response', 'metadata', 'unique_id', 'tags', 'priority', 'project_param_version',
  'customer_review_status', 'customer_review_comments', 'prior_responses', 'audits', 'created_at', 'updated_at', 'completed_at',
];
const FLOOR_COLUMNS = ['id', 'type', 'status', 'project', 'instruction', 'params', 'callback_url', 'metadata', 'project_param_version', 'created_at', 'updated_at'];
// The bench's create (bench/tasks.bench.ts) as stored: the project's parameters merged in.
const PARAMS = JSON.stringify({ attachment_type: 'image', attachment: 'https://cdn.example.com/img/1.jpg', geometries: { box: { objects_to_annotate: ['kitten'], min_height: 10, min_width: 10 } } });
const INSTRUCTION = 'Use tight boxes.\n\nBox every kitten.';
const METADATA = JSON.stringify({ source: 'bench' });
const BEFORE_0018 = [
  'drop index tasks_batch_recent',
  'drop index tasks_batch_status',
  'create index tasks_batch_recent on tasks (batch_id, created_at, id)',
  'create index tasks_batch_status on tasks (batch_id, status)',
];

interface Variant {
  name: string;
  /** Opens the variant's database (a fresh copy) and returns one create and one get by id. */
  open(file: string): { create(now: number): string; get(id: string): unknown; database: Database.Database };
}

function tagwrightVariant(name: string, ddl: string[]): Variant {
  return {
    name,
    open(file) {
      const database = new Database(file);
      database.pragma('journal_mode = WAL');
      database.pragma('synchronous = NORMAL');
      database.pragma('foreign_keys = ON');
      for (const statement of ddl) database.exec(statement);
      const insert = database.prepare(`insert into tasks (${TASK_COLUMNS.join(', ')}) values (${TASK_COLUMNS.map(() => '?').join(', ')}) on conflict (account_id, environment, unique_id) do nothing`);
      const count = database.prepare(
        "insert into task_counts (account_id, environment, project_id, batch_key, type, status, shard, n) values ('acc', 'live', 'prj', '', 'imageannotation', 'pending', 0, 1) " +
          'on conflict (account_id, environment, project_id, batch_key, type, status, shard) do update set n = task_counts.n + excluded.n',
      );
      const byId = database
        .prepare(
          'select t.*, p.name as project_name, b.name as batch_name from tasks t inner join projects p on p.id = t.project_id ' +
            'left join batches b on b.id = t.batch_id where t.id = ? and t.account_id = ? and t.environment = ?',
        )
        .raw(true);
      return {
        database,
        create(now) {
          const id = newId(now);
          insert.run([id, 'acc', 'live', 'prj', null, 'imageannotation', 'pending', 'queued', INSTRUCTION, PARAMS, 'https://receiver.example/scale', null, null, METADATA, null, null, null, 0, null, null, null, null, now, now, null]);
          count.run();
          return id;
        },
        get: (id) => byId.get(id, 'acc', 'live'),
      };
    },
  };
}

const floorVariant: Variant = {
  name: 'floor (one table, primary key only)',
  open(file) {
    const database = new Database(file);
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = NORMAL');
    const insert = database.prepare(`insert into floor_tasks (${FLOOR_COLUMNS.join(', ')}) values (${FLOOR_COLUMNS.map(() => '?').join(', ')})`);
    const byId = database.prepare('select * from floor_tasks where id = ?').raw(true);
    return {
      database,
      create(now) {
        const id = newId(now);
        insert.run([id, 'imageannotation', 'pending', 'bench creates', INSTRUCTION, PARAMS, 'https://receiver.example/scale', METADATA, 0, now, now]);
        return id;
      },
      get: (id) => byId.get(id),
    };
  },
};

/** CPU time of this process in microseconds. */
function cpu(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

/** µs of CPU per create with `perCommit` creates per transaction, and per get of the created tasks in random order. */
function measureVariant(variant: Variant, template: string, perCommit: number): { create: number; get: number } {
  const file = path.join(path.dirname(template), `run-${process.pid}-${Math.random().toString(16).slice(2)}.sqlite`);
  fs.copyFileSync(template, file);
  const { database, create, get } = variant.open(file);
  const begin = database.prepare('begin');
  const commit = database.prepare('commit');
  const ids: string[] = [];
  let started = cpu();
  for (let done = 0; done < TASKS; done += perCommit) {
    begin.run();
    for (let index = 0; index < perCommit; index++) ids.push(create(Date.now()));
    commit.run();
  }
  const createMicros = (cpu() - started) / ids.length;
  started = cpu();
  for (let index = 0; index < ids.length; index++) get(ids[(index * 7919) % ids.length]);
  const getMicros = (cpu() - started) / ids.length;
  database.close();
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(file + suffix, { force: true });
  return { create: createMicros, get: getMicros };
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tagwright-insert-bench-'));
  try {
    // Templates: Tagwright's schema from its own migrations with an account, a project and WARM tasks; the floor's table with as many rows.
    const tagwrightFile = path.join(dir, 'tagwright.sqlite');
    const db = connect({ sqliteFile: tagwrightFile });
    await migrateToLatest(db);
    await db.close();
    const floorFile = path.join(dir, 'floor.sqlite');
    const floor = new Database(floorFile);
    floor.pragma('journal_mode = WAL');
    floor.exec('create table floor_tasks (id text primary key, type text not null, status text not null, project text not null, instruction text, params text not null, callback_url text, metadata text not null, project_param_version integer, created_at integer not null, updated_at integer not null)');
    floor.close();
    const seed = (variant: Variant, file: string) => {
      const { database, create } = variant.open(file);
      database.transaction(() => {
        for (let index = 0; index < WARM; index++) create(Date.now() - WARM + index);
      })();
      database.pragma('wal_checkpoint(TRUNCATE)');
      database.close();
    };
    const tagwright = tagwrightVariant("Tagwright's schema (migrated)", []);
    const seeder = new Database(tagwrightFile);
    seeder.exec("insert into accounts (id, name, callback_auth_key_live, callback_auth_key_test, created_at) values ('acc', 'bench', 'x', 'y', 0)");
    seeder.exec("insert into projects (id, account_id, environment, name, type, param_history, created_at, updated_at) values ('prj', 'acc', 'live', 'bench creates', 'imageannotation', '[]', 0, 0)");
    seeder.close();
    seed(tagwright, tagwrightFile);
    seed(floorVariant, floorFile);

    const variants: Array<[Variant, string]> = [
      [floorVariant, floorFile],
      [tagwright, tagwrightFile],
      [tagwrightVariant("Tagwright's schema before 0018", BEFORE_0018), tagwrightFile],
    ];
    const figures = new Map<string, { create: number[]; get: number[] }>();
    for (let round = 0; round < ROUNDS; round++) {
      for (const perCommit of [1, GROUP]) {
        for (const [variant, template] of variants) {
          const key = `${variant.name}, ${perCommit === 1 ? 'one create' : `${perCommit} creates`} per transaction`;
          const result = measureVariant(variant, template, perCommit);
          const entry = figures.get(key) ?? { create: [], get: [] };
          entry.create.push(result.create);
          entry.get.push(result.get);
          figures.set(key, entry);
        }
      }
    }
    const median = (values: number[]) => percentile(ascending(values), 50);
    console.log(
      `task insert benchmark (SQLite, one connection, no HTTP): node ${process.version}, ${os.cpus().length} CPUs, ${TASKS.toLocaleString('en')} creates per run on ${WARM.toLocaleString('en')} tasks, ` +
        `${ROUNDS} rounds (medians; every round's figures in brackets); load average ${os.loadavg().map((value) => value.toFixed(1)).join(', ')}`,
    );
    const floorOf = (key: string) => figures.get(key.replace(/^[^,]*\(one table, primary key only\)|^Tagwright's schema[^,]*/, floorVariant.name))!;
    for (const [key, entry] of figures) {
      const base = floorOf(key);
      const create = median(entry.create);
      const ratio = create / median(base.create);
      console.log(`  create, ${key.padEnd(78)} ${create.toFixed(1).padStart(6)} µs CPU  ${ratio.toFixed(2)}x floor  [${entry.create.map((value) => value.toFixed(1)).join(', ')}]`);
    }
    const floorGet = figures.get(`${floorVariant.name}, one create per transaction`)!.get;
    const tagwrightGet = figures.get(`${tagwright.name}, one create per transaction`)!.get;
    console.log(`  get by id, floor (select * by primary key)                    ${median(floorGet).toFixed(1).padStart(6)} µs CPU  [${floorGet.map((value) => value.toFixed(1)).join(', ')}]`);
    console.log(
      `  get by id, Tagwright (scoped, joined with project and batch)   ${median(tagwrightGet).toFixed(1).padStart(6)} µs CPU  ${(median(tagwrightGet) / median(floorGet)).toFixed(2)}x floor  [${tagwrightGet.map((value) => value.toFixed(1)).join(', ')}]`,
    );
    console.log(`load average at the end: ${os.loadavg().map((value) => value.toFixed(1)).join(', ')}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
