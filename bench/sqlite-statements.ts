/**
 * Runs `around` for every better-sqlite3 call in this process that executes SQL: a prepared
 * statement's run, all, get and iterate, and a database's exec (`kind` tells which). The benches
 * count and time statements through it; `execute` runs the call and returns its result.
 */
export async function aroundSqliteStatements(around: (source: string, kind: 'statement' | 'exec', execute: () => unknown) => unknown): Promise<void> {
  const { default: SQLite } = await import('better-sqlite3');
  const probe = new SQLite(':memory:');
  const proto = Object.getPrototypeOf(probe.prepare('select 1'));
  probe.close();
  for (const method of ['run', 'all', 'get', 'iterate'] as const) {
    const original = proto[method];
    proto[method] = function (this: { source: string }, ...args: unknown[]) {
      return around(this.source, 'statement', () => original.apply(this, args));
    };
  }
  const exec = SQLite.prototype.exec;
  SQLite.prototype.exec = function (this: InstanceType<typeof SQLite>, source: string) {
    return around(source, 'exec', () => exec.call(this, source));
  } as typeof exec;
}
