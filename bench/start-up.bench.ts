/**
 * Start-up benchmark: the time from spawning the server process to the first 200 from GET /healthz,
 * for the TypeScript sources run through tsx (how `npm start` ran the server before it was compiled;
 * the baseline) and for the compiled server as `npm start` runs it now (`node bin/start.js`: the
 * check that the build is current, then packages/server/dist/main.js). Rounds alternate, so that
 * load from other processes on the machine hits both alike; medians, minimums and their ratios are
 * printed, with the load average before and after.
 *
 *   node --import tsx bench/start-up.bench.ts                      (from the repository root)
 *   BENCH_ROUNDS=9 node --import tsx bench/start-up.bench.ts
 *
 * Both start on the same already-migrated SQLite data folder (a restart, not a first run), on a
 * free loopback port, with the worker role on as by default.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { ensureServerBuild } from '../packages/server/scripts/build.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SERVER_DIR = fileURLToPath(new URL('../packages/server/', import.meta.url));

const VARIANTS = {
  'tsx (sources, before)': [process.execPath, '--import', 'tsx', 'src/main.ts'],
  'compiled (bin/start.js, now)': [process.execPath, 'bin/start.js'],
} as const;
type Variant = keyof typeof VARIANTS;

async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** One start: spawn → /healthz 200 in milliseconds; then SIGTERM and wait for the exit. */
async function startOnce(variant: Variant, dataDir: string): Promise<number> {
  const port = await freePort();
  const [command, ...args] = VARIANTS[variant];
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', TAGWRIGHT_DATA_DIR: dataDir, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
  delete env.DATABASE_URL;
  delete env.INIT_CWD;
  const started = performance.now();
  const child = spawn(command, args, { cwd: SERVER_DIR, env, stdio: ['ignore', 'ignore', 'pipe'] });
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
  child.kill('SIGTERM');
  await exited;
  return elapsed;
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
  const times: Record<Variant, number[]> = { 'tsx (sources, before)': [], 'compiled (bin/start.js, now)': [] };
  const names = Object.keys(VARIANTS) as Variant[];
  // The first start migrates the empty database; not counted. One warm-up each fills the page cache.
  for (const name of names) await startOnce(name, dataDir);
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of round % 2 ? [...names].reverse() : names) times[name].push(await startOnce(name, dataDir));
  }
  for (const name of names) {
    const runs = times[name];
    console.log(`${name.padEnd(30)} median ${median(runs).toFixed(0).padStart(5)} ms   min ${Math.min(...runs).toFixed(0).padStart(5)} ms   runs: ${runs.map((value) => value.toFixed(0)).join(' ')}`);
  }
  const [before, after] = names.map((name) => times[name]);
  console.log(`ratio compiled / tsx: median ${(median(after) / median(before)).toFixed(2)}x, min ${(Math.min(...after) / Math.min(...before)).toFixed(2)}x`);
  console.log(`load average after: ${load()}`);
} finally {
  fs.rmSync(dataDir, { recursive: true, force: true });
}
