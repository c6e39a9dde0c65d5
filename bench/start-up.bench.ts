/**
 * Start-up benchmark: the time from spawning the server process to the first 200 from GET /healthz,
 * for the TypeScript sources run through tsx (how `npm start` ran the server before it was compiled;
 * the baseline) and for the compiled server as `npm start` runs it now (`node bin/start.js`: the
 * check that the build is current, then packages/server/dist/main.js). Rounds alternate, so that
 * load from other processes on the machine hits both alike; medians, minimums and their ratios are
 * printed, with the load average before and after. The CPU time each server process used from its
 * start to its exit right after /healthz answered (user + system, all threads) is printed too: on a
 * shared machine it moves far less with other processes' load than the wall time.
 *
 *   node --import tsx bench/start-up.bench.ts                      (from the repository root)
 *   BENCH_ROUNDS=9 node --import tsx bench/start-up.bench.ts
 *
 * Both start on the same already-migrated SQLite data folder (a restart, not a first run), on a
 * free loopback port, with the worker role on as by default. `npm start` from the repository root
 * (npm itself, the web build check, npm again for the server workspace, then bin/start.js) is timed
 * alongside for information: what npm adds is the same before and after.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { ensureServerBuild } from '../packages/server/scripts/build.mjs';
import { freePort } from '../packages/server/test/helpers/node-process.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SERVER_DIR = fileURLToPath(new URL('../packages/server/', import.meta.url));
const ROOT_DIR = fileURLToPath(new URL('../', import.meta.url));

// Reports the process's CPU time (user + system, milliseconds) as it exits.
const REPORT_CPU = `data:text/javascript,process.on('exit',()=>{const u=process.cpuUsage();process.stderr.write('\\nBENCH_CPU_MS='+(u.user+u.system)/1000+'\\n')})`;

/** Command and working directory of each way to start. */
const VARIANTS = {
  'tsx (sources, before)': { command: [process.execPath, '--import', REPORT_CPU, '--import', 'tsx', 'src/main.ts'], cwd: SERVER_DIR },
  'compiled (bin/start.js, now)': { command: [process.execPath, '--import', REPORT_CPU, 'bin/start.js'], cwd: SERVER_DIR },
  'npm start (root, now)': { command: ['npm', 'start'], cwd: ROOT_DIR },
} as const;
type Variant = keyof typeof VARIANTS;

/** One start: spawn → /healthz 200 in milliseconds; then SIGTERM and wait for the exit. */
async function startOnce(variant: Variant, dataDir: string): Promise<{ wall: number; cpu?: number }> {
  const port = await freePort();
  const [command, ...args] = VARIANTS[variant].command;
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', TAGWRIGHT_DATA_DIR: dataDir, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
  delete env.DATABASE_URL;
  delete env.INIT_CWD;
  const started = performance.now();
  // Its own process group, so that stopping `npm start` also stops the node server under it.
  const child = spawn(command, args, { cwd: VARIANTS[variant].cwd, env, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let gone = false;
  void exited.then(() => (gone = true));
  let elapsed = 0;
  while (!gone) {
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then((response) => response.ok, () => false);
    if (ok) {
      elapsed = performance.now() - started;
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  if (gone) throw new Error(`${variant} exited before /healthz answered:\n${stderr}`);
  process.kill(-child.pid!, 'SIGTERM');
  await exited;
  const cpu = /BENCH_CPU_MS=([\d.]+)/.exec(stderr);
  return { wall: elapsed, cpu: cpu ? Number(cpu[1]) : undefined };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const load = () => os.loadavg().map((value) => value.toFixed(2)).join(', ');

await ensureServerBuild();
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tagwright-bench-start-'));
try {
  console.log(`load average before (1, 5, 15 min): ${load()}   (${os.cpus().length} cores)`);
  const names = Object.keys(VARIANTS) as Variant[];
  const times = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<Variant, number[]>;
  const cpus = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<Variant, number[]>;
  // The first start migrates the empty database; not counted. One warm-up each fills the page cache.
  for (const name of names) await startOnce(name, dataDir);
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of round % 2 ? [...names].reverse() : names) {
      const { wall, cpu } = await startOnce(name, dataDir);
      times[name].push(wall);
      if (cpu !== undefined) cpus[name].push(cpu);
    }
  }
  for (const name of names) {
    const runs = times[name];
    const cpu = cpus[name].length ? `   CPU median ${median(cpus[name]).toFixed(0).padStart(5)} ms` : '';
    console.log(`${name.padEnd(29)} median ${median(runs).toFixed(0).padStart(5)} ms   min ${Math.min(...runs).toFixed(0).padStart(5)} ms${cpu}   runs: ${runs.map((value) => value.toFixed(0)).join(' ')}`);
  }
  const [before, after] = [times['tsx (sources, before)'], times['compiled (bin/start.js, now)']];
  const [cpuBefore, cpuAfter] = [cpus['tsx (sources, before)'], cpus['compiled (bin/start.js, now)']];
  console.log(`ratio compiled / tsx: wall median ${(median(after) / median(before)).toFixed(2)}x, wall min ${(Math.min(...after) / Math.min(...before)).toFixed(2)}x, CPU median ${(median(cpuAfter) / median(cpuBefore)).toFixed(2)}x`);
  console.log(`load average after: ${load()}`);
} finally {
  fs.rmSync(dataDir, { recursive: true, force: true });
}
