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
 *   SAMPLER_SYNCHRONOUS_COMMIT=off likewise sets synchronous_commit = off on that database only (a
 *   diagnostic: how much of the tail is waiting for the commit's WAL flush).
 * - Each execution is told apart by backend and query_start; once its backend is seen idle, its
 *   backend time is state_change - query_start (bind, execute and the commit's WAL flush at Sync),
 *   and, from /proc/<pid>/schedstat (the server runs on this machine), how much of it the backend
 *   was on a CPU and how much runnable but waiting for one (the run queue), from its first sample.
 * At the end (SAMPLER_SECONDS, or SIGINT/SIGTERM) it prints the counts of the two busiest databases
 * and, per 2-second window and statement, the executions' backend time p50 / p99 / max, the waits
 * sampled in the slowest 1 %, and for those of 15 ms or more: on CPU + run queue + the rest
 * (sleeping: WAL flush, locks; and the up to SAMPLER_INTERVAL_MS before the first sample).
 * The sampler itself takes some CPU (its process and one backend): run it for diagnosis only.
 */
import fs from 'node:fs';
import pg from 'pg';
import { percentile } from './stats.ts';

const url = process.env.SAMPLER_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/postgres';
const intervalMs = Number(process.env.SAMPLER_INTERVAL_MS ?? 5);
const seconds = Number(process.env.SAMPLER_SECONDS ?? 300);
const explain = process.env.SAMPLER_EXPLAIN === '1';
const explainMs = Number(process.env.SAMPLER_EXPLAIN_MS ?? 15);
// Diagnostic: the bench database's sessions commit without waiting for the WAL flush (tells the flush's share of the tail).
const syncOff = process.env.SAMPLER_SYNCHRONOUS_COMMIT === 'off';

const client = new pg.Client({ connectionString: url, application_name: 'pg-wait-sampler' });
await client.connect();

// Lock waits: the relation (or tuple/transactionid) the waiting backend asks for, from its ungranted pg_locks row.
const sampleSql = `
  select a.datname, a.pid, a.state, (extract(epoch from a.query_start) * 1000)::float8 as query_start, (extract(epoch from a.state_change) * 1000)::float8 as state_change, coalesce(a.wait_event_type, 'CPU') as wait_type, coalesce(a.wait_event, 'running') as wait_event,
    left(regexp_replace(a.query, '\\s+', ' ', 'g'), 40) as query,
    (select string_agg(l.locktype || ':' || coalesce(l.relation::regclass::text, '') || ':' || l.mode, ',')
       from pg_locks l where l.pid = a.pid and not l.granted) as lock_wanted
  from pg_stat_activity a
  where a.datname like 'tw_test_%' and a.backend_type = 'client backend' and a.pid <> pg_backend_pid() and a.state in ('active', 'idle')`;

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
    if (r.state === 'idle') {
      finished(r);
      continue;
    }
    noteActive(r);
    if (!benchDb && (explain || syncOff) && !seenBefore.has(r.datname) && /^analyze/i.test(r.query)) await setExplain(r.datname);
    const key = `${r.wait_type}/${r.wait_event}${r.lock_wanted ? ` [${r.lock_wanted}]` : ''} | ${r.query}`;
    const perDb = counts.get(r.datname) ?? new Map<string, number>();
    perDb.set(key, (perDb.get(key) ?? 0) + 1);
    counts.set(r.datname, perDb);
    seen.add(r.datname);
  }
  for (const d of seen) samplesPerDb.set(d, (samplesPerDb.get(d) ?? 0) + 1);
}

/**
 * Each statement execution, told apart by backend and query_start: what the sampler saw it waiting
 * on while active, and, once its backend is seen idle with the same query_start, its time in the
 * backend (state_change - query_start: bind, execute and the commit at Sync, up to ReadyForQuery).
 */
type Execution = { datname: string; query: string; start: number; waits: Map<string, number>; sched?: [number, number] };
type Done = { datname: string; query: string; start: number; ms: number; waits: Map<string, number>; cpuMs?: number; runWaitMs?: number };

/**
 * The backend's time on a CPU and waiting on the run queue for one (ns; /proc/<pid>/schedstat, the
 * server is on this machine): tells a backend that is runnable but not scheduled (the machine) from
 * one doing work, which pg_stat_activity shows alike (active, no wait event).
 */
function schedstat(pid: number): [number, number] | undefined {
  try {
    const [cpu, wait] = fs.readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ').map(Number);
    return [cpu, wait];
  } catch {
    return undefined;
  }
}
const running = new Map<string, Execution>();
const done: Done[] = [];
const lastDone = new Map<number, number>();

function noteActive(r: { datname: string; pid: number; query_start: number; query: string; wait_type: string; wait_event: string }): void {
  const id = `${r.pid}:${r.query_start}`;
  const e = running.get(id) ?? { datname: r.datname, query: r.query, start: r.query_start, waits: new Map<string, number>(), sched: schedstat(r.pid) };
  const w = `${r.wait_type}/${r.wait_event}`;
  e.waits.set(w, (e.waits.get(w) ?? 0) + 1);
  running.set(id, e);
}

function finished(r: { datname: string; pid: number; query_start: number; state_change: number; query: string }): void {
  if (lastDone.get(r.pid) === r.query_start) return;
  lastDone.set(r.pid, r.query_start);
  const id = `${r.pid}:${r.query_start}`;
  const e = running.get(id);
  running.delete(id);
  if (!r.query_start || !r.state_change) return;
  // CPU and run-queue wait from the first active sighting to now (idle since state_change): a lower bound for the execution.
  const now = e?.sched ? schedstat(r.pid) : undefined;
  const cpuMs = now && e?.sched ? (now[0] - e.sched[0]) / 1e6 : undefined;
  const runWaitMs = now && e?.sched ? (now[1] - e.sched[1]) / 1e6 : undefined;
  done.push({ datname: r.datname, query: r.query, start: r.query_start, ms: r.state_change - r.query_start, waits: e?.waits ?? new Map(), cpuMs, runWaitMs });
}

/** Per second of the run and statement: executions seen, backend time p50 / p99 / max, and the waits seen in its slowest 1 %. */
function timeline(datname: string): void {
  const rows = done.filter((d) => d.datname === datname);
  if (!rows.length) return;
  const t0 = Math.min(...rows.map((d) => d.start));
  console.log(`\nt0 ${new Date(t0).toISOString()}`);
  console.log(`\n${datname}: statement executions by 2-second window (s from ${new Date(t0).toISOString()}), backend time (query_start to idle, commit included) p50 / p99 / max ms; waits sampled in the window's slowest 1 %`);
  const groups = new Map<string, typeof rows>();
  for (const d of rows) {
    const key = `${String(Math.floor((d.start - t0) / 2000) * 2).padStart(3)} | ${d.query.slice(0, 22)}`;
    groups.set(key, [...(groups.get(key) ?? []), d]);
  }
  for (const [key, g] of [...groups.entries()].sort()) {
    if (g.length < 20) continue;
    const ms = g.map((d) => d.ms).sort((a, b) => a - b);
    const p99 = percentile(ms, 99);
    const waits = new Map<string, number>();
    for (const d of g.filter((d) => d.ms >= p99)) for (const [w, n] of d.waits) waits.set(w, (waits.get(w) ?? 0) + n);
    const w = [...waits.entries()].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ');
    // Executions of 15 ms or more with a schedstat reading: their backend time, of it on a CPU and waiting for one.
    const slow = g.filter((d) => d.ms >= 15 && d.cpuMs !== undefined);
    const sum = (f: (d: Done) => number) => slow.reduce((x, d) => x + f(d), 0);
    const slowText = slow.length ? `; ${slow.length} of >= 15 ms: backend ${sum((d) => d.ms).toFixed(0)} ms = on CPU ${sum((d) => d.cpuMs!).toFixed(0)} + run queue ${sum((d) => d.runWaitMs!).toFixed(0)} + rest ${sum((d) => d.ms - d.cpuMs! - d.runWaitMs!).toFixed(0)} (sleeping on WAL, locks, and before the first sample)` : '';
    console.log(`${key} n ${String(g.length).padStart(5)}  ${percentile(ms, 50).toFixed(1)} / ${p99.toFixed(1)} / ${ms[ms.length - 1].toFixed(1)}  [${w}]${slowText}`);
  }
}

async function setExplain(datname: string): Promise<void> {
  benchDb = datname;
  const settings = explain
    ? [
        `session_preload_libraries = 'auto_explain'`,
        `auto_explain.log_min_duration = '${explainMs}ms'`,
        `auto_explain.log_analyze = on`,
        `auto_explain.log_buffers = on`,
        `auto_explain.log_nested_statements = on`,
      ]
    : [];
  if (syncOff) settings.push(`synchronous_commit = off`);
  for (const s of settings) await client.query(`alter database ${datname} set ${s}`);
  process.stderr.write(`set on ${datname} at ${new Date().toISOString()}: ${settings.join('; ')}\n`);
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
    console.log(`\n${datname}${datname === benchDb ? ' (the bench database)' : ''}: ${samplesPerDb.get(datname)} samples with an active backend, ${(total / (samplesPerDb.get(datname) || 1)).toFixed(2)} active backends on average then`);
    for (const [key, n] of [...perDb.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`${String(n).padStart(7)} ${((100 * n) / total).toFixed(1).padStart(5)} %  ${key}`);
    timeline(datname);
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
