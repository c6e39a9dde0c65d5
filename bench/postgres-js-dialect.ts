import postgres from 'postgres';
import {
  CompiledQuery,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import { isPreparedSql } from '../packages/server/src/db/prepared-statements.ts';

/**
 * Kysely on postgres.js (the `postgres` package) rather than node-postgres (`pg`): the candidate
 * bench/pg-drivers.bench.ts measures against Tagwright's pg setup (`postgres-kysely`). Not adopted:
 * measured, it did not spend less client CPU per round trip than pg on the task get's joined read
 * or the create's insert (docs/tasks.md, "PostgreSQL driver"). It is written as a switch would need
 * it (node-postgres's values, transactions, savepoints, bounded prepared statements), so the
 * comparison is with a usable dialect, and a later postgres.js can be measured again. Queries outside a transaction go to
 * the pool as a whole, which pipelines them on its connections; a transaction reserves one
 * connection from its BEGIN to its COMMIT or ROLLBACK (so Kysely's acquire/release costs nothing for
 * a lone statement).
 *
 * Prepared statements: postgres.js prepares a statement by name per connection, and runs one it has
 * not prepared with an extra round trip (it asks the server for the parameter types before binding).
 * So the statements registered in db/prepared-statements.ts and the first MAX_PREPARED other texts
 * this process runs are prepared; later new texts (list filters with ever new IN-list lengths) run
 * unnamed, so a connection never holds more than registered + MAX_PREPARED statements. PostgreSQL
 * may switch a prepared statement to one generic plan after five runs, which a statement whose best
 * plan depends on its values (the queue's claims) must not get: connections run with
 * `plan_cache_mode = force_custom_plan`, so every statement is still planned for its values, as
 * node-postgres's unnamed statements were; preparing saves the parse and the extra round trip.
 */
const MAX_PREPARED = 500;
const preparedTexts = new Set<string>();

function shouldPrepare(text: string): boolean {
  if (preparedTexts.has(text) || isPreparedSql(text)) return true;
  if (preparedTexts.size >= MAX_PREPARED) return false;
  preparedTexts.add(text);
  return true;
}

/** Opens a postgres.js pool whose values match node-postgres's as Tagwright relied on them. */
export function openPostgresJs(databaseUrl: string, poolSize: number): postgres.Sql {
  return postgres(databaseUrl, {
    max: poolSize,
    connection: { plan_cache_mode: 'force_custom_plan' },
    // node-postgres dropped NOTICE messages (`create table if not exists` on an existing table); so do we.
    onnotice: () => {},
    types: {
      // int8 (bigint) columns hold epoch milliseconds and counts, which fit a JS number exactly.
      int8: { to: 20, from: [20], serialize: (value: unknown) => String(value), parse: (value: string) => Number(value) },
      // A string bound to a json/jsonb parameter is JSON text already (node-postgres sent it as is);
      // only other values are encoded.
      json: {
        to: 114,
        from: [114, 3802],
        serialize: (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value)),
        parse: (value: string) => JSON.parse(value),
      },
      // Booleans may be bound as 1/0 (SQLite's form); node-postgres sent them as text, which PostgreSQL reads.
      bool: { to: 16, from: [16], serialize: (value: unknown) => (value === true ? 't' : value === false ? 'f' : String(value)), parse: (value: string) => value === 't' },
    },
  });
}

export class PostgresJsDialect implements Dialect {
  constructor(private readonly sql: postgres.Sql) {}
  createAdapter(): DialectAdapter {
    return new PostgresAdapter();
  }
  createDriver(): Driver {
    return new PostgresJsDriver(this.sql);
  }
  createQueryCompiler(): QueryCompiler {
    return new PostgresQueryCompiler();
  }
  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new PostgresIntrospector(db);
  }
}

class PostgresJsConnection implements DatabaseConnection {
  /** The connection reserved for a transaction, from BEGIN to release; none for lone statements. */
  reserved: postgres.ReservedSql | undefined;

  constructor(private readonly sql: postgres.Sql) {}

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const target = this.reserved ?? this.sql;
    try {
      const result = await target.unsafe(compiled.sql, compiled.parameters as postgres.ParameterOrJSON<never>[], { prepare: shouldPrepare(compiled.sql) });
      const command = result.command;
      const changed = command === 'INSERT' || command === 'UPDATE' || command === 'DELETE' || command === 'MERGE';
      return { rows: result as unknown as R[], numAffectedRows: changed ? BigInt(result.count) : undefined };
    } catch (error) {
      // Kysely's drivers add the caller's stack: postgres.js's error stack ends in its socket handler.
      if (error instanceof Error) error.stack = `${error.stack}\n${new Error().stack?.split('\n').slice(1).join('\n')}`;
      throw error;
    }
  }

  async *streamQuery<R>(compiled: CompiledQuery, chunkSize = 100): AsyncIterableIterator<QueryResult<R>> {
    const target = this.reserved ?? this.sql;
    const cursor = target.unsafe(compiled.sql, compiled.parameters as postgres.ParameterOrJSON<never>[]).cursor(chunkSize);
    for await (const rows of cursor) yield { rows: rows as unknown as R[] };
  }
}

class PostgresJsDriver implements Driver {
  private ended = false;

  constructor(private readonly sql: postgres.Sql) {}

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    if (this.ended) throw new Error('driver has already been destroyed');
    return new PostgresJsConnection(this.sql);
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const owned = connection as PostgresJsConnection;
    owned.reserved = await this.sql.reserve();
    let begin = 'begin';
    if (settings.isolationLevel || settings.accessMode) {
      begin = 'start transaction';
      if (settings.isolationLevel) begin += ` isolation level ${settings.isolationLevel}`;
      if (settings.accessMode) begin += ` ${settings.accessMode}`;
    }
    try {
      await owned.executeQuery(CompiledQuery.raw(begin));
    } catch (error) {
      owned.reserved.release();
      owned.reserved = undefined;
      throw error;
    }
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  async savepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`savepoint ${quoteIdentifier(name)}`));
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`rollback to ${quoteIdentifier(name)}`));
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`release ${quoteIdentifier(name)}`));
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const owned = connection as PostgresJsConnection;
    owned.reserved?.release();
    owned.reserved = undefined;
  }

  async destroy(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    // Running statements finish; the connections close when they have (or after 5 s).
    await this.sql.end({ timeout: 5 });
  }
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
