/**
 * Installs the runtimes of runtimes.ts from the npm registry into $TAGWRIGHT_NODE_CACHE (those not
 * there yet), so pack-install.test.ts can run the packed SDK on each:
 *   node --import tsx packages/sdk/test/package/install-runtimes.ts
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { RUNTIMES, installedExecutable, runtimeCache } from './runtimes.ts';

for (const runtime of RUNTIMES) {
  if (installedExecutable(runtime)) continue;
  const prefix = path.join(runtimeCache, runtime.folder);
  fs.mkdirSync(prefix, { recursive: true });
  console.log(`== installing ${runtime.npmPackage} from npm into ${prefix}`);
  // Scripts stay on: bun's and deno's postinstall put their binary (from the optional dependency) in place.
  execFileSync('npm', ['install', '--prefix', prefix, '--no-save', '--no-audit', '--no-fund', '--loglevel=error', runtime.npmPackage], { stdio: 'inherit' });
  const executable = installedExecutable(runtime);
  if (!executable) throw new Error(`${runtime.npmPackage} installed no ${runtime.executable} in ${prefix}`);
  console.log(`== ${runtime.name}: ${execFileSync(executable, ['--version'], { encoding: 'utf8' }).trim()}`);
}
