/**
 * Segmentation in a real browser: a labeler paints two labels and two instances with the polygon
 * fill and the brush, fills the rest, and submits; the stored response's indexedImage, decoded, is
 * the painted raster pixel for pixel, and every URL in it answers without a key; a manager fixes the
 * mask from the dashboard and the earlier response's files still resolve.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { decodeIndexRle, type MaskDraft } from '@tagwright/formats';
import { describeEachDatabase } from '../helpers/databases.ts';
import { unique } from '../tasks/helpers.ts';
import { NO_CHROMIUM, addTeammate, documentScreenshot, hasChromium, signInPage, uploadImage, useBrowserServer } from './browser.ts';

const PASSWORD = 'painting masks all day';
const LABELS = ['road', { choice: 'vehicle', subchoices: ['car'] }, { choice: 'person', instance_label: true }];

/** Screen position of an image pixel, read from the mask layers' camera transform. */
async function maskScreenOf(page: Page, x: number, y: number): Promise<[number, number]> {
  const canvas = (await page.getByTestId('canvas').boundingBox())!;
  const transform = await page.locator('.tw-mask-layers').evaluate((layers) => (layers as HTMLElement).style.transform);
  const [, tx, ty, zoom] = transform.match(/translate\(([-\d.e]+)px, ([-\d.e]+)px\) scale\(([-\d.e]+)\)/)!.map(Number);
  return [canvas.x + tx + x * zoom, canvas.y + ty + y * zoom];
}

async function waitForMask(page: Page, width: number): Promise<void> {
  await page.waitForFunction(`document.querySelector('[data-testid=mask-layer]')?.width === ${width}`);
}

async function clickAt(page: Page, x: number, y: number): Promise<void> {
  await page.mouse.click(...(await maskScreenOf(page, x, y)));
}

/** Clicks the polygon's corners with the polygon tool and closes it with Enter. */
async function fillPolygon(page: Page, corners: Array<[number, number]>): Promise<void> {
  await page.keyboard.press('p');
  for (const [x, y] of corners) await clickAt(page, x, y);
  await page.keyboard.press('Enter');
}

async function brushStroke(page: Page, points: Array<[number, number]>): Promise<void> {
  await page.keyboard.press('b');
  await page.mouse.move(...(await maskScreenOf(page, ...points[0])));
  await page.mouse.down();
  for (const point of points.slice(1)) await page.mouse.move(...(await maskScreenOf(page, ...point)), { steps: 6 });
  await page.mouse.up();
}

/** Every string in the response that looks like a URL. */
function urlsOf(value: unknown): string[] {
  if (typeof value === 'string') return /^https?:\/\//.test(value) ? [value] : [];
  if (Array.isArray(value)) return value.flatMap(urlsOf);
  if (value && typeof value === 'object') return Object.values(value).flatMap(urlsOf);
  return [];
}

/** GETs each URL with no key and no cookie: each must be a PNG. */
async function assertPublicPngs(urls: string[]): Promise<void> {
  for (const url of urls) {
    const response = await fetch(url);
    assert.equal(response.status, 200, url);
    assert.equal(response.headers.get('content-type'), 'image/png', url);
    const bytes = Buffer.from(await response.arrayBuffer());
    assert.deepEqual([...bytes.subarray(1, 4)], [0x50, 0x4e, 0x47], `${url} is a PNG`);
  }
}

async function indexedPixels(url: string): Promise<Uint8Array> {
  const png = Buffer.from(await (await fetch(url)).arrayBuffer());
  const { data, info } = await sharp(png).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  assert.equal(info.channels, 1);
  return new Uint8Array(data);
}

describeEachDatabase('Segmentation in a real browser', (dialect) => {
  const chromium = useBrowserServer(dialect);

  const teammate = (role: string, project: string) => addTeammate(chromium.server, role, PASSWORD, project);

  it('paints two labels and two instances, fills the rest, and the indexed PNG is the painted raster; a fix keeps the old files', async (t) => {
    if (!hasChromium) return t.skip(NO_CHROMIUM);
    const project = unique('masks');
    assert.equal((await chromium.server.request('POST', '/v1/projects', { body: { type: 'segmentannotation', name: project } })).status, 200);
    const labeler = await teammate('labeler', project);
    const manager = await teammate('manager', project);
    const created = await chromium.server.request('POST', '/v1/task/segmentannotation', {
      body: { project, attachment: await uploadImage(chromium.server), attachment_type: 'image', labels: LABELS },
    });
    assert.equal(created.status, 200, created.text);
    const taskId = created.body.task_id;

    const labeling = await signInPage(chromium.browser, chromium.server, labeler, PASSWORD);
    const { page } = labeling;
    await waitForMask(page, 800);
    await page.keyboard.press('2'); // car
    await fillPolygon(page, [[100, 250], [300, 250], [300, 350], [100, 350]]);
    await page.keyboard.press('3'); // person: its first instance
    await brushStroke(page, [[480, 200], [520, 260], [560, 300]]);
    await page.keyboard.press('n'); // a second person
    await fillPolygon(page, [[650, 100], [720, 100], [720, 160], [650, 160]]);
    await page.keyboard.press('1'); // road
    await page.getByRole('button', { name: /Fill unlabeled with road/ }).click();
    await page.getByTestId('unlabeled-count').getByText('0 unlabeled pixels').waitFor();
    await documentScreenshot(page, 'workbench-segmentation');

    const submitted = page.waitForRequest((request) => request.method() === 'POST' && /\/submit$/.test(request.url()));
    await page.getByRole('button', { name: 'Submit' }).click();
    const painted = (JSON.parse((await submitted).postData()!) as { response: MaskDraft }).response;
    await page.getByText(/No tasks are waiting/).waitFor();
    assert.deepEqual(labeling.errors, []);
    await labeling.context.close();

    const task = (await chromium.server.request('GET', `/v1/task/${taskId}`)).body;
    assert.equal(task.status, 'completed');
    const { labelMapping, annotations } = task.response;
    assert.deepEqual(Object.keys(labelMapping).sort(), ['car', 'person', 'road']);
    assert.deepEqual([labelMapping.road.index, labelMapping.car.index, labelMapping.person.map((entry: { index: number }) => entry.index)], [1, 2, [3, 4]]);
    assert.ok(Math.abs(labelMapping.person[1].numPixels - 70 * 60) < 200, `the second person is the 70×60 polygon: ${labelMapping.person[1].numPixels}`);
    assert.equal(labelMapping.car.numPixels, undefined);
    assert.equal(annotations.labeled.person.length, 2);

    const rasterPainted = decodeIndexRle(painted.mask);
    const stored = await indexedPixels(annotations.combined.indexedImage);
    assert.equal(stored.length, 800 * 500);
    assert.deepEqual(Buffer.from(stored), Buffer.from(Uint8Array.from(rasterPainted)), 'indexedImage equals the painted raster pixel for pixel');
    assert.equal(stored[300 * 800 + 200], 2, 'the car polygon holds the car index');
    assert.equal(stored[130 * 800 + 685], 4, 'the second person holds its own index');
    assert.equal(stored[10 * 800 + 10], 1, 'the rest is road');
    for (const [ordinal, entry] of labelMapping.person.entries()) {
      assert.equal(stored.filter((value) => value === entry.index).length, entry.numPixels, `numPixels of person #${ordinal + 1}`);
    }
    const firstUrls = urlsOf(task.response);
    assert.equal(firstUrls.length, 3 + 1 + 4); // combined ×3, unlabeled, one per index
    await assertPublicPngs(firstUrls);

    // A manager fixes the mask from the dashboard: the second person becomes road again.
    const fixing = await signInPage(chromium.browser, chromium.server, manager, PASSWORD, `#/dashboard/tasks/${taskId}`);
    await fixing.page.getByRole('button', { name: 'Fix response' }).click();
    await waitForMask(fixing.page, 800);
    await fixing.page.getByTestId('unlabeled-count').getByText('0 unlabeled pixels').waitFor();
    await fixing.page.getByRole('button', { name: 'Delete person #2' }).click();
    await fixing.page.keyboard.press('1');
    await fixing.page.getByRole('button', { name: /Fill unlabeled with road/ }).click();
    await fixing.page.getByRole('button', { name: 'Save fix' }).click();
    await fixing.page.getByTestId('fix-editor').waitFor({ state: 'detached' });
    assert.deepEqual(fixing.errors, []);
    await fixing.context.close();

    const fixed = (await chromium.server.request('GET', `/v1/task/${taskId}`)).body;
    assert.equal(fixed.customer_review_status, 'fixed');
    assert.equal(fixed.response.labelMapping.person.length, 1);
    assert.deepEqual(fixed.prior_responses.at(-1), task.response, 'the labeler response is kept as it was');
    const fixedPixels = await indexedPixels(fixed.response.annotations.combined.indexedImage);
    assert.equal(fixedPixels[130 * 800 + 685], 1, 'the deleted instance is road now');
    assert.notEqual(fixed.response.annotations.combined.indexedImage, annotations.combined.indexedImage, 'a fix writes new files');
    await assertPublicPngs([...urlsOf(fixed.response), ...urlsOf(fixed.prior_responses)]);
  });
});
