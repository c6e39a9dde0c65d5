import type pg from 'pg';

/**
 * PostgreSQL: the SQL of statements compiled once (db/compiled-statement.ts) runs as a named
 * prepared statement on each pooled connection, so the server parses and plans it once per
 * connection instead of on every request, and the client sends Bind/Execute only. Kysely sends
 * every query unnamed; `preparePooledStatements` makes the pool's clients name the registered ones.
 *
 * Only registered texts are prepared: they come from a bounded set of statements (each compiled
 * once per dialect), so the number of prepared statements per connection stays small, while ad-hoc
 * queries (list filters with varying IN lists) stay unnamed. A statement's name follows from its
 * text alone (registration order), so two texts never share a name, which pg refuses.
 */
const names = new Map<string, string>();

/** Marks `sql` to run as a named prepared statement on PostgreSQL connections. */
export function registerPreparedSql(sql: string): void {
  if (!names.has(sql)) names.set(sql, `tagwright_${names.size + 1}`);
}

/** The prepared statement's name of `sql`, if it is registered. */
export function preparedName(sql: string): string | undefined {
  return names.get(sql);
}

type QueryFunction = (...args: unknown[]) => unknown;
const patched = new WeakSet<object>();

/** Makes every client of `pool` run registered statements as named prepared statements. */
export function preparePooledStatements(pool: pg.Pool): void {
  pool.on('connect', (client) => {
    if (patched.has(client)) return;
    patched.add(client);
    const query = client.query as unknown as QueryFunction;
    // Kysely calls query(text, values) and awaits the promise; every other form passes through.
    (client as unknown as { query: QueryFunction }).query = function (this: pg.PoolClient, ...args: unknown[]) {
      const [text, values] = args;
      if (args.length === 2 && typeof text === 'string' && Array.isArray(values)) {
        const name = names.get(text);
        if (name !== undefined) return query.call(this, { name, text, values });
      }
      return query.apply(this, args);
    };
  });
}

/** True when `sql` is registered to run as a prepared statement (bench/postgres-js-dialect.ts asks). */
export function isPreparedSql(sql: string): boolean {
  return names.has(sql);
}
