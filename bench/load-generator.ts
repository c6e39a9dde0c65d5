/**
 * The benches' load generator, always in its own process: autocannon (as users and other benchmarks
 * measure) in a child process, so the server under test never shares its event loop or its core
 * with the client. `generateLoad` forks this file, hands it one run over IPC, and gets the figures back.
 *
 * A run keeps `connections` keep-alive connections busy for `seconds`; `paths` are used in turn (a
 * get walks through created ids), every request carries the same `body`.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface LoadRun {
  url: string;
  method: 'GET' | 'POST';
  paths: string[];
  headers: Record<string, string>;
  body?: string;
  connections: number;
  seconds: number;
}

export interface LoadFigures {
  /** Successful (2xx) answers per second over the run. */
  rps: number;
  ok: number;
  failures: number;
  p50Ms: number;
  p99Ms: number;
  /** The first non-2xx answer's status, when there was one (autocannon does not keep bodies). */
  firstFailure?: string;
}

/** Runs one load in a fresh child process and returns its figures. */
export function generateLoad(run: LoadRun): Promise<LoadFigures> {
  const child = fork(fileURLToPath(import.meta.url), ['--generate'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (message: { figures?: LoadFigures; error?: string }) => {
      if (message.error) reject(new Error(message.error));
      else resolve(message.figures!);
      child.disconnect();
    });
    child.once('exit', (code) => code !== 0 && reject(new Error(`load generator exited with ${code}`)));
    child.send(run);
  });
}

async function runInChild(run: LoadRun): Promise<LoadFigures> {
  // autocannon ships no type declarations; its options and result are used as documented.
  const { default: autocannon } = (await import('autocannon' as string)) as { default: (options: object) => Promise<any> };
  let next = 0;
  let firstFailure: string | undefined;
  const result = await autocannon({
    url: run.url,
    connections: run.connections,
    duration: run.seconds,
    method: run.method,
    headers: run.headers,
    body: run.body,
    requests: [{ setupRequest: (request: any) => ({ ...request, path: run.paths[next++ % run.paths.length] }) }],
  });
  const ok = result['2xx'];
  const failures = result.non2xx + result.errors + result.timeouts;
  if (failures > 0) firstFailure = `${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`;
  return { rps: ok / run.seconds, ok, failures, p50Ms: result.latency.p50, p99Ms: result.latency.p99, firstFailure };
}

if (process.argv.includes('--generate')) {
  process.once('message', (run: LoadRun) => {
    runInChild(run).then(
      (figures) => process.send!({ figures }),
      (error) => process.send!({ error: String((error as Error).stack ?? error) }),
    );
  });
}
