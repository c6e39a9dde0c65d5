/**
 * The video editor in headless Chromium (Debian's): a 10-minute 30 fps WebM (18,000 frames, made
 * by ffmpeg) with 50 box tracks keyed every 30 frames, against the same video with one track, in
 * the same run. The web UI is built fresh and served by the mock app API (the draft holds the
 * keyframes); the video comes from a small range-serving HTTP server in this process.
 * - step: 60 presses of → as a held key repeats them (30 a second, an OS's usual key repeat), per
 *   press from the event's own timestamp (so time the input waited behind earlier work counts) to
 *   the presentation of the frame that shows it, as Chromium's Event Timing API reports it (the
 *   `duration` INP uses; 8 ms granularity, and presses under 16 ms are not reported, so they count
 *   as "< 16 ms"). Printed beside it, the old probe: the same 60 presses sent back to back by
 *   page.keyboard.press, timed to the first task after the next requestAnimationFrame callback.
 *   Why the change (issue 13, a traced run at load 4): the back-to-back presses arrive as fast as
 *   Chromium acks them, so each one's frame competes with the next press's handling, and in
 *   headless Chromium (--disable-gpu) every frame is also drawn in software by the viz thread and
 *   the seek decodes VP8 on the media thread: about 24 ms of CPU per press over all of Chromium's
 *   threads (the renderer main thread about 8), on 2 shared cores, so the main thread waited for a
 *   core for two thirds of its wall time. That is the machine, not the editor's per-press work, and
 *   no labeler presses 60 keys in 2 s; a held key at its repeat rate is what a labeler does;
 * - scrub: 60 pointer moves dragging the scrubber across the video, at 60 a second (a mouse's
 *   moves, which Chromium coalesces per frame), timed to the first task after the next
 *   requestAnimationFrame callback (Event Timing does not report pointer moves); beside it, how
 *   much of that is the wait until the move is handled (Chromium handles a pointer move at the
 *   start of the next frame) and the scrub frame time (the frame's begin time to the first task
 *   after its rAF: that frame's own work); the old figure, the moves back to back, last;
 * - picture: 10 single presses of →, one at a time, from the event's timestamp to the moment the
 *   video presents the sought frame (requestVideoFrameCallback's expectedDisplayTime): what the
 *   labeler waits for after a step, which includes the browser's seek and decode.
 *
 * With `--trace`, the 50-track steps are also recorded with Chromium's tracing (CDP) and the renderer
 * main thread's self time per kind of work is printed (where a step's time goes).
 *
 *   node --import tsx bench/video-editor.bench.ts [--trace]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createServer } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { build } from 'vite';
import { launchChromium, hasChromium, NO_CHROMIUM } from '../packages/server/test/e2e/browser.ts';
import { makeTestVideo } from '../packages/server/test/helpers/video.ts';
import { ascending, percentile } from './stats.ts';
import { benchSubmission } from './video-tracks.ts';
import { mainThreadSelfTimes, threadCpuTimes } from './trace-summary.ts';
// @ts-expect-error plain ES module without types
import { startMockServer } from '../packages/web/scripts/mock-app-api.mjs';

const FRAME_MS = 1000 / 60;
const STEPS = 60;
/** A held key's repeat interval (30 a second) and a mouse's move interval (one per 60 Hz frame). */
const KEY_REPEAT_MS = 1000 / 30;
const POINTER_MOVE_MS = 1000 / 60;

const PICTURES = 10;
const TRACE = process.argv.includes('--trace');

// event.timeStamp shares performance.now()'s clock, and is when the input arrived, not when it was handled.
const PROBE = `(() => {
  window.frameTimes = [];
  window.frameWork = [];
  window.pictureTimes = [];
  window.watchPictures = false;
  window.moveWaits = [];
  const onInput = (event) => {
    const start = event.timeStamp;
    if (event.type === 'pointermove') window.moveWaits.push(performance.now() - start);
    // The rAF timestamp is the frame's begin time (its vsync): after it, the time is the frame's own work.
    requestAnimationFrame((frameStart) => setTimeout(() => {
      window.frameTimes.push(performance.now() - start);
      window.frameWork.push(performance.now() - frameStart);
    }, 0));
    const video = document.querySelector('video[data-testid=video-frame]');
    if (window.watchPictures && video) video.requestVideoFrameCallback((now, metadata) => window.pictureTimes.push(metadata.expectedDisplayTime - start));
  };
  // Event Timing: from the event's timestamp to the presentation of the next frame after its handlers.
  window.presented = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) if (entry.name === 'keydown') window.presented.push(entry.duration);
  }).observe({ type: 'event', durationThreshold: 16 });
  addEventListener('keydown', onInput, { capture: true });
  addEventListener('pointermove', onInput, { capture: true });
})()`;

/** Serves one file with byte ranges (video seeking needs them). */
function serveFile(file: string): Promise<{ url: string; close: () => void }> {
  const size = fs.statSync(file).size;
  const server = createServer((request, response) => {
    const range = /bytes=(\d+)-(\d*)/.exec(request.headers.range ?? '');
    const start = range ? Number(range[1]) : 0;
    const end = range && range[2] ? Number(range[2]) : size - 1;
    response.writeHead(range ? 206 : 200, {
      'content-type': 'video/webm',
      'accept-ranges': 'bytes',
      'content-length': end - start + 1,
      'access-control-allow-origin': '*',
      ...(range ? { 'content-range': `bytes ${start}-${end}/${size}` } : {}),
    });
    fs.createReadStream(file, { start, end }).pipe(response);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as { port: number }).port}/video.webm`, close: () => server.close() })));
}

/** Runs `act` `count` times, starting one every `interval` ms (back to back when 0 or when one runs longer). */
async function paced(count: number, interval: number, act: (index: number) => Promise<unknown>): Promise<void> {
  const start = performance.now();
  for (let index = 0; index < count; index++) {
    await act(index);
    const wait = start + (index + 1) * interval - performance.now();
    if (wait > 0) await sleep(wait);
  }
}

function stats(times: number[]) {
  const sorted = ascending(times);
  return { mean: sorted.reduce((sum, time) => sum + time, 0) / Math.max(1, sorted.length), p95: percentile(sorted, 95), dropped: sorted.filter((time) => time > FRAME_MS).length };
}

async function measure(browser: Awaited<ReturnType<typeof launchChromium>>, distDir: string, videoUrl: string, tracks: number) {
  const task = { task_id: `bench-${tracks}`, type: 'videoannotation', project: 'bench', params: { attachment_type: 'video', attachment: videoUrl, frame_rate: 30, geometries: { box: { objects_to_annotate: ['car', 'person'] } } }, attachment_url: videoUrl, created_at: new Date().toISOString() };
  const mock = await startMockServer({ distDir, tasks: [task] });
  try {
    await fetch(`${mock.url}/app/api/queue/next`);
    await fetch(`${mock.url}/app/api/tasks/${task.task_id}/draft`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ lease_id: `lease-${task.task_id}`, response: benchSubmission(18000, tracks) }) });
    const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    await page.goto(`${mock.url}/ui/`);
    await page.waitForFunction(() => (document.querySelector('input[aria-label=Scrub]') as HTMLInputElement | null)?.max === '17999', undefined, { timeout: 120_000 });
    await page.waitForFunction((count) => document.querySelectorAll('.tw-track').length === count, tracks, { timeout: 120_000 });
    await page.waitForTimeout(500);
    await page.evaluate(PROBE);
    if (TRACE) await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink', 'v8.execute', 'toplevel'] });
    for (let step = 0; step < STEPS; step++) await page.keyboard.press('ArrowRight');
    await page.waitForTimeout(200);
    const traceEvents = TRACE ? JSON.parse((await browser.stopTracing()).toString('utf8')).traceEvents : [];
    const trace = TRACE ? mainThreadSelfTimes(traceEvents, Infinity) : [];
    const threads = TRACE ? threadCpuTimes(traceEvents) : [];
    const stepBackToBack = (await page.evaluate('window.frameTimes.splice(0)')) as number[];
    await page.evaluate('window.presented.splice(0)');
    await page.evaluate('window.frameWork.splice(0)');
    await paced(STEPS, KEY_REPEAT_MS, () => page.keyboard.press('ArrowRight'));
    await page.waitForTimeout(200);
    const stepProbe = (await page.evaluate('window.frameTimes.splice(0)')) as number[];
    const stepFrame = (await page.evaluate('window.frameWork.splice(0)')) as number[];
    const slow = (await page.evaluate('window.presented.splice(0)')) as number[];
    // Presses Event Timing left out were presented within 16 ms: they count as 0 ("< 16 ms").
    const step = [...slow, ...new Array<number>(Math.max(0, STEPS - slow.length)).fill(0)];
    const box = (await page.locator('input[aria-label=Scrub]').boundingBox())!;
    const drag = async (interval: number) => {
      await page.mouse.move(box.x + 8, box.y + box.height / 2);
      await page.mouse.down();
      await page.evaluate('window.frameTimes.splice(0); window.frameWork.splice(0); window.moveWaits.splice(0)');
      await paced(STEPS, interval, (move) => page.mouse.move(box.x + 8 + ((box.width - 16) * (move + 1)) / STEPS, box.y + box.height / 2));
      await page.mouse.up();
      await page.waitForTimeout(200);
      return {
        times: (await page.evaluate('window.frameTimes.splice(0)')) as number[],
        frames: (await page.evaluate('window.frameWork.splice(0)')) as number[],
        waits: (await page.evaluate('window.moveWaits.splice(0)')) as number[],
      };
    };
    const scrubBackToBack = (await drag(0)).times;
    await page.keyboard.press('Home');
    await page.waitForTimeout(300);
    const { times: scrub, frames: scrubFrame, waits: scrubWait } = await drag(POINTER_MOVE_MS);
    const frame = await page.locator('input[aria-label=Scrub]').inputValue();
    await page.keyboard.press('Home');
    await page.waitForTimeout(300);
    await page.evaluate('window.watchPictures = true');
    for (let press = 1; press <= PICTURES; press++) {
      await page.keyboard.press('ArrowRight');
      await page.waitForFunction((count) => (window as unknown as { pictureTimes: number[] }).pictureTimes.length >= count, press, { timeout: 10_000 });
      await page.waitForTimeout(50);
    }
    const picture = (await page.evaluate('window.pictureTimes.splice(0)')) as number[];
    await page.close();
    return { threads, step, stepProbe, stepFrame, stepBackToBack, scrub, scrubFrame, scrubWait, scrubBackToBack, picture, frame, trace };
  } finally {
    await mock.close();
  }
}

if (!hasChromium) throw new Error(NO_CHROMIUM);
const distDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tagwright-video-bench-ui-'));
await build({ root: path.join(import.meta.dirname, '../packages/web'), logLevel: 'silent', build: { outDir: distDir, emptyOutDir: true } });
const video = await serveFile(makeTestVideo(600));
const browser = await launchChromium();
try {
  console.log(`video editor bench: headless Chromium, ${os.cpus().length} CPUs, load average ${os.loadavg().map((value) => value.toFixed(2)).join(' ')} (shared machine: compare ratios)`);
  await measure(browser, distDir, video.url, 1); // warm-up
  const one = await measure(browser, distDir, video.url, 1);
  const many = await measure(browser, distDir, video.url, 50);
  const presentedP95 = (times: number[]) => (stats(times).p95 === 0 ? '< 16 ms' : `${stats(times).p95.toFixed(0)} ms`);
  console.log(`  step (held key, 30 presses/s; input → frame presented, Event Timing) 50 tracks: p95 ${presentedP95(many.step)}, ${stats(many.step).dropped} of ${STEPS} over ${FRAME_MS.toFixed(1)} ms | 1 track: p95 ${presentedP95(one.step)}, ${stats(one.step).dropped} over`);
  const rows = [
    ['step (held key, 30 presses/s; input → rAF → setTimeout)', 'stepProbe'],
    ['step frame (held key; frame begin time → setTimeout after its rAF)', 'stepFrame'],
    ['step, old figure (60 presses back to back; input → rAF → setTimeout)', 'stepBackToBack'],
    ['scrub (60 moves/s; input → rAF → setTimeout)', 'scrub'],
    ['scrub, of which the wait for the frame (input → handler; Chromium handles a move at the next frame)', 'scrubWait'],
    ['scrub frame (60 moves/s; frame begin time → setTimeout after its rAF)', 'scrubFrame'],
    ['scrub, old figure (moves back to back)', 'scrubBackToBack'],
    ['picture (single presses; input → video frame presented)', 'picture'],
  ] as const;
  for (const [label, kind] of rows) {
    const a = stats(many[kind]);
    const b = stats(one[kind]);
    console.log(`  ${label} 50 tracks: mean ${a.mean.toFixed(1)} ms, p95 ${a.p95.toFixed(1)} ms, ${a.dropped} of ${many[kind].length} over ${FRAME_MS.toFixed(1)} ms | 1 track: mean ${b.mean.toFixed(1)} ms, p95 ${b.p95.toFixed(1)} ms | p95 ratio ${(a.p95 / b.p95).toFixed(2)}x`);
  }
  if (TRACE) {
    for (const [name, run] of [['50 tracks', many], ['1 track', one]] as const) {
      console.log(`  main thread self time over ${STEPS} steps, ${name}: ${run.trace.slice(0, 12).map((entry) => `${entry.name} ${entry.ms.toFixed(0)} ms`).join(', ')}`);
    }
    // CPU time, unlike the frame times above, hardly depends on how many engineers share the cores.
    const perStep = (run: typeof many) => run.trace.reduce((sum, entry) => sum + entry.ms, 0) / STEPS;
    console.log(`  main thread CPU per step: 50 tracks ${perStep(many).toFixed(1)} ms | 1 track ${perStep(one).toFixed(1)} ms | ratio ${(perStep(many) / perStep(one)).toFixed(2)}x`);
    // All of Chromium's threads: in headless Chromium with --disable-gpu a step costs far more CPU than the main thread's share.
    for (const [name, run] of [['50 tracks', many], ['1 track', one]] as const) {
      const all = run.threads.reduce((sum, entry) => sum + entry.ms, 0) / STEPS;
      console.log(`  Chromium CPU per step (back to back), ${name}: ${all.toFixed(1)} ms over all threads; ${run.threads.slice(0, 6).map((entry) => `${entry.name} ${(entry.ms / STEPS).toFixed(1)}`).join(', ')}`);
    }
  }
  console.log(`  scrubbed to frame ${many.frame} of 17999`);
  // Event Timing rounds to 8 ms, so a reported 16 may be up to 20 ms: the step counts only when p95 is under 16.
  // The issue's "scrub frame time" is read as the scrub frame figure (each frame's own time while
  // scrubbing). The input → rAF → setTimeout figure also counts the wait for that frame: Chromium
  // holds a pointer move until the next frame begins (rAF-aligned input), 0-16.7 ms, so its p95 is
  // over 16.7 ms whenever a frame's work is more than a millisecond or two, however fast the
  // editor. Event Timing, used for the step, reports no pointer moves (the spec leaves them out)
  // and, in this Chromium, not the range input's `input` events either. Both verdicts are printed.
  const verdict = (met: boolean) => (met ? 'met' : 'MISSED');
  console.log(`target with 50 tracks, p95 within a 60 Hz frame: step (input → presented, Event Timing) ${verdict(stats(many.step).p95 < 16)}; scrub frame time ${verdict(stats(many.scrubFrame).p95 <= FRAME_MS)}; scrub input → rAF → setTimeout (the old figure, with the wait for the frame) ${verdict(stats(many.scrub).p95 <= FRAME_MS)}`);
} finally {
  await browser.close();
  video.close();
  fs.rmSync(distDir, { recursive: true, force: true });
}
