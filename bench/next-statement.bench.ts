/**
 * `queue/next` in one statement against the old two (PostgreSQL only; docs/work-queue.md,
 * "`queue/next` in one statement"): one labeler asks for the next task and releases it, in
 * alternating blocks with the one-statement next on and off in the same server, so the load of a
 * shared machine falls on both alike. Prints per block and as medians: this process's CPU per
 * next + release (server and the labeler's HTTP client share the process; the client's part is the
 * same in both), wall time per next and per cycle, and statements per cycle.
 *
 *   BENCH_DATABASE_URL=postgres://postgres:postgres@127.0.0.1:5432/postgres node --import tsx bench/next-statement.bench.ts
 *   BENCH_TASKS=20000 BENCH_CYCLES=300 BENCH_BLOCKS=12 ...
 */
import os from 'node:os';
import pg from 'pg';

const TASKS = Number(process.env.BENCH_TASKS ?? 20_000);
const CYCLES = Number(process.env.BENCH_CYCLES ?? 300);
const BLOCKS = Number(process.env.BENCH_BLOCKS ?? 12);
if (!process.env.BENCH_DATABASE_URL) throw new Error('BENCH_DATABASE_URL: this bench compares two PostgreSQL paths');
// The test helpers read their PostgreSQL server from TEST_DATABASE_URL.
process.env.TEST_DATABASE_URL = process.env.BENCH_DATABASE_URL;

let statements = 0;
const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
pg.Client.prototype.query = function (this: unknown, ...args: unknown[]) {
  statements++;
  return query.apply(this, args);
} as typeof pg.Client.prototype.query;

const { startTestServer } = await import('../packages/server/test/helpers/server.ts');
const { addWorkers, assign, call, categorization, createProject, createTask, next, unique } = await import('../packages/server/test/queue/helpers.ts');

const server = await startTestServer('postgres', { TAGWRIGHT_GOLD_RATE: '0', TAGWRIGHT_ROLE: 'api' });
try {
  const project = unique('next-statement');
  await createProject(server, { type: 'categorization', name: project });
  await createTask(server, 'categorization', categorization(project));
  const [labeler] = await addWorkers(server, 1);
  await assign(server, [labeler], [project]);
  // The queue: copies of the one task (new ids, later creation times), then fresh statistics.
  const admin = new pg.Client({ connectionString: server.database.databaseUrl });
  await admin.connect();
  await admin.query(
    `insert into tasks select (jsonb_populate_record(null::tasks, to_jsonb(t) || jsonb_build_object('id', t.id || '-' || g, 'unique_id', null, 'created_at', t.created_at + g))).* from tasks t, generate_series(1, $1::int) g`,
    [TASKS],
  );
  await admin.query('analyze');
  await admin.end();

  // The one-statement path is the queue service's `nextInOne`; without it the service takes the old path (context read, then claim).
  const queue = server.server.services.queue as unknown as { nextInOne: unknown };
  const oneStatement = queue.nextInOne;
  const cycle = async () => {
    const started = performance.now();
    const assignment = await next(server, labeler);
    const nextMs = performance.now() - started;
    const released = await call(server, labeler, 'POST', `/leases/${assignment.lease.lease_id}/release`);
    if (released.status !== 200) throw new Error(released.text);
    return nextMs;
  };
  const results: Record<'one' | 'old', Array<{ cpu: number; next: number; wall: number; statements: number }>> = { one: [], old: [] };
  // JIT and prepared statements warm in both modes before anything is measured (the first block measured ran 1.5-2x slower without this).
  for (const mode of [oneStatement, undefined]) {
    queue.nextInOne = mode;
    for (let warm = 0; warm < CYCLES; warm++) await cycle();
  }
  console.log(`next + release, ${CYCLES} per block, ${TASKS + 1} queued tasks, one labeler; load average ${os.loadavg().map((value) => value.toFixed(2)).join(' ')}`);
  for (let block = 0; block < BLOCKS; block++) {
    const mode = block % 2 === 0 ? 'one' : 'old';
    queue.nextInOne = mode === 'one' ? oneStatement : undefined;
    for (let warm = 0; warm < 20; warm++) await cycle();
    statements = 0;
    let nextMs = 0;
    const cpu = process.cpuUsage();
    const started = performance.now();
    for (let index = 0; index < CYCLES; index++) nextMs += await cycle();
    const used = process.cpuUsage(cpu);
    const row = { cpu: (used.user + used.system) / 1000 / CYCLES, next: nextMs / CYCLES, wall: (performance.now() - started) / CYCLES, statements: statements / CYCLES };
    results[mode].push(row);
    console.log(`${mode === 'one' ? 'one statement' : 'old path     '}  CPU ${row.cpu.toFixed(3)} ms per cycle, next ${row.next.toFixed(2)} ms, cycle ${row.wall.toFixed(2)} ms, ${row.statements.toFixed(2)} statements per cycle`);
  }
  queue.nextInOne = oneStatement;
  const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
  for (const mode of ['one', 'old'] as const) {
    const rows = results[mode];
    console.log(`median, ${mode === 'one' ? 'one statement' : 'old path'}: CPU ${median(rows.map((row) => row.cpu)).toFixed(3)} ms per cycle, next ${median(rows.map((row) => row.next)).toFixed(2)} ms, cycle ${median(rows.map((row) => row.wall)).toFixed(2)} ms, ${median(rows.map((row) => row.statements)).toFixed(2)} statements per cycle`);
  }
  console.log(`load average at the end: ${os.loadavg().map((value) => value.toFixed(2)).join(' ')}`);
} finally {
  await server.close();
}
