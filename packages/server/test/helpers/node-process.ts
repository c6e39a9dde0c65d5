import net from 'node:net';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface NodeProcess {
  child: ChildProcess;
  /** http://127.0.0.1:port for a process with the API role; '' for a worker. */
  url: string;
  /** Resolves with the exit code (or the signal's name) once the process has ended. */
  exited: Promise<number | string>;
  /** Sends the signal and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

/** A loopback port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/**
 * Starts `src/main.ts` (the real entry point, as `npm start` runs it) in its own process with the
 * environment given. A process with the API role is ready once GET /readyz answers 200 (as a load
 * balancer would see it); a worker once it logged 'tagwright started'.
 */
export async function startNodeProcess(env: Record<string, string>): Promise<NodeProcess> {
  const api = env.TAGWRIGHT_ROLE !== 'worker';
  const port = api ? (env.PORT && env.PORT !== '0' ? Number(env.PORT) : await freePort()) : 0;
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(packageDir, 'src/main.ts')], {
    cwd: packageDir,
    env: {
      ...process.env,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      HOST: '127.0.0.1',
      // Request lines at info cost the nodes CPU; a worker logs only its start line there.
      LOG_LEVEL: api ? 'warn' : 'info',
      ...env,
      PORT: String(port),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const url = api ? `http://127.0.0.1:${port}` : '';
  let started = false;
  let pending = '';
  const logged = new Promise<void>((resolve) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      if (started) return;
      pending += chunk.toString('utf8');
      if (pending.includes('"tagwright started"')) {
        started = true;
        pending = '';
        resolve();
      }
    });
  });
  const ready = api ? waitForReady(url, exited) : logged;
  await Promise.race([ready, exited.then((code) => Promise.reject(new Error(`node process exited before it was ready (${code})`)))]);
  return {
    child,
    url,
    exited,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

async function waitForReady(url: string, exited: Promise<unknown>): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  while (!gone) {
    const status = await fetch(`${url}/readyz`).then((response) => response.status, () => 0);
    if (status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
