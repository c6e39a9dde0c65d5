/**
 * Diagnostic for the PostgreSQL tail of bench/queue.bench.ts: what the bench database's backends are
 * doing, sampled from a separate process every few milliseconds while the bench runs.
 *
 *   SAMPLER_URL=postgres://postgres:postgres@127.0.0.1:5432/postgres SAMPLER_SECONDS=300 \
 *     SAMPLER_EXPLAIN=1 node --import tsx bench/pg-wait-sampler.ts > /tmp/samples.txt &
 *   (then the queue bench with BENCH_ONLY_POSTGRES=1 and BENCH_DATABASE_URL on the same server)
 *
 * - Every SAMPLER_INTERVAL_MS (default 5) it reads pg_stat_activity for the databases named
 *   tw_test_* (the bench's and the tests' databases: bench/databases.ts) and counts, per database,
 *   statement (its first 40 characters) and state: running on a CPU (active, no wait event), or the
 *   wait event (Lock waits with the relation, from pg_locks, they wait for). Only backends in
 *   state `active` are counted: an idle pooled connection is not part of any request's latency.
 * - The bench database is the one whose seed ran ANALYZE (runSeed ends with it) after the sampler
 *   started. With SAMPLER_EXPLAIN=1 the sampler then, before the bench's server starts, sets
 *   auto_explain on that database only (ALTER DATABASE … SET: session_preload_libraries,
 *   log_min_duration SAMPLER_EXPLAIN_MS (default 15), log_analyze, log_buffers,
 *   log_nested_statements), so the plans of its slow statements, with each node's time, go to the
 *   server's log; the settings go with the database when the bench drops it, and are reset at exit
 *   if it still exists. Nothing of the cluster's configuration is changed.
 * At the end (SAMPLER_SECONDS, or SIGINT/SIGTERM) it prints the counts of the busiest database.
 */
import pg from 'pg';

const url = process.env.SAMPLER_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/postgres';
const intervalMs = Number(process.env.SAMPLER_INTERVAL_MS ?? 5);
const seconds = Number(process.env.SAMPLER_SECONDS ?? 300);
const explain = process.env.SAMPLER_EXPLAIN === '1';
const explainMs = Number(process.env.SAMPLER_EXPLAIN_MS ?? 15);

const client = new pg.Client({ connectionString: url, application_name: 'pg-wait-sampler' });
await client.connect();

// Lock waits: the relation (or tuple/transactionid) the waiting backend asks for, from its ungranted pg_locks row.
const sampleSql = `
  select a.datname, a.state, coalesce(a.wait_event_type, 'CPU') as wait_type, coalesce(a.wait_event, 'running') as wait_event,
    left(regexp_replace(a.query, '\\s+', ' ', 'g'), 40) as query,
    (select string_agg(l.locktype || ':' || coalesce(l.relation::regclass::text, '') || ':' || l.mode, ',')
       from pg_locks l where l.pid = a.pid and not l.granted) as lock_wanted
  from pg_stat_activity a
  where a.datname like 'tw_test_%' and a.backend_type = 'client backend' and a.pid <> pg_backend_pid() and a.state = 'active'`;

const counts = new Map<string, Map<string, number>>();
const samplesPerDb = new Map<string, number>();
let samples = 0;
let benchDb: string | undefined;
const seenBefore = new Set<string>((await client.query(`select datname from pg_database where datname like 'tw_test_%'`)).rows.map((r) => r.datname));

async function sample(): Promise<void> {
  const { rows } = await client.query(sampleSql);
  samples++;
  const seen = new Set<string>();
  for (const r of rows) {
    if (!benchDb && explain && !seenBefore.has(r.datname) && /^analyze/i.test(r.query)) await setExplain(r.datname);
    const key = `${r.wait_type}/${r.wait_event}${r.lock_wanted ? ` [${r.lock_wanted}]` : ''} | ${r.query}`;
    const perDb = counts.get(r.datname) ?? new Map<string, number>();
    perDb.set(key, (perDb.get(key) ?? 0) + 1);
    counts.set(r.datname, perDb);
    seen.add(r.datname);
  }
  for (const d of seen) samplesPerDb.set(d, (samplesPerDb.get(d) ?? 0) + 1);
}

async function setExplain(datname: string): Promise<void> {
  benchDb = datname;
  for (const s of [
    `session_preload_libraries = 'auto_explain'`,
    `auto_explain.log_min_duration = '${explainMs}ms'`,
    `auto_explain.log_analyze = on`,
    `auto_explain.log_buffers = on`,
    `auto_explain.log_nested_statements = on`,
  ]) await client.query(`alter database ${datname} set ${s}`);
  process.stderr.write(`auto_explain set on ${datname} at ${new Date().toISOString()}\n`);
}

async function resetExplain(): Promise<void> {
  if (!benchDb) return;
  const exists = await client.query(`select 1 from pg_database where datname = $1`, [benchDb]);
  if (exists.rowCount) await client.query(`alter database ${benchDb} reset all`);
}

function report(): void {
  const busiest = [...counts.entries()].sort((a, b) => [...b[1].values()].reduce((x, y) => x + y, 0) - [...a[1].values()].reduce((x, y) => x + y, 0));
  console.log(`samples ${samples} every ${intervalMs} ms; busiest databases first; count = backends seen in that state over all samples`);
  for (const [datname, perDb] of busiest.slice(0, 2)) {
    const total = [...perDb.values()].reduce((x, y) => x + y, 0);
    console.log(`\n${datname}${datname === benchDb ? ' (bench, auto_explain)' : ''}: ${samplesPerDb.get(datname)} samples with an active backend, ${(total / (samplesPerDb.get(datname) || 1)).toFixed(2)} active backends on average then`);
    for (const [key, n] of [...perDb.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`${String(n).padStart(7)} ${((100 * n) / total).toFixed(1).padStart(5)} %  ${key}`);
  }
}

let stop = false;
const end = async () => {
  stop = true;
};
process.on('SIGINT', end);
process.on('SIGTERM', end);
const deadline = Date.now() + seconds * 1000;
while (!stop && Date.now() < deadline) {
  const started = Date.now();
  try {
    await sample();
  } catch (error) {
    // A database dropped between the read and the regclass cast: skip that sample.
    if (!(error instanceof Error) || !/does not exist/.test(error.message)) throw error;
  }
  const wait = intervalMs - (Date.now() - started);
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}
await resetExplain();
report();
await client.end();
