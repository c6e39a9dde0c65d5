import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, where the README's commands are run. */
export const REPOSITORY_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

/** A server started the way the README says (`npm start` runs the server's npm script from the root). */
export interface ReadmeServer {
  /** Base URL from the "tagwright started" log line. */
  url: string;
  /** Everything the process printed on standard output so far. */
  output(): string;
  /** The data folder the server was told to use, relative to the repository root. */
  dataDir: string;
  /** Runs `npx tagwright <args>` from the repository root with the same environment; resolves with its output. */
  cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }>;
  stop(): Promise<void>;
}

/**
 * Starts `npm run start -w @tagwright/server` (the compiled server, built first when its sources
 * changed: the README's `npm start` without its web UI build, which the caller may point at with
 * TAGWRIGHT_WEB_DIR) from the repository
 * root with a fresh, relative data folder under the git-ignored `tmp/`, on a free port; SQLite, or
 * the PostgreSQL database `databaseUrl` names (as `DATABASE_URL` would, the README's only switch).
 */
export async function startAsReadmeSays(env: Record<string, string> = {}, databaseUrl?: string): Promise<ReadmeServer> {
  const dataDir = path.join('tmp', `first-run-${crypto.randomBytes(4).toString('hex')}`);
  const childEnv: NodeJS.ProcessEnv = { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', TAGWRIGHT_DATA_DIR: dataDir, TAGWRIGHT_WORKER_POLL_MS: '50', ...env };
  for (const name of Object.keys(childEnv)) {
    if (name.startsWith('TAGWRIGHT_BOOTSTRAP') || name === 'DATABASE_URL' || name === 'TAGWRIGHT_ADMIN_EMAIL' || name === 'TAGWRIGHT_PUBLIC_URL') delete childEnv[name];
  }
  if (databaseUrl) childEnv.DATABASE_URL = databaseUrl;
  // Its own process group, so stopping it also stops npm's child (the node server).
  const child: ChildProcess = spawn('npm', ['run', 'start', '-w', '@tagwright/server'], { cwd: REPOSITORY_ROOT, env: childEnv, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const look = () => {
      const match = /"url":"(http:\/\/[^"]+)"[^\n]*tagwright started/.exec(stdout);
      if (match) resolve(match[1]);
    };
    child.stdout!.on('data', look);
    child.once('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${stdout}\n${stderr}`)));
  });

  return {
    url,
    dataDir,
    output: () => stdout,
    cli(args) {
      return new Promise((resolve, reject) => {
        const cli = spawn('npx', ['tagwright', ...args], { cwd: REPOSITORY_ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        cli.stdout.on('data', (chunk) => (out += chunk));
        cli.stderr.on('data', (chunk) => (err += chunk));
        cli.on('error', reject);
        cli.on('close', (code) => resolve({ code, stdout: out, stderr: err }));
      });
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        process.kill(-child.pid!, 'SIGTERM');
        await exited;
      }
      fs.rmSync(path.join(REPOSITORY_ROOT, dataDir), { recursive: true, force: true });
      // Where npm's working directory would have put it without the data-folder rule.
      fs.rmSync(path.join(REPOSITORY_ROOT, 'packages', 'server', dataDir), { recursive: true, force: true });
    },
  };
}

/** The one-time sign-in link the first start prints. */
export function printedSignInLink(output: string): URL {
  const match = /(http:\/\/\S+\/ui\/#\/accept-invite\?token=\S+)/.exec(output);
  if (!match) throw new Error(`the first start printed no sign-in link:\n${output}`);
  return new URL(match[1]);
}
