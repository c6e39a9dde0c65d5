/**
 * CPU per `POST leases/{id}/release` on PostgreSQL (docs/work-queue.md, "A release in one
 * statement"): one labeler asks for the next task and releases it, BENCH_CYCLES times; only the
 * release calls are timed. Prints this process's CPU per release (server and the labeler's HTTP
 * client share the process; the client's part is the same for any server tree), mean and median,
 * the first 100 calls left out (warm-up).
 *
 *   BENCH_DATABASE_URL=postgres://postgres:postgres@127.0.0.1:5432/postgres node --import tsx bench/release-statement.bench.ts
 *   BENCH_TREE=/tmp/before BENCH_CYCLES=1500 ...   (the server and test helpers of another checkout,
 *   e.g. `git archive <commit> | tar -x -C /tmp/before` with node_modules linked: run the two trees
 *   alternately, so the load of a shared machine falls on both alike)
 */
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

if (!process.env.BENCH_DATABASE_URL) throw new Error('BENCH_DATABASE_URL: the release in one statement is PostgreSQL only');
// The test helpers read their PostgreSQL server from TEST_DATABASE_URL.
process.env.TEST_DATABASE_URL = process.env.BENCH_DATABASE_URL;
const TREE = process.env.BENCH_TREE ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CYCLES = Number(process.env.BENCH_CYCLES ?? 1500);
const WARM_UP = 100;

const { startTestServer } = await import(`${TREE}/packages/server/test/helpers/server.ts`);
const q = await import(`${TREE}/packages/server/test/queue/helpers.ts`);
// No worker loop and no gold: nothing but the labeler's requests runs in the server.
const server = await startTestServer('postgres', { TAGWRIGHT_GOLD_RATE: '0', TAGWRIGHT_ROLE: 'api' });
try {
  const project = q.unique('release-cpu');
  await q.createProject(server, { type: 'categorization', name: project });
  for (let index = 0; index < 20; index++) await q.createTask(server, 'categorization', q.categorization(project));
  const [worker] = await q.addWorkers(server, 1);
  await q.assign(server, [worker], [project]);
  const micros: number[] = [];
  for (let index = 0; index < CYCLES; index++) {
    const assignment = await q.next(server, worker);
    const before = process.cpuUsage();
    const released = await q.call(server, worker, 'POST', `/leases/${assignment.lease.lease_id}/release`);
    const used = process.cpuUsage(before);
    if (released.status !== 200) throw new Error(`release answered ${released.status}: ${released.text}`);
    if (index >= WARM_UP) micros.push(used.user + used.system);
  }
  micros.sort((a, b) => a - b);
  const mean = micros.reduce((sum, value) => sum + value, 0) / micros.length;
  console.log(
    `${TREE}: CPU per release (this process: server and client) mean ${mean.toFixed(0)} µs, median ${micros[micros.length >> 1]} µs, n ${micros.length}; load average ${os.loadavg().map((value) => value.toFixed(2)).join(' ')}`,
  );
} finally {
  await server.close();
}
