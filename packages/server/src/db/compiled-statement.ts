import type { Compilable, CompiledQuery, Kysely, QueryResult, SqliteDatabase } from 'kysely';
import { committedReaderOf, prepareOnReader, type ReaderQuery } from './committed-reader.ts';
import type { DialectHelpers } from './dialect.ts';
import { pooledReaderOf } from './pooled-reads.ts';
import { preparedName, registerPreparedSql } from './prepared-statements.ts';

/**
 * A query built and compiled once per SQL dialect, then run on any connection or transaction with
 * new parameter values. Building a Kysely query costs more CPU than SQLite takes to run a
 * primary-key lookup or a one-row insert, so the hottest task statements (insert, get by id,
 * counter upsert) use this. Unlike a per-repository cache it also serves repositories constructed
 * per transaction (`new TaskRepository(trx, ...)`), since the compiled form does not depend on the
 * connection.
 *
 * `build` receives the Kysely instance and one placeholder string per parameter, and must pass each
 * placeholder through as a plain bound value; one that does not come out as a bound parameter is a
 * programming error, reported when the statement is first compiled.
 *
 * With `committedReads` (selects only), a run on the database itself rather than on a transaction
 * goes, on SQLite, straight to a committed-read connection of db/committed-reader.ts (the main
 * connection when it holds no transaction, else the read-only one): it sees every committed write,
 * never waits for a transaction holding the main connection, and skips Kysely's connection
 * handling. On PostgreSQL such a run goes straight to the pool's `query` (db/pooled-reads.ts: what
 * Kysely adds per statement cost about as much as the get's own client work beyond pg). On a
 * transaction and on an in-memory database it runs as usual.
 * With `prepared`, every PostgreSQL connection prepares it once, by name (db/prepared-statements.ts):
 * for simple statements whose plan does not depend on the values (key lookups, the task insert), as
 * PostgreSQL may switch a prepared statement to one generic plan after five runs.
 */
export class CompiledStatement<Row> {
  private readonly byDialect = new Map<string, { compiled: CompiledQuery<Row>; slots: Array<number | undefined> }>();
  /** The prepared statement of this query on each committed-read connection (committedReads). */
  private readonly onReader = new WeakMap<SqliteDatabase, ReaderQuery<Row>>();

  constructor(
    private readonly arity: number,
    private readonly build: (db: Kysely<any>, ...placeholders: string[]) => Compilable<Row>,
    private readonly options: { committedReads?: boolean; prepared?: boolean } = {},
  ) {}

  /** Runs the statement on `db` (a Kysely instance or a transaction) of the named dialect. */
  async execute(db: Kysely<any>, dialect: string, args: readonly unknown[]): Promise<QueryResult<Row>> {
    let entry = this.byDialect.get(dialect);
    if (!entry) {
      const placeholders = Array.from({ length: this.arity }, (_, index) => `\u0000compiled-parameter-${index}\u0000`);
      const compiled = this.build(db, ...placeholders).compile();
      if (this.options.committedReads && compiled.query.kind !== 'SelectQueryNode') throw new Error(`CompiledStatement: committedReads is for selects only: ${compiled.sql}`);
      const slots = compiled.parameters.map((value) => {
        const index = placeholders.indexOf(value as string);
        return index === -1 ? undefined : index;
      });
      for (let index = 0; index < this.arity; index++) {
        if (!slots.includes(index)) throw new Error(`CompiledStatement: parameter ${index} is not a bound value in: ${compiled.sql}`);
      }
      entry = { compiled, slots };
      this.byDialect.set(dialect, entry);
      if (this.options.prepared) registerPreparedSql(compiled.sql);
    }
    const { compiled, slots } = entry;
    const parameters = slots.map((slot, position) => (slot === undefined ? compiled.parameters[position] : args[slot]));
    const reader = this.options.committedReads ? committedReaderOf(db) : undefined;
    if (reader) {
      let statement = this.onReader.get(reader);
      if (!statement) {
        statement = prepareOnReader<Row>(reader, compiled.sql);
        this.onReader.set(reader, statement);
      }
      return { rows: statement.all(parameters) };
    }
    const pool = this.options.committedReads ? pooledReaderOf(db) : undefined;
    if (pool) {
      const name = preparedName(compiled.sql);
      const result = await pool.query<Row & object>(name === undefined ? { text: compiled.sql, values: parameters } : { name, text: compiled.sql, values: parameters });
      return { rows: result.rows };
    }
    return db.executeQuery<Row>({ ...compiled, parameters });
  }
}

/**
 * A select of one repository, built once and run with new parameter values, as a function: the
 * hottest lookups (API key, project or batch by name, a user's leases) use this. It is a
 * CompiledStatement with committed reads: on SQLite a run on the database itself goes straight to a
 * committed-read connection, and on PostgreSQL it is a named prepared statement. `build` receives one
 * placeholder per parameter (see CompiledStatement).
 */
export function prepareQuery<Args extends readonly (string | number)[], Row>(
  /** Read when the query first runs, so a repository can pass `() => this.db` from a field initializer. */
  database: () => Kysely<any>,
  arity: Args['length'],
  build: (...placeholders: string[]) => Compilable<Row>,
): (...args: Args) => Promise<Row[]> {
  const statement = new CompiledStatement<Row>(arity, (_db, ...placeholders) => build(...placeholders), { committedReads: true, prepared: true });
  // One key: the query belongs to one repository, hence to one database and one dialect.
  return async (...args: Args) => (await statement.execute(database(), 'this database', args)).rows;
}

/**
 * `make` run once per dialect and remembered: for statements whose SQL itself differs by dialect (row
 * locks, SKIP LOCKED), which `build` cannot tell apart since it only sees the Kysely instance.
 */
export function perDialect<T>(make: (dialect: DialectHelpers) => T): (dialect: DialectHelpers) => T {
  const made = new Map<DialectHelpers['name'], T>();
  return (dialect) => {
    let entry = made.get(dialect.name);
    if (entry === undefined) {
      entry = make(dialect);
      made.set(dialect.name, entry);
    }
    return entry;
  };
}
