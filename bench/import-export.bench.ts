/**
 * Import/export benchmark, in one run:
 *
 *  1. Bulk import: `tagwright import` of BENCH_IMPORT_TASKS (100,000) JSONL task bodies into a fresh
 *     SQLite database, against the baseline of raw better-sqlite3 inserting the same task rows (same
 *     table, same indexes, one prepared statement, one transaction, rows built beforehand).
 *     Target: import rate >= 0.4x raw.
 *  2. Streaming export: `tagwright export --format jsonl` of BENCH_EXPORT_TASKS (1,000,000) completed
 *     tasks with box responses, and of a tenth as many from a second database, each in its own child
 *     process whose peak RSS (process.resourceUsage().maxRSS) is read when it exits.
 *     Targets: >= 50,000 tasks/s on 1,000,000; peak RSS < 300 MB and <= 1.1x the RSS for 100,000.
 *
 *   node --import tsx bench/import-export.bench.ts                 (from the repository root)
 *   BENCH_ROUNDS=3 BENCH_IMPORT_TASKS=100000 BENCH_EXPORT_TASKS=1000000 node --import tsx bench/import-export.bench.ts
 *
 * The import and export rates are the CLI's own figures (`--json` reports elapsed_ms for the work
 * itself, from opening the input to the last write); the wall time of the child process, with Node
 * start-up (the compiled CLI, packages/server/dist) and the schema check, is printed next to them. Raw and import rounds alternate and
 * the best of each is compared, so that load from other processes on the machine hits both alike.
 * Rates per CPU-second (the CLI's cpu_ms; process.cpuUsage around the raw transaction) are printed
 * too: on a shared machine they move less with other processes' load than rates per wall second.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import SQLite from 'better-sqlite3';
import { connect, type Db } from '../packages/server/src/db/connect.ts';
import { migrateToLatest } from '../packages/server/src/db/migrate.ts';
import { createServices } from '../packages/server/src/services/container.ts';
import { loadConfig } from '../packages/server/src/config.ts';
import { TaskRepository, type NewTask } from '../packages/server/src/repositories/task.repository.ts';
import { newId } from '../packages/server/src/domain/ids.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const IMPORT_TASKS = Number(process.env.BENCH_IMPORT_TASKS ?? 100_000);
const EXPORT_TASKS = Number(process.env.BENCH_EXPORT_TASKS ?? 1_000_000);
const SMALL_EXPORT_TASKS = Math.round(EXPORT_TASKS / 10);
const BIN = fileURLToPath(new URL('../packages/server/bin/tagwright.js', import.meta.url));
const GEOMETRIES = { box: { objects_to_annotate: ['car', 'person', 'bike'] } };
// Reports the child's peak resident set size as it exits (maxRSS is in kilobytes).
const REPORT_RSS = `data:text/javascript,process.on('exit',()=>process.stderr.write('\\nBENCH_MAX_RSS_KB='+process.resourceUsage().maxRSS+'\\n'))`;

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tagwright-bench-io-'));
const format = (value: number) => Math.round(value).toLocaleString('en-US');

interface Workspace {
  dir: string;
  accountId: string;
}

/** A fresh data folder with the schema, an account and a project named `bench`. */
async function workspace(name: string): Promise<Workspace & { db: Db }> {
  const dir = path.join(scratch, name);
  const db = connect({ sqliteFile: path.join(dir, 'tagwright.sqlite') });
  await migrateToLatest(db);
  const services = createServices(loadConfig({ TAGWRIGHT_DATA_DIR: dir }), db);
  const { account } = await services.accounts.createAccount({ name, adminEmail: `${name}@bench.test` });
  const caller = { account, environment: 'live' as const, keyId: '' };
  await services.projects.create(caller, { type: 'imageannotation', name: 'bench', params: { geometries: GEOMETRIES } });
  return { dir, accountId: account.id, db };
}

interface ChildResult {
  json: any;
  wallMs: number;
  maxRssKb: number;
}

/** Runs `tagwright --json <args>` on the data folder in a child process. */
function tagwright(dir: string, args: string[]): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, TAGWRIGHT_DATA_DIR: dir, LOG_LEVEL: 'silent' };
    delete env.DATABASE_URL;
    const started = performance.now();
    const child = spawn(process.execPath, ['--import', REPORT_RSS, BIN, '--json', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = performance.now() - started;
      if (code !== 0) return reject(new Error(`tagwright ${args.join(' ')} exited with ${code}: ${stderr}`));
      const rss = /BENCH_MAX_RSS_KB=(\d+)/.exec(stderr);
      resolve({ json: JSON.parse(stdout), wallMs, maxRssKb: rss ? Number(rss[1]) : NaN });
    });
  });
}

// ---------------------------------------------------------------------------------------------
// 1. Import against raw inserts.

const TASK_COLUMNS = [
  'id', 'account_id', 'environment', 'project_id', 'batch_id', 'type', 'status', 'work_state', 'instruction', 'params',
  'callback_url', 'callback_succeeded', 'response', 'metadata', 'unique_id', 'tags', 'priority', 'project_param_version',
  'customer_review_status', 'customer_review_comments', 'prior_responses', 'audits', 'created_at', 'updated_at', 'completed_at',
];

function importBody(index: number): Record<string, unknown> {
  return {
    type: 'imageannotation',
    project: 'bench',
    attachment: `https://cdn.example.com/bench/${index}.jpg`,
    unique_id: `bench-${index}`,
    metadata: { width: 1280, height: 720, source: 'camera-3', index },
  };
}

/** Raw better-sqlite3: the rows `tagwright import` writes for the same bodies, inserted by one prepared statement in one transaction. */
async function rawInsertRate(round: number): Promise<{ rate: number; cpuRate: number }> {
  const space = await workspace(`raw-${round}`);
  const project = await space.db.kysely.selectFrom('projects').select('id').executeTakeFirstOrThrow();
  await space.db.close();
  const database = new SQLite(path.join(space.dir, 'tagwright.sqlite'));
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  const insert = database.prepare(`insert into tasks (${TASK_COLUMNS.join(', ')}) values (${TASK_COLUMNS.map(() => '?').join(', ')})`);
  const now = Date.now();
  const rows = Array.from({ length: IMPORT_TASKS }, (_, index) => {
    const { type, project: _project, unique_id, metadata, ...params } = importBody(index);
    return [
      newId(now + index), space.accountId, 'live', project.id, null, type, 'pending', 'queued', null, JSON.stringify({ ...params, geometries: GEOMETRIES }),
      null, null, null, JSON.stringify(metadata), unique_id, null, null, 0, null, null, null, null, now + index, now + index, null,
    ];
  });
  const started = performance.now();
  const cpu = process.cpuUsage();
  database.transaction(() => {
    for (const row of rows) insert.run(row);
  })();
  const elapsed = performance.now() - started;
  const used = process.cpuUsage(cpu);
  database.close();
  fs.rmSync(space.dir, { recursive: true, force: true });
  return { rate: (IMPORT_TASKS / elapsed) * 1000, cpuRate: IMPORT_TASKS / ((used.user + used.system) / 1e6) };
}

async function importRun(round: number, file: string): Promise<{ rate: number; cpuRate: number; wallMs: number; created: number }> {
  const space = await workspace(`import-${round}`);
  await space.db.close();
  const result = await tagwright(space.dir, ['import', file, '--account', space.accountId, '--env', 'live', '--no-progress']);
  fs.rmSync(space.dir, { recursive: true, force: true });
  if (result.json.created !== IMPORT_TASKS) throw new Error(`import created ${result.json.created} of ${IMPORT_TASKS} tasks`);
  return { rate: (IMPORT_TASKS / result.json.elapsed_ms) * 1000, cpuRate: (IMPORT_TASKS / result.json.cpu_ms) * 1000, wallMs: result.wallMs, created: result.json.created };
}

// ---------------------------------------------------------------------------------------------
// 2. Export.

/** `count` completed imageannotation tasks with three boxes each, written through the task repository (counters included). */
async function seedExport(name: string, count: number): Promise<Workspace> {
  const space = await workspace(name);
  const project = await space.db.kysely.selectFrom('projects').select('id').executeTakeFirstOrThrow();
  const start = Date.now() - count;
  const started = performance.now();
  await space.db.kysely.transaction().execute(async (trx) => {
    const repository = new TaskRepository(trx, space.db.dialect);
    for (let offset = 0; offset < count; offset += 10_000) {
      const tasks: NewTask[] = [];
      for (let index = offset; index < Math.min(count, offset + 10_000); index++) {
        const at = start + index;
        tasks.push({
          id: newId(at), account_id: space.accountId, environment: 'live', project_id: project.id, batch_id: null, type: 'imageannotation',
          status: 'completed', work_state: 'completed', instruction: null,
          params: { attachment: `https://cdn.example.com/bench/${index}.jpg`, geometries: GEOMETRIES },
          callback_url: null, callback_succeeded: null,
          response: {
            annotations: [
              { type: 'box', label: 'car', left: index % 500, top: 40, width: 120, height: 80, uuid: `a${index}` },
              { type: 'box', label: 'person', left: 600, top: 100 + (index % 200), width: 40, height: 110, uuid: `b${index}` },
              { type: 'box', label: 'bike', left: 900, top: 400, width: 90, height: 60, uuid: `c${index}` },
            ],
          },
          metadata: { width: 1280, height: 720, index }, unique_id: `seed-${index}`, tags: null, priority: null, project_param_version: 0,
          customer_review_status: null, customer_review_comments: null, prior_responses: null, audits: null,
          created_at: at, updated_at: at, completed_at: at,
        });
      }
      await repository.insertMany(tasks);
    }
  });
  console.log(`  seeded ${format(count)} tasks in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  await space.db.close();
  return space;
}

async function exportRun(space: Workspace, expected: number): Promise<{ rate: number; cpuRate: number; wallMs: number; rssMb: number }> {
  const out = path.join(space.dir, 'export.jsonl');
  const result = await tagwright(space.dir, ['export', '--account', space.accountId, '--env', 'live', '--format', 'jsonl', '--out', out, '--no-progress']);
  if (result.json.tasks !== expected) throw new Error(`export wrote ${result.json.tasks} of ${expected} tasks`);
  const lines = await countLines(out);
  if (lines !== expected) throw new Error(`the export file has ${lines} lines, expected ${expected}`);
  fs.rmSync(out);
  return { rate: (expected / result.json.elapsed_ms) * 1000, cpuRate: (expected / result.json.cpu_ms) * 1000, wallMs: result.wallMs, rssMb: result.maxRssKb / 1024 };
}

async function countLines(file: string): Promise<number> {
  let lines = 0;
  for await (const chunk of fs.createReadStream(file)) for (const byte of chunk as Buffer) if (byte === 10) lines += 1;
  return lines;
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  console.log(`Import/export benchmark: Node ${process.version}, ${os.cpus().length} CPUs, load average ${os.loadavg().map((value) => value.toFixed(1)).join(' ')}`);

  console.log(`\n1. Import of ${format(IMPORT_TASKS)} tasks (${ROUNDS} alternating rounds, best of each)`);
  const file = path.join(scratch, 'import.jsonl');
  fs.writeFileSync(file, Array.from({ length: IMPORT_TASKS }, (_, index) => JSON.stringify(importBody(index))).join('\n') + '\n');
  let bestRaw = 0;
  let bestImport = 0;
  let bestRawCpu = 0;
  let bestImportCpu = 0;
  for (let round = 1; round <= ROUNDS; round++) {
    const raw = await rawInsertRate(round);
    const imported = await importRun(round, file);
    bestRaw = Math.max(bestRaw, raw.rate);
    bestImport = Math.max(bestImport, imported.rate);
    bestRawCpu = Math.max(bestRawCpu, raw.cpuRate);
    bestImportCpu = Math.max(bestImportCpu, imported.cpuRate);
    console.log(
      `  round ${round}: raw better-sqlite3 ${format(raw.rate)} rows/s (${format(raw.cpuRate)} per CPU-s); ` +
        `tagwright import ${format(imported.rate)} tasks/s (${format(imported.cpuRate)} per CPU-s; child process wall time ${(imported.wallMs / 1000).toFixed(1)} s)`,
    );
  }
  const importRatio = bestImport / bestRaw;

  console.log(`\n2. JSONL export of ${format(EXPORT_TASKS)} and ${format(SMALL_EXPORT_TASKS)} completed tasks (3 boxes each)`);
  const big = await seedExport('export-big', EXPORT_TASKS);
  const small = await seedExport('export-small', SMALL_EXPORT_TASKS);
  const smallRun = await exportRun(small, SMALL_EXPORT_TASKS);
  console.log(`  ${format(SMALL_EXPORT_TASKS)} tasks: ${format(smallRun.rate)} tasks/s (${format(smallRun.cpuRate)} per CPU-s), peak RSS ${smallRun.rssMb.toFixed(0)} MB (wall ${(smallRun.wallMs / 1000).toFixed(1)} s)`);
  const bigRun = await exportRun(big, EXPORT_TASKS);
  console.log(`  ${format(EXPORT_TASKS)} tasks: ${format(bigRun.rate)} tasks/s (${format(bigRun.cpuRate)} per CPU-s), peak RSS ${bigRun.rssMb.toFixed(0)} MB (wall ${(bigRun.wallMs / 1000).toFixed(1)} s)`);
  const rssRatio = bigRun.rssMb / smallRun.rssMb;

  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
  console.log('\nSummary');
  console.log(`  import: ${format(bestImport)} tasks/s vs raw ${format(bestRaw)} rows/s = ${importRatio.toFixed(2)}x (target >= 0.4x: ${verdict(importRatio >= 0.4)})`);
  console.log(`          per CPU-second: ${format(bestImportCpu)} vs ${format(bestRawCpu)} = ${(bestImportCpu / bestRawCpu).toFixed(2)}x`);
  console.log(`  export ${format(EXPORT_TASKS)} to JSONL: ${format(bigRun.rate)} tasks/s, ${format(bigRun.cpuRate)} per CPU-second (target >= 50,000: ${verdict(bigRun.rate >= 50_000)})`);
  console.log(`  export peak RSS: ${bigRun.rssMb.toFixed(0)} MB for ${format(EXPORT_TASKS)} (target < 300 MB: ${verdict(bigRun.rssMb < 300)}), ` +
    `${smallRun.rssMb.toFixed(0)} MB for ${format(SMALL_EXPORT_TASKS)}: ratio ${rssRatio.toFixed(2)} (target <= 1.10: ${verdict(rssRatio <= 1.1)})`);
  console.log(`  load average at the end: ${os.loadavg().map((value) => value.toFixed(1)).join(' ')}`);
}

try {
  await main();
} finally {
  fs.rmSync(scratch, { recursive: true, force: true });
}
