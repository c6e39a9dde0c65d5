import { sql, type RawBuilder } from 'kysely';

/** The only place that knows which SQL dialect is in use. Everything dialect-specific goes here. */
export type DialectName = 'sqlite' | 'postgres';

export interface DialectHelpers {
  name: DialectName;
  /** Column type for instants stored as epoch milliseconds. */
  timestampType: 'integer' | 'bigint';
  /** Appended to a claim sub-select: `FOR UPDATE SKIP LOCKED` on PostgreSQL, nothing on SQLite (writes are serialised). */
  skipLocked: RawBuilder<unknown>;
  /** Appended (modifyEnd) to a select whose rows must stay locked until commit: `FOR UPDATE` on PostgreSQL, nothing on SQLite (writes are serialised). */
  forUpdate: RawBuilder<unknown>;
  /**
   * Index column order that serves `ORDER BY x DESC NULLS LAST`: PostgreSQL must say so (its DESC
   * puts NULLs first); SQLite's DESC already puts them last and rejects the clause in an index.
   */
  indexDescNullsLast: RawBuilder<unknown>;
  /**
   * Appended (modifyEnd) to a correlated NOT EXISTS sub-select that must run as an index probe per
   * outer row: `OFFSET 0` keeps PostgreSQL from turning it into a hash anti-join over every matching
   * row (measured 21 ms against 0.3 ms per outbox claim with 20,000 due rows); nothing on SQLite.
   */
  perRowSubquery: RawBuilder<unknown>;
  /**
   * The column as an expression no index serves: `+column` on SQLite, whose planner (without
   * statistics) would otherwise walk an index on an equality term rather than look up a short list
   * of primary keys; the column itself on PostgreSQL, whose planner weighs the two with statistics.
   */
  unindexed(column: string): RawBuilder<unknown>;
  /** True when a unique-index violation raised by the driver is the given error. */
  isUniqueViolation(error: unknown): boolean;
  /** True when the transaction was aborted by a deadlock or serialization failure (PostgreSQL) and may simply be run again. */
  isRetryableConflict(error: unknown): boolean;
  /**
   * Runs `run` (a transaction or one statement) again, up to 3 times in all, when PostgreSQL aborts
   * it as a deadlock victim or a serialization failure. Every writer takes its rows in one order
   * (docs/tasks.md, "Lock order"), so a deadlock means a path that breaks it (the lock-order tests
   * count them); the retry keeps such a bug, or another process's odd timing, from losing the work.
   */
  retryingConflicts<T>(run: () => Promise<T>): Promise<T>;
}

const CONFLICT_ATTEMPTS = 3;

export function dialectHelpers(name: DialectName): DialectHelpers {
  const helpers: DialectHelpers = {
    name,
    timestampType: name === 'postgres' ? 'bigint' : 'integer',
    skipLocked: name === 'postgres' ? sql`for update skip locked` : sql``,
    forUpdate: name === 'postgres' ? sql`for update` : sql``,
    indexDescNullsLast: name === 'postgres' ? sql`desc nulls last` : sql`desc`,
    perRowSubquery: name === 'postgres' ? sql`offset 0` : sql``,
    unindexed: (column) => (name === 'postgres' ? sql.ref(column) : sql`+${sql.ref(column)}`),
    isUniqueViolation(error: unknown): boolean {
      const code = (error as { code?: string } | null)?.code;
      return name === 'postgres' ? code === '23505' : code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
    },
    isRetryableConflict(error: unknown): boolean {
      const code = (error as { code?: string } | null)?.code;
      return name === 'postgres' ? code === '40P01' || code === '40001' : code === 'SQLITE_BUSY';
    },
    async retryingConflicts<T>(run: () => Promise<T>): Promise<T> {
      for (let attempt = 1; ; attempt++) {
        try {
          return await run();
        } catch (error) {
          if (attempt >= CONFLICT_ATTEMPTS || !helpers.isRetryableConflict(error)) throw error;
        }
      }
    },
  };
  return helpers;
}

