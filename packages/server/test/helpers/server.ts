import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { after, before } from 'node:test';
import pg from 'pg';
import { loadConfig, type Config } from '../../src/config.ts';
import { connect } from '../../src/db/connect.ts';
import { startServer, type RunningServer } from '../../src/server.ts';
import { createTestDatabase, type TestDatabase } from './databases.ts';

export const LIVE_KEY = 'live_00000000000000000000000000000001';
export const TEST_KEY = 'test_00000000000000000000000000000001';

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
  text: string;
}

export interface RequestOptions {
  key?: string | null;
  body?: unknown;
  /** Sent as is, without JSON encoding. */
  rawBody?: string | Uint8Array | FormData;
  headers?: Record<string, string>;
  /** Authorization scheme; Basic as the Python client sends it by default. */
  scheme?: 'basic' | 'bearer';
}

export interface TestServer {
  url: string;
  server: RunningServer;
  database: TestDatabase;
  config: Config;
  /** Sends a request with the live key (unless another is given) and parses the JSON answer. */
  request<T = any>(method: string, path: string, options?: RequestOptions): Promise<ApiResponse<T>>;
  /** Creates another account and returns its live and test keys. */
  createAccount(): Promise<{ liveKey: string; testKey: string; accountId: string }>;
  close(): Promise<void>;
}

/** Starts a real server on a fresh database of the dialect, listening on a free loopback port. */
export async function startTestServer(dialect: 'sqlite' | 'postgres', env: Record<string, string> = {}): Promise<TestServer> {
  const database = await createTestDatabase(dialect);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tagwright-data-'));
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    TAGWRIGHT_DATA_DIR: dataDir,
    TAGWRIGHT_BOOTSTRAP_API_KEY: LIVE_KEY,
    TAGWRIGHT_BOOTSTRAP_TEST_API_KEY: TEST_KEY,
    TAGWRIGHT_WORKER_POLL_MS: '50',
    TAGWRIGHT_ALLOW_PRIVATE_OUTBOUND: 'true',
    LOG_LEVEL: 'silent',
    ...env,
  });
  const db = connect({ databaseUrl: database.databaseUrl, sqliteFile: database.sqliteFile });
  const server = await startServer(config, { db, logger: false });
  const url = server.url;

  async function request<T>(method: string, urlPath: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    const key = options.key === undefined ? LIVE_KEY : options.key;
    if (key !== null) {
      headers.authorization = options.scheme === 'bearer' ? `Bearer ${key}` : `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
    }
    let body: string | Uint8Array | FormData | undefined;
    if (options.rawBody !== undefined) body = options.rawBody;
    else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(url + urlPath, { method, headers, body: body as BodyInit | undefined });
    const text = await response.text();
    let parsed: any = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: response.status, body: parsed as T, headers: response.headers, text };
  }

  return {
    url,
    server,
    database,
    config,
    request,
    async createAccount() {
      const email = `owner-${Math.random().toString(16).slice(2)}@example.com`;
      const created = await server.services.accounts.createAccount({ name: 'other', adminEmail: email });
      return { liveKey: created.liveKey, testKey: created.testKey, accountId: created.account.id };
    },
    async close() {
      await server.close();
      await database.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A second server on the test server's database, as another process of a multi-node install: its
 * own data folder and memory (caches, project and name memories), the same rows. `close` stops it
 * and removes its folder; the database stays the first server's.
 */
export async function startSecondServer(first: TestServer, env: Record<string, string> = {}): Promise<RunningServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tagwright-second-'));
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', TAGWRIGHT_DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...env });
  const server = await startServer(config, { db: connect({ databaseUrl: first.database.databaseUrl, sqliteFile: first.database.sqliteFile }), logger: false });
  return {
    ...server,
    async close() {
      await server.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Deadlocks PostgreSQL detected in the test server's database so far (pg_stat_database; a backend's
 * counts reach it when its transaction ends or at the latest when it disconnects). 0 on SQLite,
 * which has no row locks.
 */
export async function deadlocksOf(server: TestServer): Promise<number> {
  if (server.database.dialect !== 'postgres') return 0;
  const client = new pg.Client({ connectionString: server.database.databaseUrl });
  await client.connect();
  try {
    const name = new URL(server.database.databaseUrl!).pathname.slice(1);
    const result = await client.query('select deadlocks from pg_stat_database where datname = $1', [name]);
    return Number(result.rows[0]?.deadlocks ?? 0);
  } finally {
    await client.end();
  }
}

/**
 * PostgreSQL: the SQL of every statement this process sends while `work` runs. Counted where pg
 * sends a query to the server (`Query.submit`), so statements Kysely runs, reads made straight on
 * the pool (db/pooled-reads.ts) and clients whose `query` db/prepared-statements.ts wrapped all
 * count: the round trips bench/statements.bench.ts counts.
 */
export async function postgresStatementsOf(work: () => Promise<void>): Promise<string[]> {
  const query = (pg as unknown as { Query: { prototype: { submit: (...args: unknown[]) => unknown; text?: string } } }).Query.prototype;
  const submit = query.submit;
  const seen: string[] = [];
  query.submit = function (this: { text?: string }, ...args: unknown[]) {
    seen.push(String(this.text));
    return submit.apply(this, args);
  };
  try {
    await work();
  } finally {
    query.submit = submit;
  }
  return seen;
}

/** A test server and a second server process on its database (another node of a multi-node install), both with `env`. */
export async function startServerPair(dialect: 'sqlite' | 'postgres', env: Record<string, string> = {}): Promise<{ server: TestServer; other: RunningServer }> {
  const server = await startTestServer(dialect, env);
  return { server, other: await startSecondServer(server, env) };
}

/** Closes what startServerPair started, the second server first (it shares the first one's database). */
export async function closeServerPair(server: TestServer | undefined, other: RunningServer | undefined): Promise<void> {
  await other?.close();
  await server?.close();
}

/** Starts one server for the enclosing suite and closes it afterwards; read `.current` inside tests. */
export function useTestServer(dialect: 'sqlite' | 'postgres', env: Record<string, string> = {}): { current: TestServer } {
  const holder = {} as { current: TestServer };
  before(async () => {
    holder.current = await startTestServer(dialect, env);
  });
  after(async () => {
    await holder.current?.close();
  });
  return holder;
}
