import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect, SqliteDialect, sql, type SqliteDatabase } from 'kysely';
import type { Database } from './schema.ts';
import { dialectHelpers, type DialectHelpers } from './dialect.ts';
import { registerCommittedReader } from './committed-reader.ts';
import { startCheckpointer } from './checkpointer.ts';
import { preparePooledStatements } from './prepared-statements.ts';
import { registerPooledReads } from './pooled-reads.ts';

// int8 (bigint) columns hold epoch milliseconds and counts, which fit a JS number exactly.
pg.types.setTypeParser(20, (value) => Number(value));

export interface Db {
  kysely: Kysely<Database>;
  dialect: DialectHelpers;
  close(): Promise<void>;
}

export interface ConnectOptions {
  databaseUrl?: string;
  /** SQLite file; ':memory:' is allowed for throwaway use. */
  sqliteFile?: string;
  poolSize?: number;
}

/** Opens the database named by the options: PostgreSQL when a URL is given, SQLite otherwise. */
export function connect(options: ConnectOptions): Db {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 10 });
    // An idle client whose connection the server ends (restart, admin kill) must not crash the process;
    // the pool drops it and the next query opens a fresh one.
    pool.on('error', (error) => process.emitWarning(`PostgreSQL idle connection lost: ${error.message}`));
    // The hot statements (compiled once) are parsed and planned once per connection.
    preparePooledStatements(pool);
    const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    // Compiled selects on the database itself skip Kysely's per-statement work (db/pooled-reads.ts).
    registerPooledReads(kysely, pool);
    return wrap(kysely, dialectHelpers('postgres'));
  }
  const file = options.sqliteFile ?? ':memory:';
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const database = new SQLite(file);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  withMd5(database);
  const main = withStatementCache(database);
  const kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database: main }) });
  if (file === ':memory:') return wrap(kysely, dialectHelpers('sqlite'));
  // A second, read-only connection for prepared point reads made while the main connection holds a
  // transaction (db/committed-reader.ts). In WAL mode it sees every committed write at once and never
  // waits for a transaction held on the main connection.
  const reader = new SQLite(file, { readonly: true });
  reader.pragma('busy_timeout = 5000');
  withMd5(reader);
  const cachedReader = withStatementCache(reader);
  registerCommittedReader(kysely, { main, mainInTransaction: () => database.inTransaction, reader: cachedReader });
  // Checkpoints run on a thread of their own, not inside a request's commit (db/checkpointer.ts).
  const checkpointer = startCheckpointer(file, database);
  return {
    kysely,
    dialect: dialectHelpers('sqlite'),
    close: async () => {
      await checkpointer.stop();
      await kysely.destroy();
      cachedReader.close();
    },
  };
}

/**
 * PostgreSQL's `md5(text)` (lowercase hex of the UTF-8 bytes) on a SQLite connection, so that the
 * task create's check of a remembered project (TaskRepository.insertUnbatchedChecked,
 * ProjectRepository.findByNameWithHistoryMd5) is the same SQL on both databases.
 */
function withMd5(database: SQLite.Database): void {
  database.function('md5', { deterministic: true }, (text) => (text === null ? null : crypto.createHash('md5').update(String(text)).digest('hex')));
}

/**
 * Kysely prepares every query afresh, and compiling a statement was the largest single cost of a
 * simple read (measured in bench/foundation.bench.ts). Reuse compiled statements by SQL text, in a
 * bounded least-recently-used map. A statement still being iterated (a streamed query) is never
 * handed out twice: a busy one is replaced by a fresh statement.
 */
function withStatementCache(database: SQLite.Database, capacity = 1000): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    prepare(sql: string) {
      let statement = cache.get(sql);
      if (statement && !statement.busy) {
        cache.delete(sql);
        cache.set(sql, statement);
        return statement;
      }
      statement = database.prepare(sql);
      cache.set(sql, statement);
      if (cache.size > capacity) cache.delete(cache.keys().next().value!);
      return statement;
    },
    close() {
      cache.clear();
      database.close();
    },
  };
}

function wrap(kysely: Kysely<Database>, dialect: DialectHelpers): Db {
  return { kysely, dialect, close: () => kysely.destroy() };
}

/** Resolves once the database answers a trivial query (GET /healthz). */
export async function ping(db: Db): Promise<void> {
  await sql`select 1`.execute(db.kysely);
}
