/**
 * The whole loop in a real browser (Debian's Chromium through playwright-core) against a real
 * Tagwright server with the built web UI: teammates invited through the teams API accept their
 * invitations, sign in through the form, label with the mouse, review, and the customer sees the
 * Scale-shaped response on GET /v1/task/:id and receives the callback on a real HTTP receiver.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { describeEachDatabase } from '../helpers/databases.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { CallbackReceiver, waitUntil } from '../callbacks/fixtures.ts';
import { unique } from '../tasks/helpers.ts';
import { NO_CHROMIUM, addTeammate, buildWebUi, documentScreenshot, drawBox, hasChromium, launchChromium, paintedShapes, signInPage, uploadImage, waitForImage } from './browser.ts';

const PASSWORD = 'labeling all day long';

describeEachDatabase('Labeling in a real browser', (dialect) => {
  let server: TestServer;
  let receiver: CallbackReceiver;
  let browser: Browser;
  let callbackKey: string;

  before(async () => {
    if (!hasChromium) return;
    const webDir = buildWebUi();
    server = await startTestServer(dialect, { TAGWRIGHT_WEB_DIR: webDir, TAGWRIGHT_GOLD_RATE: '0' });
    receiver = await CallbackReceiver.start();
    browser = await launchChromium();
    const account = await server.server.services.db.kysely.selectFrom('accounts').select('callback_auth_key_live').orderBy('created_at').executeTakeFirstOrThrow();
    callbackKey = account.callback_auth_key_live;
  });

  after(async () => {
    await browser?.close();
    await receiver?.close();
    await server?.close();
  });

  /** Invites a teammate, accepts the invitation through the app API, and assigns them to the project. */
  const teammate = (role: string, project: string) => addTeammate(server, role, PASSWORD, project);

  async function createProject(body: Record<string, unknown>): Promise<void> {
    const response = await server.request('POST', '/v1/projects', { body });
    assert.equal(response.status, 200, response.text);
  }

  async function createTask(type: string, body: Record<string, unknown>): Promise<string> {
    const response = await server.request('POST', `/v1/task/${type}`, { body: { callback_url: receiver.url, ...body } });
    assert.equal(response.status, 200, response.text);
    return response.body.task_id;
  }

  /** The completion callback of the task: its body, after checking it carried the account's callback auth key. */
  async function completionCallback(taskId: string): Promise<any> {
    const find = () => receiver.received.find((request) => {
      const body = JSON.parse(request.body);
      return body.task_id === taskId && body.status === 'completed';
    });
    await waitUntil(() => find() !== undefined, { what: `the completion callback of ${taskId}` });
    const request = find()!;
    assert.equal(request.headers['scale-callback-auth'], callbackKey);
    return JSON.parse(request.body);
  }

  it('labels two boxes with the mouse, a reviewer accepts, and the customer gets the Scale response and callback', async (t) => {
    if (!hasChromium) return t.skip(NO_CHROMIUM);
    const project = unique('streets');
    await createProject({ type: 'imageannotation', name: project, params: { review: true } });
    const labeler = await teammate('labeler', project);
    const reviewer = await teammate('member', project);
    const taskId = await createTask('imageannotation', {
      project,
      instruction: 'Box every **vehicle**.',
      attachment: await uploadImage(server),
      attachment_type: 'image',
      geometries: { box: { objects_to_annotate: ['car', 'bus'], min_width: 10, min_height: 10 } },
    });

    const labeling = await signInPage(browser, server, labeler, PASSWORD);
    await waitForImage(labeling.page);
    await drawBox(labeling.page, [100, 250], [300, 350]);
    await labeling.page.keyboard.press('Escape'); // deselect the car, so that picking a label does not relabel it
    await labeling.page.keyboard.press('2'); // the next box is a bus
    await drawBox(labeling.page, [450, 180], [690, 350]);
    assert.equal((await paintedShapes(labeling.page)).filter((shape) => shape.type === 'box').length, 2);
    await labeling.page.getByRole('button', { name: 'Submit' }).click();
    await labeling.page.getByText(/No tasks are waiting/).waitFor();
    assert.deepEqual(labeling.errors, []);
    await labeling.context.close();
    assert.equal((await server.request('GET', `/v1/task/${taskId}`)).body.status, 'pending', 'waiting for review');

    const review = await signInPage(browser, server, reviewer, PASSWORD, '#/review');
    await waitForImage(review.page);
    assert.equal((await paintedShapes(review.page)).filter((shape) => shape.type === 'box').length, 2, 'the reviewer sees the labeled boxes');
    await review.page.getByRole('button', { name: 'Accept' }).click();
    await review.page.getByText(/No tasks are waiting/).waitFor();

    const task = (await server.request('GET', `/v1/task/${taskId}`)).body;
    assert.equal(task.status, 'completed');
    assert.equal(task.response.annotations.length, 2);
    const [car, bus] = task.response.annotations;
    assert.deepEqual(task.response.global_attributes, {});
    for (const [annotation, label, left, top, width, height] of [
      [car, 'car', 100, 250, 200, 100],
      [bus, 'bus', 450, 180, 240, 170],
    ] as const) {
      assert.equal(annotation.type, 'box');
      assert.equal(annotation.label, label);
      assert.equal(typeof annotation.uuid, 'string');
      assert.deepEqual(annotation.attributes, {});
      assert.ok(Math.abs(annotation.left - left) <= 1, `${label} left ${annotation.left}`);
      assert.ok(Math.abs(annotation.top - top) <= 1, `${label} top ${annotation.top}`);
      assert.ok(Math.abs(annotation.width - width) <= 1, `${label} width ${annotation.width}`);
      assert.ok(Math.abs(annotation.height - height) <= 1, `${label} height ${annotation.height}`);
    }
    assert.equal(task.audits.at(-1).audit_result, 'accepted');
    assert.equal(task.audits.at(-1).audited_by, reviewer);

    const callback = await completionCallback(taskId);
    assert.deepEqual(callback.response, task.response);
    assert.equal(callback.task.task_id, taskId);

    // The reviewer (a member) finds it on the dashboard, drawn over the image, with the callback logged.
    await review.page.goto(`${server.url}/ui/#/dashboard/tasks/${taskId}`);
    const preview = review.page.getByTestId('response-preview');
    await preview.locator('image').waitFor();
    assert.equal(await preview.locator('g[data-shape-type=box]').count(), 2);
    await review.page.getByRole('table', { name: 'Delivery attempts' }).waitFor();
    assert.deepEqual(review.errors, []);
    await review.context.close();
  });

  it('categorizes a task, reopens it to correct the answer, a reviewer accepts, and the callback carries the corrected category', async (t) => {
    if (!hasChromium) return t.skip(NO_CHROMIUM);
    const project = unique('animals');
    await createProject({ type: 'categorization', name: project, params: { review: true } });
    const labeler = await teammate('labeler', project);
    const reviewer = await teammate('manager', project);
    const taskId = await createTask('categorization', {
      project,
      instruction: 'Which animal is it?',
      attachment: 'A small dog barks at the mail carrier.',
      attachment_type: 'text',
      categories: ['cat', 'dog', 'bird'],
    });

    const labeling = await signInPage(browser, server, labeler, PASSWORD);
    await labeling.page.getByLabel(/cat/).check();
    await labeling.page.getByRole('button', { name: 'Submit' }).click();
    await labeling.page.getByText(/No tasks are waiting/).waitFor();
    const awaitingReview = () =>
      server.server.services.db.kysely.selectFrom('task_work').select('pending_response').where('task_id', '=', taskId).executeTakeFirstOrThrow();
    const parse = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value);
    assert.deepEqual(parse((await awaitingReview()).pending_response), { category: 'cat' });

    // A second thought before anyone reviewed it: reopen, correct, submit again.
    await documentScreenshot(labeling.page, 'workbench-reopen');
    await labeling.page.getByRole('button', { name: 'Reopen', exact: true }).click();
    await labeling.page.getByText(/Reopened task/).waitFor();
    assert.equal(await labeling.page.getByLabel(/cat/).isChecked(), true, 'the submitted answer comes back as the draft');
    await labeling.page.getByLabel(/dog/).check();
    await labeling.page.getByRole('button', { name: 'Submit' }).click();
    await labeling.page.getByText(/No tasks are waiting/).waitFor();
    assert.deepEqual(parse((await awaitingReview()).pending_response), { category: 'dog' }, 'the stored response changed');
    assert.deepEqual(labeling.errors, []);
    await labeling.context.close();

    const review = await signInPage(browser, server, reviewer, PASSWORD, '#/review');
    assert.equal(await review.page.getByLabel(/dog/).isChecked(), true, 'the reviewer sees the chosen category');
    await review.page.getByRole('button', { name: 'Accept' }).click();
    await review.page.getByText(/No tasks are waiting/).waitFor();
    assert.deepEqual(review.errors, []);
    await review.context.close();

    const task = (await server.request('GET', `/v1/task/${taskId}`)).body;
    assert.equal(task.status, 'completed');
    assert.deepEqual(task.response, { category: 'dog' });
    const callback = await completionCallback(taskId);
    assert.deepEqual(callback.response, { category: 'dog' });
  });

  it('completes a consensus task with the merged box when two labelers agree', async (t) => {
    if (!hasChromium) return t.skip(NO_CHROMIUM);
    const project = unique('consensus');
    await createProject({ type: 'imageannotation', name: project, pipeline: 'consensus_task', consensus_attempts: 2 });
    const first = await teammate('labeler', project);
    const second = await teammate('labeler', project);
    const taskId = await createTask('imageannotation', {
      project,
      attachment: await uploadImage(server),
      attachment_type: 'image',
      geometries: { box: { objects_to_annotate: ['car'] } },
    });

    for (const [email, offset] of [
      [first, 0],
      [second, 4],
    ] as const) {
      const labeling = await signInPage(browser, server, email, PASSWORD);
      await waitForImage(labeling.page);
      await drawBox(labeling.page, [100 + offset, 250], [300 + offset, 350]);
      await labeling.page.getByRole('button', { name: 'Submit' }).click();
      await labeling.page.getByText(/No tasks are waiting/).waitFor();
      assert.deepEqual(labeling.errors, []);
      await labeling.context.close();
    }

    const task = (await server.request('GET', `/v1/task/${taskId}`)).body;
    assert.equal(task.status, 'completed');
    assert.equal(task.response.annotations.length, 1);
    const [merged] = task.response.annotations;
    assert.equal(merged.type, 'box');
    assert.equal(merged.label, 'car');
    assert.ok(Math.abs(merged.left - 102) <= 1, `the mean of the two boxes, left ${merged.left}`);
    assert.ok(Math.abs(merged.width - 200) <= 1, `width ${merged.width}`);
    const callback = await completionCallback(taskId);
    assert.deepEqual(callback.response, task.response);
  });
});
