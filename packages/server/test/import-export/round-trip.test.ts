import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, it } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.ts';
import { TEST_KEY, useTestServer } from '../helpers/server.ts';
import { signedIn } from '../dashboard/helpers.ts';
import { parseCsv } from '../../src/domain/csv.ts';
import { TaskRepository } from '../../src/repositories/task.repository.ts';
import type { Caller } from '../../src/services/account.service.ts';
import { cliEnvironment, readTar, runCli, runCliJson, vocObjects } from './helpers.ts';

const COUNT = 10_000;
/** Every FIXED_EVERY-th task gets a reviewer's response with boxes, a polygon and a line before the exports. */
const FIXED_EVERY = 10;
const WIDTH = 640;
const HEIGHT = 480;
const GEOMETRIES = {
  box: { objects_to_annotate: ['car', 'person'] },
  polygon: { objects_to_annotate: ['bike'] },
  line: { objects_to_annotate: ['lane'] },
};

/** The response the reviewer gives task `index`: two boxes, a polygon, and a line (which box formats cannot hold). */
function responseFor(index: number) {
  return {
    annotations: [
      { type: 'box', label: 'car', left: index % 100, top: 10, width: 50 + (index % 7), height: 40 },
      { type: 'box', label: 'person', left: 200, top: 100 + (index % 30), width: 30, height: 90 },
      { type: 'polygon', label: 'bike', vertices: [{ x: 300, y: 300 }, { x: 400, y: 300 }, { x: 350, y: 380 }] },
      { type: 'line', label: 'lane', vertices: [{ x: 0, y: 470 }, { x: 640, y: 470 }] },
    ],
  };
}

/** [label, x, y, width, height] of the objects the box formats should carry for task `index`. */
function expectedBoxes(index: number): Array<[string, number, number, number, number]> {
  return [
    ['car', index % 100, 10, 50 + (index % 7), 40],
    ['person', 200, 100 + (index % 30), 30, 90],
    ['bike', 300, 300, 100, 80],
  ];
}

const indexOfUniqueId = (uniqueId: string) => Number(uniqueId.slice('rt-'.length));

describeEachDatabase('Bulk import and streaming export', (dialect) => {
  const server = useTestServer(dialect);
  const project = `roundtrip-${dialect}`;
  const batch = `roundtrip-${dialect}-1`;
  let env: NodeJS.ProcessEnv;
  let caller: Caller;
  let workDir: string;
  let jsonlFile: string;
  /** unique_id index of each task id, from the JSONL export. */
  const indexOfTask = new Map<string, number>();

  const importArgs = () => ['import', jsonlFile, '--account', caller.account.id, '--env', 'test', '--project', project, '--batch', batch, '--no-progress'];
  const exportArgs = (format: string, out: string) => ['export', '--account', caller.account.id, '--env', 'test', '--project', project, '--format', format, '--out', out, '--no-progress'];
  const apiTotal = async (query: string) => {
    const response = await server.current.request('GET', `/v1/tasks?${query}&limit=1`, { key: TEST_KEY });
    assert.equal(response.status, 200, response.text);
    return response.body.total as number;
  };

  before(async () => {
    env = cliEnvironment(server.current);
    caller = (await server.current.server.services.accounts.authenticate(TEST_KEY))!;
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tagwright-import-'));
    jsonlFile = path.join(workDir, 'tasks.jsonl');
    const created = await server.current.request('POST', '/v1/projects', { key: TEST_KEY, body: { type: 'imageannotation', name: project, params: { geometries: GEOMETRIES } } });
    assert.equal(created.status, 200, created.text);
    const batchCreated = await server.current.request('POST', '/v1/batches', { key: TEST_KEY, body: { project, name: batch } });
    assert.equal(batchCreated.status, 200, batchCreated.text);
    const lines = [];
    for (let index = 0; index < COUNT; index++) {
      lines.push(JSON.stringify({ type: 'imageannotation', attachment: `https://cdn.example.com/rt/${index}.png`, unique_id: `rt-${index}`, metadata: { width: WIDTH, height: HEIGHT, index } }));
    }
    fs.writeFileSync(jsonlFile, lines.join('\n') + '\n');
  });

  after(() => {
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  });

  it('checks 10,000 records in a dry run and writes nothing', async () => {
    const summary = await runCliJson(env, [...importArgs(), '--dry-run']);
    assert.deepEqual({ dry_run: summary.dry_run, records: summary.records, created: summary.created, skipped: summary.skipped, failed: summary.failed }, {
      dry_run: true,
      records: COUNT,
      created: 0,
      skipped: 0,
      failed: 0,
    });
    assert.equal(await apiTotal(`project=${project}`), 0);
  });

  it('imports 10,000 tasks from JSONL with the CLI; test mode completes them and their batch', async () => {
    const summary = await runCliJson(env, importArgs());
    assert.deepEqual({ records: summary.records, created: summary.created, completed: summary.completed, skipped: summary.skipped, failed: summary.failed }, {
      records: COUNT,
      created: COUNT,
      completed: COUNT,
      skipped: 0,
      failed: 0,
    });
    assert.equal(await apiTotal(`project=${project}&status=completed`), COUNT);
    const rows = await new TaskRepository(server.current.server.services.db.kysely, server.current.server.services.db.dialect).countRows(caller.account.id, 'test', {});
    assert.equal(await apiTotal('status=completed'), rows, 'the maintained counters agree with the rows');

    const status = await server.current.request('GET', `/v1/batches/${batch}/status`, { key: TEST_KEY });
    assert.equal(status.body.tasks_completed, COUNT);
    assert.equal(status.body.completed, COUNT, 'the contract answers both spellings');
    const batchObject = await server.current.request('GET', `/v1/batches/${batch}`, { key: TEST_KEY });
    assert.equal(batchObject.body.status, 'completed');

    const one = await server.current.request('GET', '/v1/tasks?unique_id=rt-7', { key: TEST_KEY });
    const task = one.body.docs[0];
    assert.equal(task.batch, batch);
    assert.deepEqual(task.params.geometries, GEOMETRIES, 'project parameters are inherited as on POST task');
    assert.equal(task.project_param_version, 0);
    assert.deepEqual(task.metadata, { width: WIDTH, height: HEIGHT, index: 7 });
    assert.deepEqual(task.response, { annotations: [] });
  });

  it('skips every task on a second run, so an interrupted import can simply be run again', async () => {
    const summary = await runCliJson(env, importArgs());
    assert.deepEqual({ created: summary.created, skipped: summary.skipped, failed: summary.failed }, { created: 0, skipped: COUNT, failed: 0 });
    assert.equal(await apiTotal(`project=${project}`), COUNT);
  });

  it('exports JSONL: every task as its v1 object', async () => {
    await fixEveryTenthTask();
    const result = await runCli(env, exportArgs('jsonl', '-'));
    assert.equal(result.code, 0, result.stderr);
    const tasks = result.stdout.toString('utf8').trimEnd().split('\n').map((line) => JSON.parse(line));
    assert.equal(tasks.length, COUNT);
    for (const task of tasks) indexOfTask.set(task.task_id, indexOfUniqueId(task.unique_id));
    assert.equal(indexOfTask.size, COUNT);
    const fixed = tasks.filter((task) => indexOfUniqueId(task.unique_id) % FIXED_EVERY === 0);
    assert.equal(fixed.length, COUNT / FIXED_EVERY);
    for (const task of fixed) assert.deepEqual(task.response, responseFor(indexOfUniqueId(task.unique_id)));
    assert.ok(tasks.every((task) => task.status === 'completed' && task.project === project && task.batch === batch));
  });

  it('exports COCO whose images, boxes, polygons and categories match the responses', async () => {
    const file = path.join(workDir, 'coco.json');
    const summary = await runCliJson(env, exportArgs('coco', file));
    assert.deepEqual({ tasks: summary.tasks, images: summary.images, annotations: summary.annotations, skipped_shapes: summary.skipped_shapes }, {
      tasks: COUNT,
      images: COUNT,
      annotations: (COUNT / FIXED_EVERY) * 3,
      skipped_shapes: COUNT / FIXED_EVERY,
    });
    const coco = JSON.parse(fs.readFileSync(file, 'utf8'));
    assert.deepEqual(
      coco.categories.map((category: any) => [category.id, category.name]),
      [[1, 'car'], [2, 'person'], [3, 'bike'], [4, 'lane']],
    );
    const names = new Map<number, string>(coco.categories.map((category: any) => [category.id, category.name]));
    assert.equal(coco.images.length, COUNT);
    const byImage = new Map<number, any[]>();
    for (const annotation of coco.annotations) byImage.set(annotation.image_id, [...(byImage.get(annotation.image_id) ?? []), annotation]);
    for (const image of coco.images) {
      const index = indexOfTask.get(image.tagwright_task_id)!;
      assert.equal(image.coco_url, `https://cdn.example.com/rt/${index}.png`);
      assert.equal(image.file_name, `${image.tagwright_task_id}.png`);
      assert.deepEqual([image.width, image.height], [WIDTH, HEIGHT]);
      const annotations = byImage.get(image.id) ?? [];
      if (index % FIXED_EVERY !== 0) {
        assert.equal(annotations.length, 0);
        continue;
      }
      assert.deepEqual(
        annotations.map((annotation) => [names.get(annotation.category_id), ...annotation.bbox]),
        expectedBoxes(index),
      );
      assert.deepEqual(annotations[2].segmentation, [[300, 300, 400, 300, 350, 380]]);
      assert.equal(annotations[2].area, 4000);
    }
  });

  it('exports YOLO label files with normalised boxes and the class list', async () => {
    const dir = path.join(workDir, 'yolo');
    await runCliJson(env, exportArgs('yolo', dir));
    assert.equal(fs.readFileSync(path.join(dir, 'classes.txt'), 'utf8'), 'car\nperson\nbike\nlane\n');
    const labelFiles = fs.readdirSync(path.join(dir, 'labels'));
    assert.equal(labelFiles.length, COUNT);
    for (const name of labelFiles) {
      const index = indexOfTask.get(name.replace(/\.txt$/, ''))!;
      const lines = fs.readFileSync(path.join(dir, 'labels', name), 'utf8').split('\n').filter((line) => line !== '');
      if (index % FIXED_EVERY !== 0) {
        assert.equal(lines.length, 0);
        continue;
      }
      const expected = expectedBoxes(index).map(([, x, y, width, height], classId) => [classId, (x + width / 2) / WIDTH, (y + height / 2) / HEIGHT, width / WIDTH, height / HEIGHT]);
      const actual = lines.map((line) => line.split(' ').map(Number));
      assert.equal(actual.length, expected.length);
      actual.forEach((values, row) => values.forEach((value, column) => assert.ok(Math.abs(value - expected[row][column]) < 1e-6, `${name} line ${row + 1}`)));
    }
    const manifest = fs.readFileSync(path.join(dir, 'images.csv'), 'utf8').trimEnd().split('\r\n');
    assert.equal(manifest.length, COUNT + 1);
  });

  it('exports Pascal VOC (as a tar file) with one <object> per box and polygon', async () => {
    const file = path.join(workDir, 'voc.tar');
    await runCliJson(env, exportArgs('voc', file));
    const files = readTar(fs.readFileSync(file));
    const annotations = [...files.keys()].filter((name) => name.startsWith('Annotations/'));
    assert.equal(annotations.length, COUNT);
    assert.equal(files.get('labels.txt')!.toString(), 'car\nperson\nbike\nlane\n');
    assert.equal(files.get('ImageSets/Main/default.txt')!.toString().trimEnd().split('\n').length, COUNT);
    for (const name of annotations) {
      const taskId = name.slice('Annotations/'.length, -'.xml'.length);
      const index = indexOfTask.get(taskId)!;
      const xml = files.get(name)!.toString('utf8');
      assert.match(xml, new RegExp(`<filename>${taskId}\\.png</filename>`));
      assert.match(xml, /<size><width>640<\/width><height>480<\/height>/);
      const expected = index % FIXED_EVERY === 0 ? expectedBoxes(index).map(([label, x, y, width, height]) => ({ name: label, box: [x, y, x + width, y + height] })) : [];
      assert.deepEqual(vocObjects(xml), expected);
    }
  });

  it('exports CSV with one row per task and its response', async () => {
    const result = await runCli(env, exportArgs('csv', '-'));
    assert.equal(result.code, 0, result.stderr);
    const rows = [];
    for await (const record of parseCsv([result.stdout.toString('utf8')])) rows.push(record.fields);
    const [header, ...data] = rows;
    assert.equal(data.length, COUNT);
    const column = (name: string) => header.indexOf(name);
    for (const row of data) {
      const index = indexOfUniqueId(row[column('unique_id')]);
      assert.equal(row[column('attachment')], `https://cdn.example.com/rt/${index}.png`);
      assert.equal(row[column('status')], 'completed');
      assert.deepEqual(JSON.parse(row[column('response')]), index % FIXED_EVERY === 0 ? responseFor(index) : { annotations: [] });
    }
  });

  it('streams exports over the app API as attachments, and refuses labelers and bad filters before streaming', async () => {
    const jsonl = await fetch(`${server.current.url}/app/api/exports/tasks?format=jsonl&project=${project}`, { headers: basic(TEST_KEY) });
    assert.equal(jsonl.status, 200);
    assert.match(jsonl.headers.get('content-type')!, /application\/x-ndjson/);
    assert.match(jsonl.headers.get('content-disposition')!, /^attachment; filename="tasks-.*\.jsonl"$/);
    assert.equal(jsonl.headers.get('x-total-tasks'), String(COUNT));
    assert.equal((await jsonl.text()).trimEnd().split('\n').length, COUNT);

    const coco = await fetch(`${server.current.url}/app/api/exports/tasks?format=coco&project=${project}&status=any`, { headers: basic(TEST_KEY) });
    assert.equal(coco.status, 200);
    const cocoBody = await coco.json();
    assert.equal(cocoBody.images.length, COUNT);
    assert.equal(cocoBody.annotations.length, (COUNT / FIXED_EVERY) * 3);

    const yolo = await fetch(`${server.current.url}/app/api/exports/tasks?format=yolo&batch=${batch}`, { headers: basic(TEST_KEY) });
    assert.equal(yolo.status, 200);
    assert.equal(yolo.headers.get('content-type'), 'application/x-tar');
    const files = readTar(Buffer.from(await yolo.arrayBuffer()));
    assert.equal([...files.keys()].filter((name) => name.startsWith('labels/')).length, COUNT);

    const noFormat = await server.current.request('GET', `/app/api/exports/tasks?project=${project}`, { key: TEST_KEY });
    assert.equal(noFormat.status, 400);
    assert.match(noFormat.body.error, /'format'/);
    const unknownProject = await server.current.request('GET', '/app/api/exports/tasks?format=jsonl&project=nope', { key: TEST_KEY });
    assert.equal(unknownProject.status, 400);
    assert.match(unknownProject.body.error, /no project named "nope"/);

    const labeler = await signedIn(server.current, `export-labeler-${dialect}@example.com`, 'labeler');
    const refused = await labeler.call('GET', '/app/api/exports/tasks?format=jsonl');
    assert.equal(refused.status, 403);
  });

  /** A reviewer's fix on every tenth task, through the task state machine, so the exports have boxes to carry. */
  async function fixEveryTenthTask(): Promise<void> {
    const { services } = server.current.server;
    const repository = new TaskRepository(services.db.kysely, services.db.dialect);
    const ids = [];
    for (let index = 0; index < COUNT; index += FIXED_EVERY) ids.push(`rt-${index}`);
    for (let start = 0; start < ids.length; start += 200) {
      const page = await repository.list(caller.account.id, 'test', { uniqueIds: ids.slice(start, start + 200) }, { limit: 200 });
      await services.taskLifecycle.transaction(services.db.kysely, async (trx) => {
        for (const task of page) {
          await services.taskLifecycle.fixTask(trx, task, responseFor(indexOfUniqueId(task.unique_id!)), { auditor: { email: 'reviewer@example.com', source: 'customer' } });
        }
      });
    }
  }
});

function basic(key: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}` };
}
