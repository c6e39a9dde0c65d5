import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, it } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.ts';
import { LIVE_KEY, TEST_KEY, useTestServer } from '../helpers/server.ts';
import { createBatch, createProject, createTask, outboxFor, unique } from '../tasks/helpers.ts';
import { completeTask } from '../dashboard/helpers.ts';
import { jsonlRecords } from '../../src/services/import-records.ts';
import type { Caller } from '../../src/services/account.service.ts';
import { cliEnvironment, runCli } from './helpers.ts';

const IMAGE = { type: 'imageannotation', geometries: { box: { objects_to_annotate: ['car'] } } };

function lines(records: unknown[]): string[] {
  return [records.map((record) => JSON.stringify(record)).join('\n') + '\n'];
}

describeEachDatabase('Bulk import rules', (dialect) => {
  const server = useTestServer(dialect);
  let live: Caller;
  let test: Caller;
  let workDir: string;

  before(async () => {
    live = (await server.current.server.services.accounts.authenticate(LIVE_KEY))!;
    test = (await server.current.server.services.accounts.authenticate(TEST_KEY))!;
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tagwright-import-rules-'));
  });

  after(() => {
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  });

  const importTasks = (caller: Caller, records: unknown[], options = {}) =>
    server.current.server.services.taskImport.importTasks(caller, jsonlRecords(lines(records)), options);

  it('imports a CSV file with the CLI into live, where tasks stay pending in their batch with nested metadata', async () => {
    const project = unique('csv');
    const batch = unique('csv-b');
    await createProject(server.current, { name: project, params: { geometries: IMAGE.geometries } });
    await createBatch(server.current, project, batch);
    const file = path.join(workDir, 'tasks.csv');
    fs.writeFileSync(
      file,
      [
        'attachment,unique_id,metadata.width,metadata.height,tags,instruction',
        'https://cdn.example.com/a.jpg,csv-a,640,480,"[""x"",""y""]","Count the cars, carefully"',
        'https://cdn.example.com/b.jpg,csv-b,,,,',
      ].join('\r\n') + '\r\n',
    );
    const env = cliEnvironment(server.current);
    const result = await runCli(env, ['--json', 'import', file, '--account', live.account.id, '--env', 'live', '--type', 'imageannotation', '--batch', batch, '--no-progress']);
    assert.equal(result.code, 0, result.stderr);
    const summary = JSON.parse(result.stdout.toString());
    assert.deepEqual([summary.created, summary.completed, summary.failed], [2, 0, 0]);

    const listed = await server.current.request('GET', `/v1/tasks?batch=${batch}&status=pending`);
    assert.equal(listed.body.total, 2);
    const first = listed.body.docs.find((task: any) => task.unique_id === 'csv-a');
    assert.equal(first.project, project);
    assert.deepEqual(first.metadata, { width: '640', height: '480' });
    assert.deepEqual(first.tags, ['x', 'y']);
    assert.equal(first.instruction, 'Count the cars, carefully');
    const tagged = await server.current.request('GET', `/v1/tasks?batch=${batch}&tags=y`);
    assert.equal(tagged.body.total, 1, 'tag rows are written for the tag filter');
    const status = await server.current.request('GET', `/v1/batches/${batch}`);
    assert.equal(status.body.status, 'in_progress');
  });

  it('reports invalid records by line on standard error, imports the valid ones, and exits with status 1', async () => {
    const project = unique('invalid');
    await createProject(server.current, { name: project, type: 'categorization' });
    const file = path.join(workDir, 'mixed.jsonl');
    const records = [
      JSON.stringify({ type: 'categorization', attachment: 'https://x/1.jpg', categories: ['a', 'b'] }),
      JSON.stringify({ type: 'categorization', attachment: 'https://x/2.jpg' }),
      '{not json',
      JSON.stringify({ ...IMAGE, attachment: 'https://x/3.jpg' }),
      JSON.stringify({ type: 'nonsense', attachment: 'https://x/4.jpg' }),
      JSON.stringify({ type: 'categorization', attachment: 'https://x/5.jpg', categories: ['c'], priority: 99 }),
      JSON.stringify({ type: 'categorization', attachment: 'https://x/6.jpg', categories: ['d'] }),
    ];
    fs.writeFileSync(file, records.join('\n'));
    const result = await runCli(cliEnvironment(server.current), ['import', file, '--account', live.account.id, '--env', 'live', '--project', project, '--no-progress']);
    assert.equal(result.code, 1);
    assert.match(result.stdout.toString(), /7 records, 2 tasks created.*5 invalid/);
    assert.match(result.stderr, /^line 2: Missing required parameter 'categories'/m);
    assert.match(result.stderr, /^line 3: not valid JSON/m);
    assert.match(result.stderr, /^line 4: Invalid value for 'project': project ".*" holds categorization tasks/m);
    assert.match(result.stderr, /^line 5: Invalid task type "nonsense"/m);
    assert.match(result.stderr, /^line 6: Invalid value for 'priority'/m);
    const listed = await server.current.request('GET', `/v1/tasks?project=${project}`);
    assert.deepEqual(listed.body.docs.map((task: any) => task.params.attachment).sort(), ['https://x/1.jpg', 'https://x/6.jpg']);
  });

  it('counts in a dry run the tasks a real run would skip: unique_ids taken already or repeated in the file', async () => {
    const project = unique('dry');
    await createProject(server.current, { name: project });
    await createTask(server.current, 'imageannotation', { project, unique_id: 'dry-taken' });
    const records = ['dry-taken', 'dry-new', 'dry-new', 'dry-other'].map((uniqueId) => ({ ...IMAGE, attachment: 'https://x/1.jpg', unique_id: uniqueId }));
    const dry = await importTasks(live, records, { project, dryRun: true });
    assert.deepEqual([dry.records, dry.created, dry.skipped, dry.failed], [4, 0, 2, 0]);
    const listed = await server.current.request('GET', `/v1/tasks?project=${project}`);
    assert.equal(listed.body.total, 1, 'a dry run writes nothing');
    const real = await importTasks(live, records, { project });
    assert.deepEqual([real.created, real.skipped], [2, 2]);
  });

  it('does not create the default project in a dry run', async () => {
    const fresh = await server.current.createAccount();
    const caller = (await server.current.server.services.accounts.authenticate(fresh.liveKey))!;
    const dry = await importTasks(caller, [{ ...IMAGE, attachment: 'https://x/1.jpg' }], { dryRun: true });
    assert.equal(dry.failed, 0);
    const projects = await server.current.request('GET', '/v1/projects', { key: fresh.liveKey });
    assert.deepEqual(projects.body, []);
  });

  it('reopens a completed batch for live tasks, as POST task does', async () => {
    const project = unique('reopen');
    const batch = unique('reopen-b');
    await createProject(server.current, { name: project });
    await createBatch(server.current, project, batch);
    const done = await createTask(server.current, 'imageannotation', { project, batch });
    await completeTask(server.current, done.task_id, { annotations: [] });
    assert.equal((await server.current.request('GET', `/v1/batches/${batch}`)).body.status, 'completed');
    const summary = await importTasks(live, [{ ...IMAGE, attachment: 'https://x/1.jpg' }], { batch });
    assert.equal(summary.created, 1);
    const reopened = await server.current.request('GET', `/v1/batches/${batch}`);
    assert.equal(reopened.body.status, 'in_progress');
    const counts = await server.current.request('GET', `/v1/batches/${batch}/status`);
    assert.deepEqual([counts.body.tasks_pending, counts.body.tasks_completed, counts.body.pending, counts.body.completed], [1, 1, 1, 1]);
  });

  it('refuses every record of a cancelled batch with its reason', async () => {
    const project = unique('cancelled');
    const batch = unique('cancelled-b');
    await createProject(server.current, { name: project });
    await createBatch(server.current, project, batch);
    const cancelled = await server.current.request('POST', '/v2/batch/cancel', { body: { batch_name: batch }, scheme: 'bearer' });
    assert.equal(cancelled.status, 200, cancelled.text);
    const summary = await importTasks(live, [1, 2].map((index) => ({ ...IMAGE, attachment: `https://x/${index}.jpg` })), { batch });
    assert.deepEqual([summary.created, summary.failed], [0, 2]);
    assert.match(summary.errors[0].message, /is cancelled and accepts no new tasks/);
  });

  it('queues the completed callback of every test task it completes, and completes their batch once', async () => {
    const project = unique('callbacks');
    const batch = unique('callbacks-b');
    await createProject(server.current, { name: project }, TEST_KEY);
    await createBatch(server.current, project, batch, { callback: 'http://127.0.0.1:9/batch' }, TEST_KEY);
    const records = [0, 1, 2].map((index) => ({ ...IMAGE, attachment: `https://x/${index}.jpg`, callback_url: `http://127.0.0.1:9/task/${index}` }));
    const summary = await importTasks(test, records, { batch });
    assert.deepEqual([summary.created, summary.completed], [3, 3]);
    const listed = await server.current.request('GET', `/v1/tasks?batch=${batch}`, { key: TEST_KEY });
    for (const task of listed.body.docs) {
      const rows = await outboxFor(server.current, task.task_id);
      assert.deepEqual(rows.map((row) => [row.event, row.target]), [['completed', task.callback_url]]);
      assert.equal(rows[0].payload.task.status, 'completed');
      assert.deepEqual(rows[0].payload.response, { annotations: [] });
    }
    const batchObject = await server.current.request('GET', `/v1/batches/${batch}`, { key: TEST_KEY });
    assert.equal(batchObject.body.status, 'completed');
    const batchRows = await outboxFor(server.current, batchObject.body.id);
    assert.deepEqual(batchRows.map((row) => row.event), ['batch_completed']);
    assert.equal(batchRows[0].payload.counts.completed, 3);
  });
});
