import type { Compilable, CompiledQuery, Kysely } from 'kysely';

/**
 * A Kysely query built and compiled once, then run with new parameter values. Building a query
 * (parsing every column and alias into nodes, then compiling) costs more CPU than SQLite takes to
 * run a primary-key lookup, so the hottest lookups (API key, project or batch by name) use this.
 *
 * `build` receives one placeholder per parameter and must pass each through as a plain value
 * (`where('name', '=', name)`); a placeholder that does not come out as a bound parameter is a
 * programming error, reported when the query is first built.
 */
export function prepareQuery<Args extends readonly (string | number)[], Row>(
  /** Read when the query first runs, so a repository can pass `() => this.db` from a field initializer. */
  database: () => Kysely<any>,
  arity: Args['length'],
  build: (...placeholders: string[]) => Compilable<Row>,
): (...args: Args) => Promise<Row[]> {
  let compiled: CompiledQuery<Row> | undefined;
  let slots: Array<number | undefined>;
  return async (...args: Args) => {
    if (!compiled) {
      const placeholders = Array.from({ length: arity }, (_, index) => `\u0000prepared-parameter-${index}\u0000`);
      compiled = build(...placeholders).compile();
      slots = compiled.parameters.map((value) => {
        const index = placeholders.indexOf(value as string);
        return index === -1 ? undefined : index;
      });
      for (let index = 0; index < arity; index++) {
        if (!slots.includes(index)) throw new Error(`prepareQuery: parameter ${index} is not a bound value in: ${compiled.sql}`);
      }
    }
    const constants = compiled.parameters;
    const parameters = slots.map((slot, position) => (slot === undefined ? constants[position] : args[slot]));
    const result = await database().executeQuery<Row>({ ...compiled, parameters });
    return result.rows;
  };
}
