import type { Kysely, SqliteDatabase } from 'kysely';

/**
 * SQLite only: where prepared reads made on the database itself (not on a transaction) run. They
 * must see every committed write and never queue behind a transaction held on the main connection
 * (reads on a transaction go through it as usual). Two connections serve them:
 * - the main connection, while it holds no transaction: it sees exactly what is committed, and its
 *   page cache stays warm across its own writes;
 * - otherwise a second, read-only connection. It never waits, but SQLite drops its whole page cache
 *   whenever another connection has written since its last read, so under a steady flow of writes
 *   every read there loads its pages afresh (measured on a 1,000,000-task database, a task read by id
 *   after a write: about 20 µs more CPU than on the main connection).
 */
interface CommittedReadConnections {
  main: SqliteDatabase;
  /** True while a transaction is open on the main connection (its uncommitted writes must not be read). */
  mainInTransaction: () => boolean;
  reader: SqliteDatabase;
}

const committedReaders = new WeakMap<object, CommittedReadConnections>();

/** Registers the connections that serve prepared reads made on `kysely` itself (not on a transaction). */
export function registerCommittedReader(kysely: Kysely<any>, connections: CommittedReadConnections): void {
  committedReaders.set(kysely, connections);
}

/**
 * The connection on which a prepared read made on `kysely` itself runs now: the main connection when
 * it holds no transaction, else the read-only one; undefined for a transaction, PostgreSQL or an
 * in-memory database. The read runs at once (synchronously), so what it sees cannot change under it.
 */
export function committedReaderOf(kysely: Kysely<any>): SqliteDatabase | undefined {
  const connections = committedReaders.get(kysely);
  if (!connections) return undefined;
  return connections.mainInTransaction() ? connections.reader : connections.main;
}

/** A select prepared on a committed-read connection whose rows are built in JS (see `prepareOnReader`). */
export interface ReaderQuery<Row> {
  all(parameters: readonly unknown[]): Row[];
}

interface RawModeStatement {
  raw(toggle: boolean): RawModeStatement;
  columns(): Array<{ name: string }>;
  all(parameters: readonly unknown[]): unknown[][];
}

/**
 * Prepares a select on a committed-read connection with rows fetched as arrays (better-sqlite3's raw
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
