import type { Kysely, SqliteDatabase } from 'kysely';

/**
 * SQLite only: a second, read-only connection per database. Prepared reads made on the database
 * itself (not on a transaction) run there: they see every committed write and never queue behind a
 * transaction holding the main connection. Reads on a transaction go through it as usual.
 */
const committedReaders = new WeakMap<object, SqliteDatabase>();

/** Registers the read-only connection that serves prepared reads made on `kysely` itself (not on a transaction). */
export function registerCommittedReader(kysely: Kysely<any>, reader: SqliteDatabase): void {
  committedReaders.set(kysely, reader);
}

/** The read-only connection registered for `kysely` itself; undefined for a transaction, PostgreSQL or an in-memory database. */
export function committedReaderOf(kysely: Kysely<any>): SqliteDatabase | undefined {
  return committedReaders.get(kysely);
}

/** A select prepared on a read-only connection whose rows are built in JS (see `prepareOnReader`). */
export interface ReaderQuery<Row> {
  all(parameters: readonly unknown[]): Row[];
}

interface RawModeStatement {
  raw(toggle: boolean): RawModeStatement;
  columns(): Array<{ name: string }>;
  all(parameters: readonly unknown[]): unknown[][];
}

/**
 * Prepares a select on the read-only connection with rows fetched as arrays (better-sqlite3's raw
 * mode) and made into objects here: better-sqlite3 builds a row object column by column in C++,
 * which cost more than the lookup itself (a 27-column task row: 14.6 -> 11.2 µs per lookup by id).
 * The rows are the same objects otherwise. The SQL gets a comment so that the statement cache never
 * hands this raw-mode statement to a caller expecting object rows.
 */
export function prepareOnReader<Row>(reader: SqliteDatabase, sql: string): ReaderQuery<Row> {
  const statement = (reader.prepare(`${sql} /* rows as arrays */`) as unknown as RawModeStatement).raw(true);
  const names = statement.columns().map((column) => column.name);
  return {
    all(parameters) {
      return statement.all(parameters).map((values) => {
        const row: Record<string, unknown> = {};
        for (let index = 0; index < names.length; index++) row[names[index]] = values[index];
        return row as Row;
      });
    },
  };
}
