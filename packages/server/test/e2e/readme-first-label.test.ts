/**
 * Issue 18's "done means", in Chromium: a new user follows only the README. `npm start` on a fresh
 * data folder prints the admin's sign-in link and the API keys; the admin opens the link and sets a
 * password; with the printed live key they create a project and an image task asking for rotatable
 * boxes and a keypoint skeleton, and invite a labeler from Dashboard › Team with the project ticked
 * in the same step; the labeler opens the accept link the page shows,
 * sets a password, finds the task waiting, draws a box, a rotated box and three keypoints (the
 * skeleton shows), and submits with Ctrl+Enter; the admin accepts it on the dashboard and sees it drawn
 * over the image; the API answers the spec's shapes (task-types.md §2.2). SQLite, and PostgreSQL when
 * TEST_DATABASE_URL is set.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from '../helpers/databases.ts';
import { printedSignInLink, startAsReadmeSays, type ReadmeServer } from '../helpers/readme-start.ts';
import { waitUntil } from '../callbacks/fixtures.ts';
import { NO_CHROMIUM, STREET_SVG, buildWebUi, documentScreenshot, drawBox, hasChromium, launchChromium, paintedShapes, screenOf, waitForImage } from './browser.ts';

const ADMIN_PASSWORD = 'the admin chose this';
const LABELER_PASSWORD = 'the labeler chose this';
const LABELER = 'ana@example.com';
/** Two R presses: 5° each, clockwise. */
const ROTATION = (2 * Math.PI) / 36;

describeEachDatabase('The README first run in a real browser, to a labeler\'s first submitted task', (dialect) => {
  let database: TestDatabase | undefined;
  let server: ReadmeServer;
  let browser: Browser;
  let liveKey: string;

  before(async () => {
    if (!hasChromium) return;
    if (dialect === 'postgres') database = await createTestDatabase('postgres');
    server = await startAsReadmeSays({ TAGWRIGHT_WEB_DIR: buildWebUi(), TAGWRIGHT_GOLD_RATE: '0' }, database?.databaseUrl);
    browser = await launchChromium();
    const key = /live key: (live_[0-9a-f]{32})/.exec(server.output());
    assert.ok(key, `the first start printed no live key:\n${server.output()}`);
    liveKey = key[1];
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await database?.drop();
  });

  /** A call with the printed live key, as the README's curl or SDK examples make it. */
  async function api(method: string, path: string, body?: unknown): Promise<any> {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Basic ${Buffer.from(`${liveKey}:`).toString('base64')}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    assert.ok(response.ok, `${method} ${path} answered ${response.status}: ${text}`);
    return JSON.parse(text);
  }

  /** Opens a one-time link in a fresh browser profile and sets the password on the page it leads to. */
  async function acceptLink(link: string, password: string): Promise<{ page: Page; errors: string[]; close(): Promise<void> }> {
    const context = await browser.newContext({ viewport: { width: 1400, height: 860 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(link);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByLabel('Repeat password').fill(password);
    await page.getByRole('button', { name: /Set password/ }).click();
    await page.locator('.tw-header').waitFor();
    return { page, errors, close: () => context.close() };
  }

  it('takes a new user from npm start to a labeled task with a rotated box and a keypoint skeleton, submitted by keyboard', async (t) => {
    if (!hasChromium) return t.skip(NO_CHROMIUM);
    const admin = await acceptLink(printedSignInLink(server.output()).toString(), ADMIN_PASSWORD);

    await api('POST', '/v1/projects', { type: 'imageannotation', name: 'streets' });
    const form = new FormData();
    form.append('file', new Blob([STREET_SVG], { type: 'image/svg+xml' }), 'street.svg');
    const upload = await fetch(`${server.url}/v1/files/upload`, { method: 'POST', headers: { authorization: `Bearer ${liveKey}` }, body: form });
    const uploaded = await upload.text();
    assert.equal(upload.status, 200, uploaded);
    const { task_id: taskId } = await api('POST', '/v1/task/imageannotation', {
      project: 'streets',
      instruction: 'Box every vehicle (rotate the car to its outline); mark the pedestrian\'s head, shoulder and hand.',
      attachment: JSON.parse(uploaded).attachment_url,
      attachment_type: 'image',
      geometries: {
        box: { objects_to_annotate: ['car', 'bus'], can_rotate: true },
        point: { objects_to_annotate: ['head', 'shoulder', 'hand'], connections: [{ pair: ['head', 'shoulder'] }, { pair: ['shoulder', 'hand'] }] },
      },
    });

    // The admin invites the labeler from Dashboard › Team with the project ticked, and copies the link shown.
    await admin.page.goto(`${server.url}/ui/#/dashboard/team`);
    const inviteForm = admin.page.getByRole('form', { name: 'Invite teammates' });
    await inviteForm.getByLabel('Emails').fill(LABELER);
    await inviteForm.getByRole('checkbox', { name: 'streets' }).check();
    await inviteForm.getByRole('button', { name: 'Invite' }).click();
    const inviteUrl = (await admin.page.getByRole('status', { name: 'Invitation links' }).locator('code').first().textContent())!.trim();
    assert.match(inviteUrl, /\/ui\/#\/accept-invite\?token=/, 'the Team page shows the full accept link');

    const labeler = await acceptLink(inviteUrl, LABELER_PASSWORD);
    const page = labeler.page;
    await waitForImage(page);
    await drawBox(page, [100, 250], [300, 350]); // the car, selected once drawn
    await page.keyboard.press('r');
    await page.keyboard.press('r');
    await page.keyboard.press('Escape');
    await page.keyboard.press('2'); // the next box is a bus
    await drawBox(page, [450, 180], [690, 350]);
    await page.keyboard.press('Escape');
    await page.keyboard.press('.'); // the point tool
    for (const [number, x, y] of [
      [1, 40, 60],
      [2, 50, 90],
      [3, 70, 130],
    ] as const) {
      await page.keyboard.press(String(number));
      await page.mouse.click(...(await screenOf(page, x, y)));
      await page.keyboard.press('Escape');
    }
    const canvas = page.locator('[data-testid=canvas]');
    const painted = await paintedShapes(canvas);
    assert.deepEqual(
      painted.map((shape) => [shape.type, shape.label]),
      [
        ['box', 'car'],
        ['box', 'bus'],
        ['point', 'head'],
        ['point', 'shoulder'],
        ['point', 'hand'],
      ],
      'every shape is painted on the canvas with its label',
    );
    assert.equal(await canvas.locator('[data-layer=skeleton] line').count(), 2, 'head–shoulder and shoulder–hand are joined on screen');

    await documentScreenshot(page, 'workbench-image-skeleton');
    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    assert.deepEqual(await help.locator('h3').allTextContents(), ['Task', 'Tools', 'Objects', 'View', 'History'], 'the help lists every group');
    assert.ok((await help.locator('kbd').allTextContents()).includes('Ctrl+Enter'), 'the help names the submit key');
    await documentScreenshot(page, 'workbench-shortcuts');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+Enter');
    await waitUntil(async () => (await api('GET', `/v1/task/${taskId}`)).status === 'completed', { intervalMs: 200, what: `task ${taskId} completed by the keyboard submit` });
    assert.deepEqual(labeler.errors, []);
    await labeler.close();

    const task = await api('GET', `/v1/task/${taskId}`);
    assert.deepEqual(Object.keys(task.response).sort(), ['annotations', 'global_attributes', 'links']);
    assert.deepEqual(task.response.links, []);
    assert.deepEqual(task.response.global_attributes, {});
    const [car, bus, ...points] = task.response.annotations;
    for (const annotation of task.response.annotations) {
      assert.match(annotation.uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.deepEqual(annotation.attributes, {});
    }
    assertBox(car, 'car', [100, 250, 200, 100], ROTATION);
    assertBox(bus, 'bus', [450, 180, 240, 170], 0);
    assert.deepEqual(
      points.map((point: any) => [point.type, point.label, Math.round(point.x), Math.round(point.y)]),
      [
        ['point', 'head', 40, 60],
        ['point', 'shoulder', 50, 90],
        ['point', 'hand', 70, 130],
      ],
    );

    // The admin accepts it on the dashboard, where the response is drawn over the image.
    await admin.page.goto(`${server.url}/ui/#/dashboard/tasks/${taskId}`);
    const preview = admin.page.getByTestId('response-preview');
    await preview.locator('image').waitFor();
    await admin.page.getByRole('region', { name: 'Audit' }).getByRole('button', { name: 'Accept' }).click();
    await waitUntil(async () => (await api('GET', `/v1/task/${taskId}`)).audits?.length > 0, { intervalMs: 200, what: 'the audit recorded' });
    await preview.locator('image').waitFor();
    assert.equal(await preview.locator('g[data-shape-type=box]').count(), 2);
    assert.equal(await preview.locator('[data-layer=skeleton] line').count(), 2, 'the dashboard draws the skeleton too');
    const audited = await api('GET', `/v1/task/${taskId}`);
    assert.equal(audited.audits.at(-1).audit_result, 'accepted');
    assert.equal(audited.audits.at(-1).audited_by, 'admin@localhost');
    assert.deepEqual(admin.errors, []);
    await admin.close();
  });
});

/** A box of a `can_rotate` task: the unrotated box, `rotation` in radians (saved to 6 decimals), and its four corners TL, TR, BR, BL turned about the centre. */
function assertBox(box: any, label: string, [left, top, width, height]: number[], rotation: number): void {
  assert.equal(box.type, 'box');
  assert.equal(box.label, label);
  for (const [key, expected] of Object.entries({ left, top, width, height })) {
    assert.ok(Math.abs(box[key] - expected) <= 1, `${label} ${key} ${box[key]}, expected about ${expected}`);
  }
  assert.ok(Math.abs(box.rotation - rotation) < 1e-5, `${label} rotation ${box.rotation}, expected ${rotation}`);
  const cx = box.left + box.width / 2;
  const cy = box.top + box.height / 2;
  const corners = [
    [box.left, box.top],
    [box.left + box.width, box.top],
    [box.left + box.width, box.top + box.height],
    [box.left, box.top + box.height],
  ].map(([x, y]) => ({
    x: cx + (x - cx) * Math.cos(rotation) - (y - cy) * Math.sin(rotation),
    y: cy + (x - cx) * Math.sin(rotation) + (y - cy) * Math.cos(rotation),
  }));
  assert.equal(box.vertices.length, 4);
  box.vertices.forEach((vertex: { x: number; y: number }, index: number) => {
    assert.ok(Math.abs(vertex.x - corners[index].x) < 0.01 && Math.abs(vertex.y - corners[index].y) < 0.01, `${label} corner ${index} ${JSON.stringify(vertex)}, expected ${JSON.stringify(corners[index])}`);
  });
}
