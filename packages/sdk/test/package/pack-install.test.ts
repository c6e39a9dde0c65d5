/**
 * The package as a user gets it: `npm pack` (which builds dist/ through prepack), the tarball
 * installed offline into an empty project outside the repository, then an ESM script, a CommonJS
 * script and a TypeScript type check run there against a real server on each database; the two
 * scripts also on Node.js 18, Bun and Deno (runtimes.ts).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { NO_CHROMIUM, hasChromium, launchChromium } from '../../../server/test/e2e/browser.ts';
import { LIVE_KEY, describeEachDatabase, plainName, useSdkServer } from '../helpers/server.ts';
import { RUNTIMES, installedExecutable } from './runtimes.ts';

const INSTALL_RUNTIMES = 'node --import tsx packages/sdk/test/package/install-runtimes.ts';
// A developer without them sees those tests skipped; in CI a skip would hide them, so it fails.
const missingRuntimes = RUNTIMES.filter((runtime) => !installedExecutable(runtime));
if (missingRuntimes.length > 0 && process.env.CI === 'true') {
  throw new Error(`${missingRuntimes.map((runtime) => runtime.npmPackage).join(', ')} not installed: CI requires them (.ci/run runs ${INSTALL_RUNTIMES})`);
}

const run = promisify(execFile);
const sdkDir = path.resolve(fileURLToPath(import.meta.url), '../../..');
const repoDir = path.resolve(sdkDir, '../..');
const consumerFiles = path.join(sdkDir, 'test/package/consumer');
const tsc = path.join(repoDir, 'node_modules/typescript/bin/tsc');
const { version } = JSON.parse(fs.readFileSync(path.join(sdkDir, 'package.json'), 'utf8')) as { version: string };

/**
 * The environment of a user's shell: none of the npm_* variables that `npm test -w` sets (a
 * workspace flag among them would send `npm install` back into this repository), no NODE_PATH.
 */
function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^npm_/i.test(key) && key !== 'NODE_PATH' && key !== 'NODE_OPTIONS' && key !== 'INIT_CWD') env[key] = value;
  }
  return { ...env, ...extra };
}

interface Installed {
  /** The temporary project with the tarball in its node_modules. */
  dir: string;
  tarballFiles: string[];
}

let installing: Promise<Installed> | undefined;

/** Packs and installs once for the whole file; both databases' suites use the same project. */
function installPackedSdk(): Promise<Installed> {
  installing ??= (async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tagwright-sdk-consumer-'));
    const packed = await run('npm', ['pack', '--json', '--pack-destination', dir], { cwd: sdkDir, env: userEnv(), maxBuffer: 16 * 1024 * 1024 });
    // prepack's build log comes first on stdout; npm's JSON report is the last thing printed.
    const report = JSON.parse(packed.stdout.slice(packed.stdout.lastIndexOf('\n[') + 1)) as Array<{ filename: string; files: Array<{ path: string }> }>;
    const tarball = path.join(dir, report[0].filename);
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'sdk-consumer', private: true, version: '1.0.0' }));
    await run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball], { cwd: dir, env: userEnv() });
    for (const file of fs.readdirSync(consumerFiles)) fs.copyFileSync(path.join(consumerFiles, file), path.join(dir, file));
    fs.writeFileSync(
      path.join(dir, 'tsconfig.json'),
      JSON.stringify({
        // What a browser or Deno project sees: no @types/node, the DOM's fetch, Blob and File. skipLibCheck off, so the
        // published declarations are checked too.
        compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2022', 'DOM'], types: [], strict: true, noEmit: true, skipLibCheck: false },
        files: ['typed.mts', 'typed.cts'],
      }),
    );
    return { dir, tarballFiles: report[0].files.map((file) => file.path).sort() };
  })();
  return installing;
}

after(() => {
  void installing?.then(({ dir }) => fs.rmSync(dir, { recursive: true, force: true }));
});

describeEachDatabase('the packed SDK installed outside the repository', (dialect) => {
  const api = useSdkServer(dialect);
  let installed: Installed;
  before(async () => {
    installed = await installPackedSdk();
  });

  async function runScript(runtime: string[], file: string, project: string): Promise<Record<string, any>> {
    const [executable, ...args] = runtime;
    const { stdout } = await run(executable, [...args, file], {
      cwd: installed.dir,
      env: userEnv({ TAGWRIGHT_URL: api.current.server.url, TAGWRIGHT_API_KEY: LIVE_KEY, PROJECT: project }),
    });
    return JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, any>;
  }

  it('ships only the built files, the README, the changelog and the licence', () => {
    assert.deepEqual(installed.tarballFiles, ['CHANGELOG.md', 'LICENSE', 'README.md', 'dist/index.cjs', 'dist/index.d.cts', 'dist/index.d.ts', 'dist/index.js', 'package.json']);
    const manifest = JSON.parse(fs.readFileSync(path.join(installed.dir, 'node_modules/@tagwright/sdk/package.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(manifest.version, version);
    assert.equal(manifest.dependencies, undefined, 'the SDK has no runtime dependencies');
    assert.deepEqual(fs.readdirSync(path.join(installed.dir, 'node_modules')).sort(), ['.package-lock.json', '@tagwright']);
    const declarations = fs.readFileSync(path.join(installed.dir, 'node_modules/@tagwright/sdk/dist/index.d.ts'), 'utf8');
    assert.doesNotMatch(declarations, /@tagwright\/formats|\bfrom\s*['"]/, 'the declarations import nothing');
    // Browsers and Deno load the bundles as they are: a Node built-in may only be loaded on demand, never at load time.
    const esm = fs.readFileSync(path.join(installed.dir, 'node_modules/@tagwright/sdk/dist/index.js'), 'utf8');
    const cjs = fs.readFileSync(path.join(installed.dir, 'node_modules/@tagwright/sdk/dist/index.cjs'), 'utf8');
    assert.doesNotMatch(esm, /^\s*import\b[^(]*from\s*['"]/m, 'the ESM bundle has no static import');
    assert.deepEqual([...esm.matchAll(/\bimport\((['"])([^'"]+)\1\)/g)].map((match) => match[2]).sort(), ['node:buffer', 'node:crypto', 'node:fs']);
    assert.deepEqual([...cjs.matchAll(/^(?:var|const|let)\s+\w+\s*=\s*require\(/gm)], [], 'the CommonJS bundle requires nothing at load time');
  });

  const runtimes: Array<{ name: string; command: string[] | undefined; reason?: string }> = [
    { name: `Node.js ${process.versions.node}`, command: [process.execPath] },
    ...RUNTIMES.map((runtime) => {
      const executable = installedExecutable(runtime);
      return { name: runtime.name, command: executable ? [executable, ...runtime.scriptArguments('')].filter(Boolean) : undefined, reason: `${runtime.npmPackage} is not installed (${INSTALL_RUNTIMES})` };
    }),
  ];
  for (const runtime of runtimes) {
    const skip = runtime.command ? false : runtime.reason;
    it(`on ${runtime.name}, an ESM script creates a project and a task, reads it back, lists it and gets the typed duplicate error`, { skip }, async () => {
      const project = plainName('esm');
      const result = await runScript(runtime.command!, 'esm.mjs', project);
      assert.equal(fs.realpathSync(fileURLToPath(result.resolved)), fs.realpathSync(path.join(installed.dir, 'node_modules/@tagwright/sdk/dist/index.js')));
      assert.equal(result.version, version);
      assert.equal(result.project, project);
      assert.equal(result.readBack.task_id, result.taskId);
      assert.equal(result.readBack.project, project);
      assert.equal(result.readBack.status, 'pending');
      assert.deepEqual(result.readBack.params.categories, ['cat', 'dog']);
      assert.deepEqual(result.listed, [result.taskId]);
      assert.equal(result.duplicate, 'ScaleDuplicateResource');
      // The server holds what the installed package created.
      const stored = await api.current.live.getTask(result.taskId);
      assert.equal(stored.unique_id, `${project}-esm`);
    });

    it(`on ${runtime.name}, a CommonJS script creates a task with the key from TAGWRIGHT_API_KEY, reads and counts it, and gets a typed 404`, { skip }, async () => {
      const project = plainName('cjs');
      await api.current.live.createProject({ projectName: project, taskType: 'categorization' });
      const result = await runScript(runtime.command!, 'cjs.cjs', project);
      assert.equal(fs.realpathSync(result.resolved), fs.realpathSync(path.join(installed.dir, 'node_modules/@tagwright/sdk/dist/index.cjs')));
      assert.equal(result.sameClass, true);
      assert.equal(result.readBack.task_id, result.taskId);
      assert.equal(result.readBack.unique_id, `${project}-cjs`);
      assert.equal(result.count, 1);
      assert.equal(result.missing, 'ScaleResourceNotFound 404');
      assert.equal(result.duplicateClass, 'function');
      assert.equal((await api.current.live.getTask(result.taskId)).project, project);
    });
  }

  describe('in headless Chromium, the ESM bundle loaded by a page through an import map', { skip: hasChromium ? false : NO_CHROMIUM }, () => {
    let browser: Browser;
    before(async () => {
      browser = await launchChromium();
    });
    after(async () => {
      await browser?.close();
    });

    /** Opens a page at `pageUrl` whose files (HTML, page module, SDK bundle) the test serves itself; every other request goes to the network. */
    async function openPage(pageUrl: string): Promise<{ page: Page; errors: string[]; console: string[] }> {
      const page = await browser.newPage();
      const errors: string[] = [];
      const console: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      page.on('console', (message) => console.push(message.text()));
      const files: Record<string, [string, string]> = {
        '': ['text/html', '<!doctype html><script type="importmap">{"imports":{"@tagwright/sdk":"./sdk/index.js"}}</script><script type="module" src="./browser.mjs"></script>'],
        'browser.mjs': ['text/javascript', fs.readFileSync(path.join(installed.dir, 'browser.mjs'), 'utf8')],
        'sdk/index.js': ['text/javascript', fs.readFileSync(path.join(installed.dir, 'node_modules/@tagwright/sdk/dist/index.js'), 'utf8')],
      };
      await page.route(`${pageUrl}**`, (route) => {
        const file = files[route.request().url().slice(pageUrl.length)];
        return file ? route.fulfill({ contentType: file[0], body: file[1] }) : route.fulfill({ status: 404, body: 'not found' });
      });
      await page.goto(pageUrl);
      await page.waitForFunction(() => typeof (window as any).firstCalls === 'function');
      return { page, errors, console };
    }

    it('a page on the same origin as the server creates a project and a task, reads it back, lists it and gets the typed duplicate error', async () => {
      const project = plainName('browser');
      const { page, errors } = await openPage(`${api.current.server.url}/sdk-check/`);
      const result = await page.evaluate((params) => (window as any).firstCalls(params), { url: api.current.server.url, apiKey: LIVE_KEY, projectName: project, maxRetries: 2 });
      await page.close();
      assert.deepEqual(errors, []);
      assert.equal(result.error, undefined, `${result.error}: ${result.cause}`);
      assert.equal(result.version, version);
      assert.equal(result.readBack.task_id, result.taskId);
      assert.equal(result.readBack.project, project);
      assert.deepEqual(result.listed, [result.taskId]);
      assert.equal(result.duplicate, 'ScaleDuplicateResource');
      assert.equal((await api.current.live.getTask(result.taskId)).unique_id, `${project}-browser`);
    });

    it('a page on another origin gets ScaleConnectionError and creates nothing: the server sends no CORS headers', async () => {
      const project = plainName('cross-origin');
      // localhost and 127.0.0.1 are two origins (both loopback, so only CORS stands between them).
      const server = new URL(api.current.server.url);
      const { page, errors, console } = await openPage(`http://localhost:${server.port}/sdk-check/`);
      const result = await page.evaluate((params) => (window as any).firstCalls(params), { url: api.current.server.url, apiKey: LIVE_KEY, projectName: project, maxRetries: 0 });
      await page.close();
      assert.deepEqual(errors, []);
      assert.equal(result.error, 'ScaleConnectionError');
      assert.ok(console.some((line) => /blocked by CORS policy/.test(line)), console.join('\n'));
      await assert.rejects(api.current.live.getProject(project), { status: 404 });
      // Whatever else Chromium checks first (its local-network permission here), the server's preflight answer allows no other origin.
      const preflight = await fetch(`${api.current.server.url}/v1/projects`, {
        method: 'OPTIONS',
        headers: { origin: `http://localhost:${server.port}`, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
      });
      assert.equal(preflight.headers.get('access-control-allow-origin'), null);
    });
  });

  it('TypeScript checks code against the ESM and CommonJS declarations with no @types/node', async () => {
    const checked = await run(process.execPath, [tsc, '-p', '.'], { cwd: installed.dir, env: userEnv() }).catch((error: { stdout: string }) => error);
    assert.equal(checked.stdout, '', `tsc found errors:\n${checked.stdout}`);
    // And it would fail on a wrong call: the same check with one @ts-expect-error removed.
    const broken = path.join(installed.dir, 'typed.mts');
    const source = fs.readFileSync(broken, 'utf8');
    fs.writeFileSync(broken, source.replace('// @ts-expect-error there is no such method\n', ''));
    try {
      const failed = await run(process.execPath, [tsc, '-p', '.'], { cwd: installed.dir, env: userEnv() }).then(
        () => ({ stdout: '' }),
        (error: { stdout: string }) => error,
      );
      assert.match(failed.stdout, /Property 'createTaskz' does not exist on type 'Tagwright'/);
    } finally {
      fs.writeFileSync(broken, source);
    }
  });
});
