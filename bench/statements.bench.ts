/**
 * SQL statements per operation, on SQLite and (with BENCH_DATABASE_URL) PostgreSQL: task create
 * (live key and test key), task get, and a work-queue cycle (next, then submit or release). On
 * PostgreSQL each statement is a round trip (BEGIN and COMMIT included), which is what a create or
 * a queue cycle waits for; on SQLite each is a call into better-sqlite3 on the event loop.
 *
 *   node --import tsx bench/statements.bench.ts
 *   BENCH_DATABASE_URL=postgres://postgres:postgres@127.0.0.1:5432/postgres node --import tsx bench/statements.bench.ts
 *   BENCH_VERBOSE=1 ...     also lists each operation's statements
 *
 * Counts are of warm operations (the API key and session already seen, statements prepared): the
 * median of five of each. The server runs with TAGWRIGHT_ROLE=api, so no worker loop adds its own
 * polling statements to the counts. Not a timing benchmark: the counts do not depend on the machine.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createBenchDatabase } from './databases.ts';
import { aroundSqliteStatements } from './sqlite-statements.ts';

const LIVE_KEY = 'live_0123456789abcdef0123456789abcdef';
const TEST_KEY = 'test_0123456789abcdef0123456789abcdef';
const REPEATS = 5;
const VERBOSE = Boolean(process.env.BENCH_VERBOSE);

/** Statements run since the last reset, as their SQL text. */
const statements: string[] = [];

async function countSqlite(): Promise<void> {
  await aroundSqliteStatements((source, _kind, execute) => {
    statements.push(source);
    return execute();
  });
}

async function countPostgres(): Promise<void> {
  const { default: pg } = await import('pg');
  const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  pg.Client.prototype.query = function (this: unknown, ...args: unknown[]) {
    statements.push(typeof args[0] === 'string' ? args[0] : String((args[0] as { text?: string })?.text ?? '?'));
    return query.apply(this, args);
  } as typeof pg.Client.prototype.query;
}

interface Operation {
  name: string;
  run(): Promise<void>;
  /** The operation makes this many requests at once; its count is per request. */
  per?: number;
}

/** Creates sent at once by the concurrent create operation (the tasks bench's autocannon connections). */
const CONCURRENT_CREATES = 32;

async function measureDialect(databaseUrl: string | undefined): Promise<Map<string, { count: number; sql: string[] }>> {
  const { loadConfig } = await import('../packages/server/src/config.ts');
  const { startServer } = await import('../packages/server/src/server.ts');
  const { newId, sha256 } = await import('../packages/server/src/domain/ids.ts');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tagwright-statements-'));
  const server = await startServer(
    loadConfig({
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
      PORT: '0',
      HOST: '127.0.0.1',
      TAGWRIGHT_DATA_DIR: dataDir,
      TAGWRIGHT_ROLE: 'api',
      TAGWRIGHT_BOOTSTRAP_API_KEY: LIVE_KEY,
      TAGWRIGHT_BOOTSTRAP_TEST_API_KEY: TEST_KEY,
      TAGWRIGHT_GOLD_RATE: '0',
      LOG_LEVEL: 'warn',
    }),
    { logger: false },
  );
  const origin = server.url;
  const call = async (method: string, urlPath: string, body: unknown, headers: Record<string, string>) => {
    const response = await fetch(origin + urlPath, { method, headers: { 'content-type': 'application/json', ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
    const parsed = await response.json();
    if (response.status !== 200) throw new Error(`${method} ${urlPath}: ${response.status} ${JSON.stringify(parsed)}`);
    return parsed as any;
  };
  const basic = (key: string) => ({ authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}` });
  try {
    const project = 'statements';
    const params = { attachment: 'https://cdn.example.com/1.jpg', categories: ['cat', 'dog'] };
    const created = await call('POST', '/v1/projects', { type: 'categorization', name: project }, basic(LIVE_KEY));
    await call('POST', '/v1/projects', { type: 'categorization', name: project }, basic(TEST_KEY));
    // A signed-in labeler assigned to the project (as bench/queue.bench.ts seeds them).
    const kysely = server.services.db.kysely;
    const account = await kysely.selectFrom('accounts').select('id').executeTakeFirstOrThrow();
    const now = Date.now();
    const userId = newId(now);
    const token = crypto.randomBytes(24).toString('hex');
    const csrf = crypto.randomBytes(16).toString('hex');
    await kysely
      .insertInto('users')
      .values({ id: userId, account_id: account.id, email: 'labeler@bench.example', role: 'labeler', first_name: null, last_name: null, company: null, password_hash: null, invite_token_hash: null, invite_expires_at: null, failed_logins: 0, locked_until: null, created_at: now })
      .execute();
    await kysely.insertInto('sessions').values({ id: sha256(token), user_id: userId, account_id: account.id, csrf_token: csrf, created_at: now, expires_at: now + 86_400_000, last_seen_at: now }).execute();
    await kysely.insertInto('studio_assignments').values({ account_id: account.id, user_id: userId, project_id: created.id, created_at: now }).execute();
    const labeler = { cookie: `tw_session=${token}`, 'x-csrf-token': csrf };
    for (let index = 0; index < 4 * REPEATS + 5; index++) await call('POST', '/v1/task/categorization', { project, ...params }, basic(LIVE_KEY));

    let taskId = '';
    let lease: { lease_id: string; task_id: string } | undefined;
    const operations: Operation[] = [
      { name: 'POST /v1/task/{type} (live key)', run: async () => void (taskId = (await call('POST', '/v1/task/categorization', { project, ...params }, basic(LIVE_KEY))).task_id) },
      { name: 'POST /v1/task/{type} (live key, unique_id)', run: async () => void (await call('POST', '/v1/task/categorization', { project, ...params, unique_id: crypto.randomUUID() }, basic(LIVE_KEY))) },
      {
        name: `POST /v1/task/{type} (live key, ${CONCURRENT_CREATES} at once), per create`,
        per: CONCURRENT_CREATES,
        run: async () => void (await Promise.all(Array.from({ length: CONCURRENT_CREATES }, () => call('POST', '/v1/task/categorization', { project, ...params }, basic(LIVE_KEY))))),
      },
      { name: 'POST /v1/task/{type} (test key: completed at once)', run: async () => void (await call('POST', '/v1/task/categorization', { project, ...params }, basic(TEST_KEY))) },
      { name: 'GET /v1/task/{id}', run: async () => void (await call('GET', `/v1/task/${taskId}`, undefined, basic(LIVE_KEY))) },
      {
        name: 'GET /app/api/queue/next',
        run: async () => {
          const body = await call('GET', '/app/api/queue/next', undefined, labeler);
          lease = { lease_id: body.assignment.lease.lease_id, task_id: body.assignment.task.task_id };
        },
      },
      { name: 'POST /app/api/tasks/{id}/submit', run: async () => void (await call('POST', `/app/api/tasks/${lease!.task_id}/submit`, { lease_id: lease!.lease_id, response: { category: 'cat' }, time_spent_secs: 1 }, labeler)) },
      { name: 'GET /app/api/queue/next (again)', run: async () => void (lease = (({ assignment }) => ({ lease_id: assignment.lease.lease_id, task_id: assignment.task.task_id }))(await call('GET', '/app/api/queue/next', undefined, labeler))) },
      { name: 'POST /app/api/leases/{id}/release', run: async () => void (await call('POST', `/app/api/leases/${lease!.lease_id}/release`, {}, labeler)) },
    ];
    const counts = new Map<string, number[]>();
    const texts = new Map<string, string[]>();
    for (let repeat = 0; repeat < REPEATS; repeat++) {
      for (const operation of operations) {
        statements.length = 0;
        await operation.run();
        const list = counts.get(operation.name) ?? [];
        list.push(statements.length / (operation.per ?? 1));
        counts.set(operation.name, list);
        if (repeat === REPEATS - 1) texts.set(operation.name, [...statements]);
      }
    }
    const result = new Map<string, { count: number; sql: string[] }>();
    for (const [name, list] of counts) result.set(name, { count: [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)], sql: texts.get(name)! });
    return result;
  } finally {
    await server.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** A count as is, or with two decimals when it is per request of a concurrent operation. */
function formatCount(count: number): string {
  return Number.isInteger(count) ? String(count) : count.toFixed(2);
}

async function main(): Promise<void> {
  const database = await createBenchDatabase();
  try {
    // One process per dialect would be cleaner; both instrumentations only count, so they coexist.
    await countSqlite();
    if (database.url) await countPostgres();
    const sides: Array<[string, Map<string, { count: number; sql: string[] }>]> = [['SQLite', await measureDialect(undefined)]];
    if (database.url) sides.push(['PostgreSQL', await measureDialect(database.url)]);
    console.log(`statements per operation (median of ${REPEATS} warm operations; PostgreSQL: round trips, BEGIN/COMMIT included)`);
    console.log(`${'operation'.padEnd(52)} ${sides.map(([name]) => name.padStart(11)).join(' ')}`);
    const [, first] = sides[0];
    for (const name of first.keys()) console.log(`${name.padEnd(52)} ${sides.map(([, counts]) => formatCount(counts.get(name)!.count).padStart(11)).join(' ')}`);
    const cycle = (counts: Map<string, { count: number }>) =>
      (9 * (counts.get('GET /app/api/queue/next')!.count + counts.get('POST /app/api/tasks/{id}/submit')!.count) + counts.get('GET /app/api/queue/next (again)')!.count + counts.get('POST /app/api/leases/{id}/release')!.count) / 10;
    console.log(`${'queue cycle (next + submit 9 in 10, release 1 in 10)'.padEnd(52)} ${sides.map(([, counts]) => cycle(counts).toFixed(1).padStart(11)).join(' ')}`);
    if (VERBOSE) {
      for (const [dialect, counts] of sides) {
        for (const [name, { sql }] of counts) {
          console.log(`\n${dialect}: ${name}`);
          for (const text of sql) console.log(`  ${text.replace(/\s+/g, ' ').slice(0, 220)}`);
        }
      }
    }
  } finally {
    await database.drop();
  }
}

await main();
