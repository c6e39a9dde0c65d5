/**
 * A link between two video tracks drawn in a real browser (Debian's Chromium) against a real
 * server: a labeler tracks a rider (frames 0-150) and a bike (frames 0-100) over a 300-frame WebM
 * made by Debian's ffmpeg, takes the link tool with its key (I; K is play/pause), clicks the rider
 * then the bike on frame 50, and submits. The draft file keeps the link once, and the annotation
 * file lists it on exactly the frames where both tracks are (task-types §4.2, "links … as for images").
 */
import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.ts';
import { hasFfmpeg, makeTestVideo, NO_FFMPEG } from '../helpers/video.ts';
import { unique } from '../tasks/helpers.ts';
import { NO_CHROMIUM, addTeammate, hasChromium, screenOf, signInPage, useBrowserServer } from './browser.ts';
import { drawBoxTrack, fetchResult, goToFrame, uploadVideo, waitForVideo } from './video-page.ts';

const PASSWORD = 'linking riders to bikes';

describeEachDatabase('Video links in a real browser', (dialect) => {
  const chromium = useBrowserServer(dialect);
  let video: string;

  before(() => {
    if (hasChromium && hasFfmpeg) video = makeTestVideo(10);
  });

  it('links two tracks with the link tool; the annotation file lists the link on the frames where both tracks are', async (t) => {
    if (!hasChromium) return t.skip(NO_CHROMIUM);
    if (!hasFfmpeg) return t.skip(NO_FFMPEG);
    const project = unique('riders');
    const created = await chromium.server.request('POST', '/v1/projects', { body: { type: 'videoannotation', name: project } });
    assert.equal(created.status, 200, created.text);
    const labeler = await addTeammate(chromium.server, 'labeler', PASSWORD, project);
    const task = await chromium.server.request('POST', '/v1/task/videoannotation', {
      body: {
        project,
        attachment_type: 'video',
        attachment: await uploadVideo(chromium.server, video),
        frame_rate: 30,
        geometries: { box: { objects_to_annotate: ['rider', 'bike'] } },
        links: { rides: { is_bidirectional: false, from_allowed_labels: ['rider'], to_allowed_labels: ['bike'] } },
      },
    });
    assert.equal(task.status, 200, task.text);

    const labeling = await signInPage(chromium.browser, chromium.server, labeler, PASSWORD);
    const page = labeling.page;
    await waitForVideo(page, 300);
    // The rider (label 1): drawn on frame 0 at (20, 60) 60×40, moved by (100, 10) on frame 150.
    await drawBoxTrack(page, [[20, 60], [80, 100]], [[150, [50, 80], [150, 90]]]);
    // The bike (label 2): drawn on frame 0 at (200, 10) 30×40, moved by (40, 10) on frame 100.
    await goToFrame(page, 0);
    await page.keyboard.press('Escape');
    await drawBoxTrack(page, [[200, 10], [230, 50]], [[100, [215, 30], [255, 40]]], '2');
    assert.equal(await page.locator('.tw-track').count(), 2);

    // On frame 50 the rider is at (53.3, 63.3) and the bike at (220, 15): click the middle of each.
    await goToFrame(page, 50);
    await page.keyboard.press('Escape');
    await page.keyboard.press('i');
    assert.equal(await page.getByRole('button', { name: /^Link/ }).getAttribute('aria-pressed'), 'true', 'I takes the link tool');
    await page.mouse.click(...(await screenOf(page, 83, 83)));
    await page.mouse.click(...(await screenOf(page, 235, 35)));
    const rows = page.locator('.tw-links li');
    await rows.first().waitFor();
    assert.equal(await rows.count(), 1);
    assert.match((await rows.first().textContent()) ?? '', /rider.*→.*bike.*rides/);
    await page.getByRole('button', { name: 'Submit' }).click();
    await page.getByText(/No tasks are waiting/).waitFor();
    assert.deepEqual(labeling.errors, []);
    await labeling.context.close();

    const completed = (await chromium.server.request('GET', `/v1/task/${task.body.task_id}`)).body;
    assert.equal(completed.status, 'completed');
    const keyframes = await fetchResult(completed.response.annotations.url.replace(/annotations\.json$/, 'keyframes.json'));
    const [rider, bike] = keyframes.tracks as Array<{ uuid: string; label: string; keyframes: Array<{ frame: number }> }>;
    assert.deepEqual([rider.label, bike.label], ['rider', 'bike']);
    assert.deepEqual(rider.keyframes.map((keyframe) => keyframe.frame), [0, 150]);
    assert.deepEqual(bike.keyframes.map((keyframe) => keyframe.frame), [0, 100]);
    assert.equal(keyframes.links.length, 1);
    const link = keyframes.links[0];
    assert.deepEqual({ label: link.label, from: link.from, to: link.to }, { label: 'rides', from: rider.uuid, to: bike.uuid });
    assert.match(link.uuid, /^[0-9a-f-]{36}$/);
    const frames: Array<{ annotations: Array<{ uuid: string }>; links: unknown[] }> = await fetchResult(completed.response.annotations.url);
    assert.equal(frames.length, 300);
    frames.forEach((frame, index) => {
      assert.deepEqual(frame.links, index <= 100 ? [link] : [], `frame ${index}`);
    });
  });
});
