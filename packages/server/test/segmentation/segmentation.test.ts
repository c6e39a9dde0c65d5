import assert from 'node:assert/strict';
import { it } from 'node:test';
import sharp from 'sharp';
import { encodeIndexRle } from '@tagwright/formats';
import { describeEachDatabase } from '../helpers/databases.ts';
import { LIVE_KEY, TEST_KEY, useTestServer, type TestServer } from '../helpers/server.ts';
import { readTar } from '../import-export/helpers.ts';
import { decodeCocoRle } from '../../src/families/segmentation/coco-rle.ts';
import { addWorkers, assign, call, createProject, createTask, getTask, next, submit, unique, type TestWorker } from '../queue/helpers.ts';

const LABELS = ['road', { choice: 'vehicle', subchoices: ['car'] }, { choice: 'person', instance_label: true }];
const WIDTH = 8;
const HEIGHT = 4;

/** road everywhere, a car in the top-left 2×2, person #3 in the top-right 2×2, person #4 bottom right. */
function paintedDraft(overrides: { values?: number[]; labelMapping?: unknown; width?: number; height?: number } = {}) {
  // prettier-ignore
  const values = overrides.values ?? [
    2, 2, 1, 1, 1, 1, 3, 3,
    2, 2, 1, 1, 1, 1, 3, 3,
    1, 1, 1, 1, 1, 1, 1, 4,
    1, 1, 1, 1, 1, 1, 1, 4,
  ];
  return {
    labelMapping: overrides.labelMapping ?? {
      road: { index: 1, color: '#e6194b' },
      car: { index: 2, color: '#3cb44b' },
      person: [
        { index: 3, color: '#4363d8', attributes: { occluded: 'no' } },
        { index: 4, color: '#3e5bc7' },
      ],
    },
    mask: encodeIndexRle(overrides.width ?? WIDTH, overrides.height ?? HEIGHT, values),
  };
}

function urlsOf(value: unknown): string[] {
  if (typeof value === 'string') return /^https?:\/\//.test(value) ? [value] : [];
  if (Array.isArray(value)) return value.flatMap(urlsOf);
  if (value && typeof value === 'object') return Object.values(value).flatMap(urlsOf);
  return [];
}

/** Each URL answers 200 with a PNG to a request without any key or cookie. */
async function assertPublicPngs(urls: string[]): Promise<void> {
  assert.ok(urls.length > 0);
  for (const url of urls) {
    const response = await fetch(url);
    assert.equal(response.status, 200, url);
    assert.equal(response.headers.get('content-type'), 'image/png');
    await response.arrayBuffer();
  }
}

async function greyPixels(url: string): Promise<number[]> {
  return pngGrey(Buffer.from(await (await fetch(url)).arrayBuffer()));
}

async function pngGrey(png: Buffer): Promise<number[]> {
  const { data } = await sharp(png).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  return [...data];
}

/** An export of the app API, as bytes, read with the live key. */
async function exported(srv: TestServer, query: string): Promise<Buffer> {
  const response = await fetch(`${srv.url}/app/api/exports/tasks?${query}`, { headers: { authorization: `Basic ${Buffer.from(`${LIVE_KEY}:`).toString('base64')}` } });
  assert.equal(response.status, 200, query);
  return Buffer.from(await response.arrayBuffer());
}

describeEachDatabase('segmentannotation', (dialect) => {
  const server = useTestServer(dialect, { TAGWRIGHT_GOLD_RATE: '0' });

  async function labeledProject(extra: Record<string, unknown> = {}): Promise<{ project: string; worker: TestWorker }> {
    const project = unique('masks');
    await createProject(server.current, { type: 'segmentannotation', name: project, ...extra });
    const [worker] = await addWorkers(server.current, 1);
    await assign(server.current, [worker], [project]);
    return { project, worker };
  }

  async function submitRaw(srv: TestServer, worker: TestWorker, assignment: any, response: unknown) {
    return call(srv, worker, 'POST', `/tasks/${assignment.task.task_id}/submit`, { lease_id: assignment.lease.lease_id, response, time_spent_secs: 2 });
  }

  it('answers bad params with a 400 that names the problem', async () => {
    const base = { attachment: 'https://cdn.example.com/street.jpg', attachment_type: 'image' };
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ ...base }, /labels/],
      [{ ...base, labels: [] }, /labels.*non-empty/],
      [{ ...base, labels: Array.from({ length: 51 }, (_, index) => `label${index}`) }, /at most 50/],
      [{ ...base, labels: ['road', 'road'] }, /"road" appears twice/],
      [{ ...base, labels: ['road'], allow_unlabeled: 'yes' }, /allow_unlabeled/],
      [{ ...base, labels: ['road'], hypothesis: { labelMapping: {} } }, /hypothesis.annotations.combined.indexedImage/],
    ];
    for (const [body, message] of cases) {
      const response = await server.current.request('POST', '/v1/task/segmentannotation', { body });
      assert.equal(response.status, 400, JSON.stringify(body).slice(0, 80));
      assert.match(response.body.error, message);
    }
  });

  it('completes a test-mode task with blank masks in the completed shape, served without a key', async () => {
    const response = await server.current.request('POST', '/v1/task/segmentannotation', {
      key: TEST_KEY,
      body: { attachment: 'https://cdn.example.com/street.jpg', labels: LABELS },
    });
    assert.equal(response.status, 200, response.text);
    const task = (await server.current.request('GET', `/v1/task/${response.body.task_id}`, { key: TEST_KEY })).body;
    assert.equal(task.status, 'completed');
    const { labelMapping, annotations } = task.response;
    assert.deepEqual(labelMapping, {});
    assert.deepEqual(annotations.labeled, {});
    assert.deepEqual(Object.keys(annotations.combined).sort(), ['extendedIndexedImage', 'image', 'indexedImage']);
    await assertPublicPngs(urlsOf(task.response));
    assert.deepEqual(await greyPixels(annotations.combined.indexedImage), [0]);
  });

  it('renders a submitted mask to Scale PNGs whose indexed image is the submitted raster', async () => {
    const { project, worker } = await labeledProject();
    const task = await createTask(server.current, 'segmentannotation', { project, attachment: 'https://cdn.example.com/street.jpg', labels: LABELS });
    const assignment = await next(server.current, worker);
    assert.equal(assignment.task.task_id, task.task_id);
    const draft = paintedDraft();
    assert.equal(await submit(server.current, worker, assignment, draft), 'completed');

    const done = await getTask(server.current, task.task_id);
    assert.equal(done.status, 'completed');
    const { labelMapping, annotations } = done.response;
    assert.deepEqual(labelMapping, {
      road: { index: 1, color: '#e6194b' },
      car: { index: 2, color: '#3cb44b' },
      person: [
        { index: 3, color: '#4363d8', numPixels: 4, attributes: { occluded: 'no' } },
        { index: 4, color: '#3e5bc7', numPixels: 2 },
      ],
    });
    assert.equal(annotations.labeled.person.length, 2);
    assert.equal(typeof annotations.labeled.road, 'string');
    assert.ok(annotations.unlabeled.startsWith(`${server.current.url}/r/`), annotations.unlabeled);
    assert.deepEqual(await greyPixels(annotations.combined.indexedImage), decodeValues());
    await assertPublicPngs(urlsOf(done.response));
    const guessed = annotations.unlabeled.replace(/\/r\/[^/]+\//, '/r/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/');
    assert.equal((await fetch(guessed)).status, 404, 'another folder name finds nothing');
  });

  it('refuses a mask whose labels, indexes or size are wrong, naming what to fix', async () => {
    const { project, worker } = await labeledProject();
    await createTask(server.current, 'segmentannotation', { project, attachment: 'https://cdn.example.com/street.jpg', labels: LABELS });
    const assignment = await next(server.current, worker);
    const good = paintedDraft();
    const cases: Array<[unknown, RegExp]> = [
      [{ ...good, labelMapping: { ...(good.labelMapping as object), sky: { index: 9, color: '#000000' } } }, /labelMapping.sky.*not one of the task's labels/],
      [{ ...good, labelMapping: { road: { index: 1, color: '#e6194b' }, person: [] } }, /labelMapping.car/],
      [paintedDraft({ values: [...Array(31).fill(1), 7] }), /index 7.*(not in labelMapping|does not list)/],
      [{ ...good, mask: { ...good.mask, width: 9 } }, /covers 32 pixels, but the mask is 9×4/],
      [{ ...good, mask: { width: 20000, height: 20000, rle: good.mask.rle } }, /larger than the .*-pixel limit/],
      [{ labelMapping: good.labelMapping }, /response.mask/],
      [{ ...good, labelMapping: { ...(good.labelMapping as object), car: { index: 1, color: '#3cb44b' } } }, /index 1 is given to both/],
    ];
    for (const [response, message] of cases) {
      const answer = await submitRaw(server.current, worker, assignment, response);
      assert.equal(answer.status, 400, `${message}: ${answer.text}`);
      assert.equal(answer.body.status_code, 400);
      assert.match(answer.body.error, message);
    }
  });

  it('refuses a mask of another size than the image its task metadata states', async () => {
    const { project, worker } = await labeledProject();
    await createTask(server.current, 'segmentannotation', { project, attachment: 'https://cdn.example.com/street.jpg', labels: LABELS, metadata: { width: 9, height: 4 } });
    const assignment = await next(server.current, worker);
    const answer = await submitRaw(server.current, worker, assignment, paintedDraft());
    assert.equal(answer.status, 400, answer.text);
    assert.match(answer.body.error, /response\.mask.*8×4, but the image is 9×4/);
    const values = decodeValues().flatMap((value, offset) => (offset % WIDTH === WIDTH - 1 ? [value, 1] : [value]));
    assert.equal(await submit(server.current, worker, assignment, paintedDraft({ values, width: 9 })), 'completed');
  });

  it('merges two agreeing consensus attempts into one rendered mask', async () => {
    const project = unique('masks-consensus');
    await createProject(server.current, { type: 'segmentannotation', name: project, pipeline: 'consensus_task', consensus_attempts: 2 });
    const workers = await addWorkers(server.current, 2);
    await assign(server.current, workers, [project]);
    const task = await createTask(server.current, 'segmentannotation', { project, attachment: 'https://cdn.example.com/street.jpg', labels: LABELS });
    assert.equal(await submit(server.current, workers[0], await next(server.current, workers[0]), paintedDraft()), 'queued');
    // The second labeler disagrees on one pixel of road.
    const values = decodeValues();
    values[5] = 2;
    assert.equal(await submit(server.current, workers[1], await next(server.current, workers[1]), paintedDraft({ values })), 'completed');
    const done = await getTask(server.current, task.task_id);
    assert.deepEqual(await greyPixels(done.response.annotations.combined.indexedImage), decodeValues(), 'the central attempt wins the tie');
    await assertPublicPngs(urlsOf(done.response));
  });

  it('exports a completed task as PNG index masks in the VOC layout that decode to the painted raster', async () => {
    const { project, worker } = await labeledProject();
    const task = await createTask(server.current, 'segmentannotation', { project, attachment: 'https://cdn.example.com/street.jpg', labels: LABELS });
    assert.equal(await submit(server.current, worker, await next(server.current, worker), paintedDraft()), 'completed');

    const files = readTar(await exported(server.current, `format=masks&project=${project}`));
    assert.deepEqual([...files.keys()].sort(), [
      'ImageSets/Segmentation/default.txt',
      `SegmentationClass/${task.task_id}.png`,
      `SegmentationObject/${task.task_id}.png`,
      'attachments.txt',
      'labelmap.txt',
    ]);
    const labelmap = files.get('labelmap.txt')!.toString('utf8').trim().split('\n');
    assert.deepEqual(labelmap, ['# label:color_rgb:parts:actions', 'background:0,0,0::', 'road:230,25,75::', 'car:60,180,75::', 'person:255,225,25::']);
    // Classes by labelmap line: road 1, car 2, person 3 (both instances); objects by labelMapping index.
    const classOf = [0, 1, 2, 3, 3];
    assert.deepEqual(await pngGrey(files.get(`SegmentationClass/${task.task_id}.png`)!), decodeValues().map((value) => classOf[value]));
    assert.deepEqual(await pngGrey(files.get(`SegmentationObject/${task.task_id}.png`)!), decodeValues());
    assert.equal(files.get('ImageSets/Segmentation/default.txt')!.toString('utf8'), `${task.task_id}\n`);
    assert.equal(files.get('attachments.txt')!.toString('utf8'), `${task.task_id} https://cdn.example.com/street.jpg\n`);
  });

  it('exports a completed task to COCO whose RLE masks decode to the painted raster', async () => {
    const { project, worker } = await labeledProject();
    const task = await createTask(server.current, 'segmentannotation', { project, attachment: 'https://cdn.example.com/street.jpg', labels: LABELS });
    assert.equal(await submit(server.current, worker, await next(server.current, worker), paintedDraft()), 'completed');

    const coco = JSON.parse((await exported(server.current, `format=coco&project=${project}`)).toString('utf8'));
    assert.equal(coco.images.length, 1);
    assert.deepEqual([coco.images[0].tagwright_task_id, coco.images[0].width, coco.images[0].height], [task.task_id, WIDTH, HEIGHT]);
    const names = new Map(coco.categories.map((category: any) => [category.id, category.name]));
    // One annotation per labelMapping index, in index order: road, car, person #3, person #4.
    assert.deepEqual(coco.annotations.map((annotation: any) => names.get(annotation.category_id)), ['road', 'car', 'person', 'person']);
    coco.annotations.forEach((annotation: any, position: number) => {
      const index = position + 1;
      assert.deepEqual([...decodeCocoRle(annotation.segmentation)], decodeValues().map((value) => (value === index ? 1 : 0)), `index ${index}`);
      assert.equal(annotation.area, decodeValues().filter((value) => value === index).length);
    });
  });

  it('keeps the files of the response a fix replaces', async () => {
    const { project, worker } = await labeledProject();
    const task = await createTask(server.current, 'segmentannotation', { project, attachment: 'https://cdn.example.com/street.jpg', labels: LABELS });
    await submit(server.current, worker, await next(server.current, worker), paintedDraft());
    const first = (await getTask(server.current, task.task_id)).response;
    const [manager] = await addWorkers(server.current, 1, 'manager');
    const values = decodeValues().map((value) => (value === 4 ? 1 : value));
    const fixedDraft = paintedDraft({ values, labelMapping: { ...paintedDraft().labelMapping, person: [{ index: 3, color: '#4363d8' }] } });
    const audit = await call(server.current, manager, 'POST', `/dashboard/tasks/${task.task_id}/audit`, { result: 'fixed', response: fixedDraft });
    assert.equal(audit.status, 200, audit.text);
    const fixed = await getTask(server.current, task.task_id);
    assert.deepEqual(fixed.prior_responses.at(-1), first);
    assert.equal(fixed.response.labelMapping.person.length, 1);
    assert.notEqual(fixed.response.annotations.combined.indexedImage, first.annotations.combined.indexedImage);
    assert.deepEqual(await greyPixels(fixed.response.annotations.combined.indexedImage), values);
    await assertPublicPngs([...urlsOf(first), ...urlsOf(fixed.response)]);
  });
});

function decodeValues(): number[] {
  // prettier-ignore
  return [
    2, 2, 1, 1, 1, 1, 3, 3,
    2, 2, 1, 1, 1, 1, 3, 3,
    1, 1, 1, 1, 1, 1, 1, 4,
    1, 1, 1, 1, 1, 1, 1, 4,
  ];
}
