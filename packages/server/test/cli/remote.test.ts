/**
 * `tagwright import` and `export` with --url/--key (or TAGWRIGHT_URL/TAGWRIGHT_API_KEY) against a
 * server running in its own process, on each database: the CLI never opens that database.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, it } from 'node:test';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from '../helpers/databases.ts';
import { startNodeProcess, type NodeProcess } from '../helpers/node-process.ts';
import { LIVE_KEY, TEST_KEY } from '../helpers/server.ts';
import { readTar, runCli, runCliJson } from '../import-export/helpers.ts';

describeEachDatabase('tagwright import and export against a remote server', (dialect) => {
  let database: TestDatabase;
  let dataDir: string;
  let workDir: string;
  let server: NodeProcess;
  /** The CLI's environment: no database settings at all, so only the API can be reached. */
  let env: NodeJS.ProcessEnv;

  before(async () => {
    database = await createTestDatabase(dialect);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tagwright-remote-server-'));
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tagwright-remote-cli-'));
    server = await startNodeProcess({
      TAGWRIGHT_DATA_DIR: dataDir,
      TAGWRIGHT_BOOTSTRAP_API_KEY: LIVE_KEY,
      TAGWRIGHT_BOOTSTRAP_TEST_API_KEY: TEST_KEY,
      ...(database.databaseUrl ? { DATABASE_URL: database.databaseUrl } : {}),
    });
    env = { ...process.env, LOG_LEVEL: 'silent' };
    for (const name of Object.keys(env)) if (name.startsWith('TAGWRIGHT_') || name === 'DATABASE_URL') delete env[name];
    // An empty data folder of its own: were the CLI to open a database, it would find none of the tasks.
    env.TAGWRIGHT_DATA_DIR = workDir;
  });

  after(async () => {
    await server?.stop();
    await database?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  async function api(method: string, urlPath: string, key: string, body?: unknown): Promise<any> {
    const response = await fetch(server.url + urlPath, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    assert.ok(response.ok, `${method} ${urlPath}: ${response.status} ${await response.clone().text()}`);
    return response.json();
  }

  function writeJsonl(name: string, records: unknown[], extraLines: string[] = []): string {
    const file = path.join(workDir, name);
    fs.writeFileSync(file, [...records.map((record) => JSON.stringify(record)), ...extraLines].join('\n') + '\n');
    return file;
  }

  it('imports a JSONL file with --url and --key: tasks created, a bad line reported with its number, a rerun skips them all', async () => {
    await api('POST', '/v1/projects', LIVE_KEY, { name: 'remote-pets', type: 'categorization' });
    const records = Array.from({ length: 12 }, (_, index) => ({ attachment: `https://example.com/pet-${index}.jpg`, categories: ['cat', 'dog'], unique_id: `remote-${index}` }));
    const file = writeJsonl('pets.jsonl', records, ['{"attachment": "https://example.com/broken.jpg"', JSON.stringify({ attachment: 'https://example.com/none.jpg', unique_id: 'no-categories' })]);
    const args = ['import', file, '--url', server.url, '--key', LIVE_KEY, '--type', 'categorization', '--project', 'remote-pets', '--no-progress'];

    const first = await runCli(env, args);
    assert.equal(first.code, 1, 'invalid records make the exit status 1');
    assert.match(first.stdout.toString(), /Imported .*pets\.jsonl: 14 records, 12 tasks created, 0 skipped \(unique_id already used\), 2 invalid/);
    assert.match(first.stderr, /^line 13: not valid JSON/m);
    assert.match(first.stderr, /^line 14: .*categories/m);
    const listed = await api('GET', '/v1/tasks?project=remote-pets&limit=100', LIVE_KEY);
    assert.deepEqual(listed.docs.map((task: any) => task.unique_id).sort(), records.map((record) => record.unique_id).sort());
    assert.ok(listed.docs.every((task: any) => task.status === 'pending' && task.type === 'categorization'));

    const rerun = await runCli(env, ['--json', ...args]);
    assert.equal(rerun.code, 1, 'the two invalid records are invalid again');
    const again = JSON.parse(rerun.stdout.toString());
    assert.deepEqual({ records: again.records, created: again.created, skipped: again.skipped, failed: again.failed }, { records: 14, created: 0, skipped: 12, failed: 2 });
  });

  it('takes the server and the key from TAGWRIGHT_URL and TAGWRIGHT_API_KEY, and the key picks the environment', async () => {
    const file = writeJsonl('test-env.jsonl', [{ type: 'categorization', attachment: 'https://example.com/t.jpg', categories: ['a', 'b'], unique_id: 'env-vars-1' }]);
    const result = await runCliJson({ ...env, TAGWRIGHT_URL: `${server.url}/v1`, TAGWRIGHT_API_KEY: TEST_KEY }, ['import', file, '--no-progress']);
    assert.equal(result.created, 1);
    const found = await api('GET', '/v1/tasks?unique_id=env-vars-1', TEST_KEY);
    assert.equal(found.docs.length, 1);
    assert.equal(found.docs[0].status, 'completed', 'a test key completes tasks at once');
    assert.equal((await api('GET', '/v1/tasks?unique_id=env-vars-1', LIVE_KEY)).docs.length, 0, 'nothing went to the live environment');
  });

  it('shows the same progress bar on standard error while importing', async () => {
    const records = Array.from({ length: 3 }, (_, index) => ({ type: 'categorization', attachment: `https://example.com/p-${index}.jpg`, categories: ['x'], unique_id: `progress-${index}` }));
    const result = await runCli(env, ['import', writeJsonl('progress.jsonl', records), '--url', server.url, '--key', LIVE_KEY]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /importing \[[=\- ░█]*\] 100% \| [\d.]+\/[\d.]+ MB \| 3 tasks/);
  });

  it('exports JSONL to a file and YOLO as a tar over the API, with the server filtering by project', async () => {
    const out = path.join(workDir, 'remote-pets.jsonl');
    const report = await runCliJson(env, ['export', '--url', server.url, '--key', LIVE_KEY, '--format', 'jsonl', '--status', 'any', '--project', 'remote-pets', '--out', out, '--no-progress']);
    const lines = fs.readFileSync(out, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    assert.equal(report.tasks, 12);
    assert.equal(report.destination, out);
    assert.equal(report.bytes, fs.statSync(out).size);
    assert.equal(lines.length, 12);
    assert.deepEqual(new Set(lines.map((task) => task.project)), new Set(['remote-pets']));

    const progress = await runCli(env, ['export', '--url', server.url, '--key', LIVE_KEY, '--format', 'jsonl', '--status', 'any', '--project', 'remote-pets', '--out', '-']);
    assert.equal(progress.code, 0, progress.stderr);
    assert.equal(progress.stdout.toString().trim().split('\n').length, 12);
    assert.match(progress.stderr, /exporting \[[=\- ░█]*\] 100% \| 12\/12 tasks/);
    assert.match(progress.stderr, /Exported 12 tasks as jsonl from http:\/\/127\.0\.0\.1:\d+ to standard output/);

    await api('POST', '/v1/projects', TEST_KEY, { name: 'remote-boxes', type: 'imageannotation' });
    await api('POST', '/v1/task/imageannotation', TEST_KEY, {
      project: 'remote-boxes',
      attachment: 'https://example.com/street.jpg',
      geometries: { box: { objects_to_annotate: ['car'] } },
      metadata: { width: 100, height: 50 },
    });
    const tar = path.join(workDir, 'boxes.tar');
    const boxes = await runCli(env, ['export', '--url', server.url, '--key', TEST_KEY, '--format', 'yolo', '--project', 'remote-boxes', '--out', tar]);
    assert.equal(boxes.code, 0, boxes.stderr);
    assert.match(boxes.stdout.toString(), /Exported 1 tasks as yolo/);
    assert.match(boxes.stderr, /exporting [\d.]+ MB received/);
    const files = readTar(fs.readFileSync(tar));
    assert.equal(files.get('classes.txt')?.toString(), 'car\n');
  });

  it('refuses what needs the database, and a server error names what to fix', async () => {
    const folder = await runCli(env, ['export', '--url', server.url, '--key', LIVE_KEY, '--format', 'voc', '--out', path.join(workDir, 'voc-folder')]);
    assert.equal(folder.code, 1);
    assert.match(folder.stderr, /--url exports voc as a tar: give --out NAME\.tar/);
    const dryRun = await runCli(env, ['import', writeJsonl('dry.jsonl', []), '--url', server.url, '--key', LIVE_KEY, '--dry-run']);
    assert.equal(dryRun.code, 1);
    assert.match(dryRun.stderr, /--dry-run .* not available with --url/);
    const noKey = await runCli(env, ['export', '--url', server.url, '--format', 'jsonl']);
    assert.equal(noKey.code, 1);
    assert.match(noKey.stderr, /--url needs an API key: pass --key or set TAGWRIGHT_API_KEY/);
    const unknownProject = await runCli(env, ['export', '--url', server.url, '--key', LIVE_KEY, '--format', 'jsonl', '--project', 'no-such-project']);
    assert.equal(unknownProject.code, 1);
    assert.match(unknownProject.stderr, /no-such-project/);
    const badKey = await runCli(env, ['export', '--url', server.url, '--key', 'live_nope', '--format', 'jsonl']);
    assert.equal(badKey.code, 1);
    assert.match(badKey.stderr, /error: .*(API key|Unauthorized|401)/i);
    const noAccount = await runCli(env, ['export', '--format', 'jsonl']);
    assert.equal(noAccount.code, 1);
    assert.match(noAccount.stderr, /required option '--account <id>' not specified \(or give --url and --key/);
  });
});
