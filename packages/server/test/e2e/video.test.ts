/**
 * Video labeling in a real browser (Debian's Chromium) against a real server: a labeler tracks two
 * objects over a 300-frame WebM made by Debian's ffmpeg (three keyframes each) and marks an event;
 * a reviewer opens it with playback, fixes a keyframe and saves; the customer's response holds
 * only URLs, and the annotation file lists every frame with the geometry interpolated from the
 * keyframes (computed here independently). With TAGWRIGHT_SCREENSHOT_DIR set, it saves the
 * labeler's editor (both tracks, the event, the playhead mid-video) as workbench-video.png there.
 */
import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.ts';
import { hasFfmpeg, makeTestVideo, NO_FFMPEG } from '../helpers/video.ts';
import { unique } from '../tasks/helpers.ts';
import { NO_CHROMIUM, addTeammate, documentScreenshot, hasChromium, signInPage, useBrowserServer } from './browser.ts';
import { dragPixels, drawBoxTrack, fetchResult, goToFrame, uploadVideo, waitForVideo } from './video-page.ts';

const PASSWORD = 'tracking cars all day';

type Box = { left: number; top: number; width: number; height: number };
type Keyframe = Box & { frame: number; attributes?: Record<string, unknown> };

/** The box at `frame` by linear interpolation between keyframes (§4.4), or null outside the first..last keyframe. */
function expectedBox(keyframes: Keyframe[], frame: number): Box | null {
  if (frame < keyframes[0].frame || frame > keyframes[keyframes.length - 1].frame) return null;
  const right = keyframes.findIndex((keyframe) => keyframe.frame >= frame);
  const b = keyframes[right];
  if (b.frame === frame) return { left: b.left, top: b.top, width: b.width, height: b.height };
  const a = keyframes[right - 1];
  const t = (frame - a.frame) / (b.frame - a.frame);
  const at = (key: keyof Box) => Math.round((a[key] + (b[key] - a[key]) * t) * 100) / 100;
  return { left: at('left'), top: at('top'), width: at('width'), height: at('height') };
}

describeEachDatabase('Video tracking in a real browser', (dialect) => {
  const chromium = useBrowserServer(dialect);
  let video: string;

  before(() => {
    if (hasChromium && hasFfmpeg) video = makeTestVideo(10);
  });

  const teammate = (role: string, project: string) => addTeammate(chromium.server, role, PASSWORD, project);

  it('tracks two objects over 300 frames with keyframes and an event; review fixes one; the file lists every frame interpolated', async (t) => {
    if (!hasChromium) return t.skip(NO_CHROMIUM);
    if (!hasFfmpeg) return t.skip(NO_FFMPEG);
    const project = unique('traffic');
    const created = await chromium.server.request('POST', '/v1/projects', { body: { type: 'videoannotation', name: project, params: { review: true } } });
    assert.equal(created.status, 200, created.text);
    const labeler = await teammate('labeler', project);
    const reviewer = await teammate('member', project);
    const task = await chromium.server.request('POST', '/v1/task/videoannotation', {
      body: {
        project,
        instruction: 'Track the **car** and the **person**.',
        attachment_type: 'video',
        attachment: await uploadVideo(chromium.server, video),
        frame_rate: 30,
        geometries: { box: { objects_to_annotate: ['car', 'person'], min_width: 4, min_height: 4 } },
        events_to_annotate: ['Turning'],
      },
    });
    assert.equal(task.status, 200, task.text);
    const taskId = task.body.task_id;

    const labeling = await signInPage(chromium.browser, chromium.server, labeler, PASSWORD);
    const page = labeling.page;
    await waitForVideo(page, 300);
    // The car: drawn on frame 0, moved on frames 150 and 299.
    await drawBoxTrack(page, [[20, 60], [80, 100]], [
      [150, [50, 80], [150, 90]],
      [299, [150, 90], [250, 120]],
    ]);
    // The person: drawn on frame 0 (label 2), moved on frames 100 and 250.
    await goToFrame(page, 0);
    await page.keyboard.press('Escape');
    await drawBoxTrack(page, [[200, 10], [230, 50]], [
      [100, [215, 30], [255, 40]],
      [250, [255, 40], [285, 140]],
    ], '2');
    // A "Turning" range from frame 120 to 140.
    await goToFrame(page, 120);
    await page.getByRole('button', { name: 'Start range' }).click();
    await goToFrame(page, 140);
    await page.getByRole('button', { name: /End range/ }).click();
    assert.equal(await page.locator('.tw-track').count(), 2);
    assert.equal(await page.locator('path[data-keyframes="3"]').count(), 2, 'the timeline shows three keyframes on each track');
    // `?` lists the time keys, then the image keys a frame still takes.
    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    assert.deepEqual(await help.locator('h3').allTextContents(), ['Task', 'Frames', 'Tracks', 'Tools', 'Objects', 'View', 'History'], 'the help lists every group');
    assert.ok((await help.locator('kbd').allTextContents()).includes('K'), 'the help names play/pause');
    await documentScreenshot(page, 'workbench-video-shortcuts');
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });
    if (process.env.TAGWRIGHT_SCREENSHOT_DIR) {
      await goToFrame(page, 130);
      await page.locator('.tw-track-select').first().click();
      await documentScreenshot(page, 'workbench-video');
    }
    await page.getByRole('button', { name: 'Submit' }).click();
    await page.getByText(/No tasks are waiting/).waitFor();
    assert.deepEqual(labeling.errors, []);
    await labeling.context.close();

    // The reviewer sees both tracks, plays a little, moves the car's last keyframe, and saves the fix.
    const review = await signInPage(chromium.browser, chromium.server, reviewer, PASSWORD, '#/review');
    await waitForVideo(review.page, 300);
    assert.equal(await review.page.locator('.tw-track').count(), 2, 'the reviewer sees the two tracks');
    await review.page.getByRole('button', { name: 'Play' }).click();
    await review.page.waitForFunction(() => Number((document.querySelector('input[aria-label=Scrub]') as HTMLInputElement).value) > 5);
    await review.page.getByRole('button', { name: 'Pause' }).click();
    await review.page.keyboard.press('v');
    await goToFrame(review.page, 299);
    await dragPixels(review.page, [250, 120], [240, 110]);
    await review.page.getByRole('button', { name: 'Save fix' }).click();
    await review.page.getByText(/No tasks are waiting/).waitFor();
    assert.deepEqual(review.errors, []);
    await review.context.close();

    const completed = (await chromium.server.request('GET', `/v1/task/${taskId}`)).body;
    assert.equal(completed.status, 'completed');
    assert.deepEqual(Object.keys(completed.response).sort(), ['annotations', 'events']);
    const file: Array<{ annotations: Array<Record<string, any>> }> = await fetchResult(completed.response.annotations.url);
    const keyframes = await fetchResult(completed.response.annotations.url.replace(/annotations\.json$/, 'keyframes.json'));
    assert.equal(file.length, 300);
    const [car, person] = keyframes.tracks as Array<{ uuid: string; label: string; keyframes: Keyframe[] }>;
    assert.equal(car.label, 'car');
    assert.equal(person.label, 'person');
    assert.deepEqual(car.keyframes.map((keyframe) => keyframe.frame), [0, 150, 299]);
    assert.deepEqual(person.keyframes.map((keyframe) => keyframe.frame), [0, 100, 250]);
    // Where the mouse put them (within a pixel), the reviewer's fix included.
    const near = (actual: Box, wanted: Box) => (Object.keys(wanted) as Array<keyof Box>).every((key) => Math.abs(actual[key] - wanted[key]) <= 1.5);
    assert.ok(near(car.keyframes[0], { left: 20, top: 60, width: 60, height: 40 }), JSON.stringify(car.keyframes[0]));
    assert.ok(near(car.keyframes[2], { left: 210, top: 90, width: 60, height: 40 }), JSON.stringify(car.keyframes[2]));
    assert.ok(near(person.keyframes[2], { left: 270, top: 120, width: 30, height: 40 }), JSON.stringify(person.keyframes[2]));
    for (let frame = 0; frame < 300; frame++) {
      for (const track of [car, person]) {
        const listed = file[frame].annotations.find((annotation) => annotation.uuid === track.uuid);
        const wanted = expectedBox(track.keyframes, frame);
        if (!wanted) {
          assert.equal(listed, undefined, `${track.label} is not listed on frame ${frame}`);
          continue;
        }
        assert.ok(listed, `${track.label} is listed on frame ${frame}`);
        assert.equal(listed.type, 'box');
        assert.equal(listed.label, track.label);
        for (const key of ['left', 'top', 'width', 'height'] as const) {
          assert.ok(Math.abs(listed[key] - wanted[key]) <= 0.011, `${track.label} ${key} on frame ${frame}: ${listed[key]} vs ${wanted[key]}`);
        }
      }
    }
    const events = await fetchResult(completed.response.events.url);
    assert.deepEqual(events, { events: [{ label: 'Turning', type: 'range', start: 120, end: 140, startTime: 4, endTime: 4.666667 }] });
  });
});
