import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import type { Database } from './schema.ts';
import { dialectHelpers, type DialectHelpers } from './dialect.ts';

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
    return wrap(new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), dialectHelpers('postgres'));
  }
  const file = options.sqliteFile ?? ':memory:';
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const database = new SQLite(file);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  return wrap(new Kysely<Database>({ dialect: new SqliteDialect({ database }) }), dialectHelpers('sqlite'));
}

function wrap(kysely: Kysely<Database>, dialect: DialectHelpers): Db {
  return { kysely, dialect, close: () => kysely.destroy() };
}
