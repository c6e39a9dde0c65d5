/** What the video end-to-end tests do to the video editor's page, and read back from the server. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import type { TestServer } from '../helpers/server.ts';
import { screenOf } from './browser.ts';

/** Types a frame into the frame field and waits for the scrubber to show it. */
export async function goToFrame(page: Page, frame: number): Promise<void> {
  const input = page.getByLabel('Frame number');
  await input.fill(String(frame));
  await input.press('Enter');
  // Shortcut keys go to the page, not to the number field.
  await input.blur();
  await page.waitForFunction((wanted) => (document.querySelector('input[aria-label=Scrub]') as HTMLInputElement | null)?.value === String(wanted), frame);
}

/** Presses at one video pixel and releases at another, in small steps. */
export async function dragPixels(page: Page, from: [number, number], to: [number, number]): Promise<void> {
  await page.mouse.move(...(await screenOf(page, ...from)));
  await page.mouse.down();
  await page.mouse.move(...(await screenOf(page, (from[0] + to[0]) / 2, (from[1] + to[1]) / 2)), { steps: 4 });
  await page.mouse.move(...(await screenOf(page, ...to)), { steps: 4 });
  await page.mouse.up();
}

type Point = [number, number];

/**
 * Draws a box track on the current frame from one video pixel to another (with the label of
 * `labelKey`, or the selected one), then for each move goes to its frame and drags the box there,
 * which makes a keyframe. Ends with the select tool on and the track selected.
 */
export async function drawBoxTrack(page: Page, box: [Point, Point], moves: Array<[frame: number, from: Point, to: Point]>, labelKey?: string): Promise<void> {
  await page.keyboard.press('b');
  if (labelKey) await page.keyboard.press(labelKey);
  await dragPixels(page, ...box);
  await page.keyboard.press('v');
  for (const [frame, from, to] of moves) {
    await goToFrame(page, frame);
    await dragPixels(page, from, to);
  }
}

/** Waits for the video element and for the timeline to know the video's length. */
export async function waitForVideo(page: Page, frames: number): Promise<void> {
  await page.waitForSelector('[data-testid=video-frame]');
  await page.waitForFunction((last) => (document.querySelector('input[aria-label=Scrub]') as HTMLInputElement | null)?.max === String(last), frames - 1);
}

/** Uploads a video file through the API; returns its attachment URL. */
export async function uploadVideo(server: TestServer, file: string): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([fs.readFileSync(file)], { type: 'video/webm' }), 'clip.webm');
  const response = await server.request('POST', '/v1/files/upload', { rawBody: form });
  assert.equal(response.status, 200, response.text);
  return response.body.attachment_url;
}

/** A result file by its URL, fetched with no API key (FiftyOne does the same). */
export async function fetchResult(url: string): Promise<any> {
  const answer = await fetch(url);
  assert.equal(answer.status, 200, url);
  return answer.json();
}
