/**
 * The JavaScript runtimes besides the current Node.js that the packed SDK is run on. Each comes
 * from the npm registry (the only place CI can download from): Node.js 18 from the `node`
 * package (as scripts/test-on-node.sh gets Node 24), Bun from `bun` (its binary from the optional
 * dependency @oven/bun-linux-x64), Deno from `deno` (binary from @deno/linux-x64-glibc). They are
 * installed once into $TAGWRIGHT_NODE_CACHE by install-runtimes.ts, which .ci/run calls.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface Runtime {
  name: string;
  /** What `npm install` fetches, pinned. */
  npmPackage: string;
  /** Folder under the cache the package is installed into. */
  folder: string;
  /** The executable, relative to that folder. */
  executable: string;
  /** Arguments that run one script file. */
  scriptArguments(file: string): string[];
}

export const RUNTIMES: Runtime[] = [
  {
    // The oldest Node.js the package supports (engines ">=18"): no global crypto, no global File.
    name: 'Node.js 18',
    npmPackage: 'node@18.20.8',
    folder: 'node18.20.8',
    executable: 'node_modules/node/bin/node',
    scriptArguments: (file) => [file],
  },
  {
    name: 'Bun',
    npmPackage: 'bun@1.4.5',
    folder: 'bun1.4.5',
    executable: 'node_modules/.bin/bun',
    scriptArguments: (file) => ['run', file],
  },
  {
    // Deno resolves @tagwright/sdk from the project's package.json and node_modules, as a Deno user with npm packages would.
    name: 'Deno',
    npmPackage: 'deno@2.9.6',
    folder: 'deno2.9.6',
    executable: 'node_modules/.bin/deno',
    scriptArguments: (file) => ['run', '--allow-env', '--allow-net', '--allow-read', file],
  },
];

export const runtimeCache = process.env.TAGWRIGHT_NODE_CACHE ?? path.join(os.homedir(), '.cache', 'tagwright-node');

/** The runtime's executable if it is installed, else undefined. */
export function installedExecutable(runtime: Runtime): string | undefined {
  const file = path.join(runtimeCache, runtime.folder, runtime.executable);
  return fs.existsSync(file) ? file : undefined;
}
