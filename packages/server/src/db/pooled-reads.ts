import type { Kysely } from 'kysely';
import type pg from 'pg';

/**
 * PostgreSQL only: the pool under a Kysely instance, so that a compiled select run on the instance
 * itself (not on a transaction) can go straight to `pool.query` (db/compiled-statement.ts).
 *
 * Why: Kysely adds its own work to every statement on top of pg's (the runtime driver, connection
 * provider, acquire and release through `pool.connect`, the result copied into its own shape):
 * measured with bench/pg-drivers.bench.ts at ≈ 10–20 µs of client CPU per statement, on a get by id
 * whose whole pg round trip is ≈ 60 µs. A select on the instance itself runs on whichever pooled
 * connection is free, outside any transaction, either way, so `pool.query` on the same pool (which
 * checks a client out, runs the one statement and returns it) sees exactly what Kysely's run would.
 * Reads on a transaction are made on the transaction's own Kysely object, never registered here, so
 * they keep going through Kysely on the transaction's connection.
 */
const pools = new WeakMap<object, pg.Pool>();

/** Registers the pool that `kysely` (the database itself, never a transaction) runs its statements on. */
export function registerPooledReads(kysely: Kysely<any>, pool: pg.Pool): void {
  pools.set(kysely, pool);
}

/** The pool behind `db` when it is a registered PostgreSQL instance itself; undefined for a transaction or SQLite. */
export function pooledReaderOf(db: Kysely<any>): pg.Pool | undefined {
  return pools.get(db);
}
