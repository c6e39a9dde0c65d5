// Compiles the server (and the workspace packages it imports, e.g. @tagwright/formats) into
// packages/server/dist once, so `npm start` and `npx tagwright` run plain JavaScript instead of
// loading a TypeScript compiler on every start. Rebuilt when any input changed since the last build.
// Run directly (`node packages/server/scripts/build.mjs`) it rebuilds unconditionally.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SERVER_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FORMATS_DIR = path.resolve(SERVER_DIR, '../formats');
export const DIST_DIR = path.join(SERVER_DIR, 'dist');
const INFO_FILE = 'build-info.json';

/** Everything the output depends on: the sources, the package manifests and this script. */
function inputFiles() {
  const files = [
    fileURLToPath(import.meta.url),
    path.join(SERVER_DIR, 'package.json'),
    path.join(FORMATS_DIR, 'package.json'),
  ];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else files.push(full);
    }
  };
  walk(path.join(SERVER_DIR, 'src'));
  walk(path.join(FORMATS_DIR, 'src'));
  return files;
}

/**
 * The inputs' names and contents, hashed (about 2 MB: tens of milliseconds). Contents rather than
 * modification times, so a copy of the repository with its dist/ (a container image, rsync) is not
 * rebuilt, and any edit, added or removed file is.
 */
function fingerprint() {
  const hash = crypto.createHash('sha256');
  for (const file of inputFiles().sort()) {
    hash.update(`${path.relative(SERVER_DIR, file)}\0`);
    hash.update(fs.readFileSync(file));
  }
  return hash.digest('hex');
}

function builtFingerprint() {
  try {
    return JSON.parse(fs.readFileSync(path.join(DIST_DIR, INFO_FILE), 'utf8')).fingerprint;
  } catch {
    return undefined;
  }
}

/** Removes the staging folders of builds whose process died midway (killed, out of disk). */
function removeLeftovers() {
  for (const name of fs.readdirSync(SERVER_DIR)) {
    const match = /^dist\.(?:building|old)-(\d+)$/.exec(name);
    if (!match) continue;
    try {
      process.kill(Number(match[1]), 0);
    } catch (error) {
      if (error.code === 'ESRCH') fs.rmSync(path.join(SERVER_DIR, name), { recursive: true, force: true });
    }
  }
}

/** Builds into a fresh folder and swaps it in, so a process starting meanwhile never sees half a build. */
async function build(print) {
  const started = performance.now();
  const { build: esbuild } = await import('esbuild');
  const manifest = JSON.parse(fs.readFileSync(path.join(SERVER_DIR, 'package.json'), 'utf8'));
  // npm dependencies stay in node_modules (native drivers, files they read next to themselves);
  // the workspace packages are TypeScript sources, so they go into the bundle.
  const external = Object.keys(manifest.dependencies ?? {}).filter((name) => !name.startsWith('@tagwright/'));
  const sourcesFingerprint = fingerprint();
  removeLeftovers();
  const staging = `${DIST_DIR}.building-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  await esbuild({
    // Both entries and their shared chunks land directly in dist/, at the depth of src/, so paths
    // that src/config.ts and src/version.ts resolve from import.meta (../package.json,
    // ../../web/dist) mean the same from the compiled files.
    entryPoints: { main: path.join(SERVER_DIR, 'src/main.ts'), cli: path.join(SERVER_DIR, 'src/cli/main.ts') },
    outdir: staging,
    bundle: true,
    splitting: true, // the CLI loads the server's modules only for the commands that need them
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external,
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  fs.writeFileSync(path.join(staging, INFO_FILE), JSON.stringify({ fingerprint: sourcesFingerprint, builtAt: new Date().toISOString() }) + '\n');
  const old = `${DIST_DIR}.old-${process.pid}`;
  if (fs.existsSync(DIST_DIR)) fs.renameSync(DIST_DIR, old);
  try {
    fs.renameSync(staging, DIST_DIR);
  } catch (error) {
    // Another process swapped in its build of the same sources first.
    if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
    fs.rmSync(staging, { recursive: true, force: true });
  }
  fs.rmSync(old, { recursive: true, force: true });
  print(`Built the server into packages/server/dist in ${Math.round(performance.now() - started)} ms.\n`);
}

/** Builds packages/server/dist unless it was built from the sources as they are now. */
export async function ensureServerBuild() {
  if (builtFingerprint() === fingerprint()) return;
  // Standard error, so that a CLI command's output on standard output stays exactly what it prints.
  process.stderr.write('Building the server (packages/server/dist): its sources changed since the last build, or it was never built…\n');
  try {
    await build((line) => process.stderr.write(line));
  } catch (error) {
    // A read-only checkout (a container volume): the build belongs in the image, made beforehand.
    if (error.code === 'EROFS' || error.code === 'EACCES') {
      throw new Error(`Cannot write packages/server/dist (${error.code}). Build it where the folder is writable: npm run build -w @tagwright/server`, { cause: error });
    }
    throw error;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await build((line) => process.stdout.write(line));
}
