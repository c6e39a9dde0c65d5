/**
 * Workbench benchmark: does the image editor stay smooth with 1,000 boxes on one image?
 *
 *   node --import tsx bench/workbench.bench.ts [--trace]  (from the repository root; needs /usr/bin/chromium)
 *   BENCH_BOXES=1000 BENCH_MOVES=60 node --import tsx bench/workbench.bench.ts
 *
 * A real Tagwright server (SQLite in a temporary folder) serves a fresh build of the web UI. Two
 * imageannotation tasks on the same 800×500 image carry a `hypothesis`: BENCH_BOXES boxes in a grid,
 * and the same grid's one box alone (the baseline, measured in the same run). A labeler for each
 * signs in through the form in headless Chromium (Debian's, through playwright-core) and gets the
 * task from the work queue. For each task it measures:
 * - load: from reloading the page to every box painted on the canvas (task fetched from the server,
 *   hypothesis read into the editor, shapes painted: the canvas element keeps what it last painted);
 * - drag: one box dragged with the mouse in BENCH_MOVES steps; per step, the time from the
 *   pointermove event to the first task run after the next animation frame (the frame is painted
 *   by then): what a labeler feels as lag;
 * - zoom: the same for BENCH_MOVES wheel steps over the image.
 * A 60 Hz display paints every 16.7 ms; a step that takes longer shows as a dropped frame.
 * Every box shows its label caption and the object list beside the image lists all of them.
 *
 * With `--trace`, the drag and the zoom are each also run under Chromium's tracing (CDP), a second
 * time, and the bench prints the renderer main thread's CPU per step (thread time, so it depends far
 * less than wall time on how many others share the machine's cores) and where it went.
 */
import assert from 'node:assert/strict';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../packages/server/test/helpers/server.ts';
import { acceptInvitation, buildWebUi, hasChromium, inviteTeammate, launchChromium, NO_CHROMIUM, screenOf, signInPage, uploadImage, waitForImage } from '../packages/server/test/e2e/browser.ts';
import { ascending, percentile } from './stats.ts';
import { mainThreadSelfTimes } from './trace-summary.ts';

const BOXES = Number(process.env.BENCH_BOXES ?? 1000);
const MOVES = Number(process.env.BENCH_MOVES ?? 60);
const PASSWORD = 'benchmarking the workbench';
const FRAME_MS = 1000 / 60;
const TRACE = process.argv.includes('--trace');
const TRACE_CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink', 'v8.execute', 'toplevel'];

/** A grid of 14×14 boxes, 40 to a row, 20 pixels apart (1,000 boxes cover the 800×500 image). */
function gridBoxes(count: number): Array<Record<string, unknown>> {
  return Array.from({ length: count }, (_, index) => ({
    uuid: `grid-${index}`,
    type: 'box',
    label: index % 2 ? 'car' : 'bus',
    left: (index % 40) * 20 + 3,
    top: Math.floor(index / 40) * 20 + 3,
    width: 14,
    height: 14,
    attributes: {},
  }));
}

/** The box every run drags: one in the middle of the grid, present in both tasks. */
const DRAGGED = 12 * 40 + 20;

/** A project of its own with one task carrying `boxes` as hypothesis, and a labeler assigned only to it. */
async function labelerWithTask(server: TestServer, attachment: string, name: string, boxes: Array<Record<string, unknown>>): Promise<string> {
  const created = await server.request('POST', '/v1/projects', { body: { type: 'imageannotation', name } });
  assert.equal(created.status, 200, created.text);
  const task = await server.request('POST', '/v1/task/imageannotation', {
    body: { project: name, attachment, attachment_type: 'image', geometries: { box: { objects_to_annotate: ['car', 'bus'] } }, hypothesis: { annotations: boxes } },
  });
  assert.equal(task.status, 200, task.text);
  const email = `${name}@bench.example`;
  await acceptInvitation(server, await inviteTeammate(server, email, 'labeler'), PASSWORD);
  const assigned = await server.request('POST', '/v1/studio/assignments/add', { body: { emails: [email], projects: [name] } });
  assert.equal(assigned.status, 200, assigned.text);
  return email;
}

/**
 * Records, for each pointermove or wheel event, the time until the first task after the next
 * animation frame. A string, not a function: tsx would add helpers to a function that the page lacks.
 */
const FRAME_PROBE = `(() => {
  window.frameTimes = [];
  const onInput = () => {
    const start = performance.now();
    requestAnimationFrame(() => setTimeout(() => window.frameTimes.push(performance.now() - start), 0));
  };
  addEventListener('pointermove', onInput, { capture: true });
  addEventListener('wheel', onInput, { capture: true });
})()`;

async function takeFrameTimes(page: Page): Promise<number[]> {
  await page.waitForTimeout(100); // the last step's frame
  return page.evaluate('window.frameTimes.splice(0)') as Promise<number[]>;
}

interface Figures {
  loadMs: number;
  drag: number[];
  zoom: number[];
  /** Main-thread self CPU time by kind over the traced drag and zoom (empty without --trace). */
  dragTrace: Array<{ name: string; ms: number }>;
  zoomTrace: Array<{ name: string; ms: number }>;
}

/**
 * The number of boxes the shapes canvas painted in its latest frame (it keeps them on the element);
 * in a build from before the canvas (SVG shape groups), the number of box groups, so that this
 * bench can time the old code in the same run for a before/after figure.
 */
const PAINTED_BOXES = `(() => {
  const canvas = document.querySelector('[data-testid=canvas] [data-testid=shapes-canvas]');
  if (canvas) return (canvas.paintedShapes ?? []).filter((shape) => shape.type === 'box').length;
  return document.querySelectorAll('[data-testid=canvas] g[data-shape-type=box]').length;
})()`;

async function measure(browser: Browser, server: TestServer, email: string, boxes: number): Promise<Figures> {
  const { context, page, errors } = await signInPage(browser, server, email, PASSWORD);
  await waitForImage(page);
  const started = performance.now();
  await page.reload();
  await page.waitForFunction(`${PAINTED_BOXES} === ${boxes}`, undefined, { polling: 'raf', timeout: 60_000 });
  const loadMs = performance.now() - started;
  assert.equal(await page.evaluate(PAINTED_BOXES), boxes);
  assert.equal(await page.locator('.tw-object-row').count() > 0, true, 'the object list is open');

  await page.evaluate(FRAME_PROBE);
  // The dragged box goes right and down and back, so a traced second drag starts where the first did.
  const [x, y] = await screenOf(page, (DRAGGED % 40) * 20 + 10, Math.floor(DRAGGED / 40) * 20 + 10);
  const dragOnce = async () => {
    await page.mouse.move(x, y);
    await page.mouse.down();
    for (let step = 1; step <= MOVES; step++) await page.mouse.move(x + step * 2, y + step);
    await page.mouse.up();
  };
  const zoomOnce = async () => {
    for (let step = 0; step < MOVES; step++) await page.mouse.wheel(0, step % 2 ? 40 : -40);
  };
  await dragOnce();
  const drag = await takeFrameTimes(page);
  await zoomOnce();
  const zoom = await takeFrameTimes(page);

  const traced = async (act: () => Promise<void>) => {
    await browser.startTracing(page, { categories: TRACE_CATEGORIES });
    await act();
    await page.waitForTimeout(100);
    const events = JSON.parse((await browser.stopTracing()).toString('utf8')).traceEvents;
    await takeFrameTimes(page);
    return mainThreadSelfTimes(events, Infinity);
  };
  const undoDrag = async () => {
    await page.keyboard.press('Control+z');
    await page.waitForTimeout(100);
  };
  let dragTrace: Figures['dragTrace'] = [];
  let zoomTrace: Figures['zoomTrace'] = [];
  if (TRACE) {
    await undoDrag();
    await page.keyboard.press('0'); // fit the image again, so the traced drag starts on the same box
    await page.waitForTimeout(100);
    dragTrace = await traced(dragOnce);
    zoomTrace = await traced(zoomOnce);
  }
  assert.deepEqual(errors, []);
  await context.close();
  return { loadMs, drag, zoom, dragTrace, zoomTrace };
}

/** Main-thread CPU per step (ms) and its largest kinds of work, from a trace over MOVES steps. */
function cpuLine(name: string, many: Figures['dragTrace'], one: Figures['dragTrace']): string {
  const perStep = (trace: Figures['dragTrace']) => trace.reduce((sum, entry) => sum + entry.ms, 0) / MOVES;
  const top = (trace: Figures['dragTrace']) => trace.slice(0, 6).map((entry) => `${entry.name} ${(entry.ms / MOVES).toFixed(2)}`).join(', ');
  return (
    `  ${name.padEnd(5)} main-thread CPU per step: ${BOXES} boxes ${perStep(many).toFixed(2)} ms | 1 box ${perStep(one).toFixed(2)} ms | ratio ${(perStep(many) / perStep(one)).toFixed(2)}x\n` +
    `        ${BOXES} boxes per step: ${top(many)}\n        1 box per step: ${top(one)}`
  );
}

function stats(times: number[]): { mean: number; p95: number; max: number; dropped: number } {
  const sorted = ascending(times);
  return {
    mean: sorted.reduce((sum, time) => sum + time, 0) / Math.max(1, sorted.length),
    p95: percentile(sorted, 95),
    max: sorted[sorted.length - 1] ?? NaN,
    dropped: sorted.filter((time) => time > FRAME_MS).length,
  };
}

function line(name: string, many: number[], one: number[]): string {
  const a = stats(many);
  const b = stats(one);
  return (
    `  ${name.padEnd(5)} ${BOXES} boxes: mean ${a.mean.toFixed(1)} ms, p95 ${a.p95.toFixed(1)} ms, max ${a.max.toFixed(1)} ms, ${a.dropped} of ${many.length} steps over ${FRAME_MS.toFixed(1)} ms` +
    ` | 1 box: mean ${b.mean.toFixed(1)} ms, p95 ${b.p95.toFixed(1)} ms | mean ratio ${(a.mean / b.mean).toFixed(2)}x`
  );
}

async function main(): Promise<void> {
  if (!hasChromium) throw new Error(NO_CHROMIUM);
  const server = await startTestServer('sqlite', { TAGWRIGHT_WEB_DIR: buildWebUi(), TAGWRIGHT_GOLD_RATE: '0' });
  const browser = await launchChromium();
  try {
    const attachment = await uploadImage(server);
    const grid = gridBoxes(BOXES);
    const many = await labelerWithTask(server, attachment, 'bench-many', grid);
    const one = await labelerWithTask(server, attachment, 'bench-one', [grid[DRAGGED]]);
    const warmUp = await labelerWithTask(server, attachment, 'bench-warm-up', [grid[DRAGGED]]);
    console.log(`workbench bench: headless Chromium, ${os.cpus().length} CPUs, load average ${os.loadavg().map((value) => value.toFixed(2)).join(' ')} (a shared machine: compare the same-run ratios)`);
    await measure(browser, server, warmUp, 1); // fills the browser's cache and warms the server, so neither measured run pays for it
    const baseline = await measure(browser, server, one, 1);
    const loaded = await measure(browser, server, many, BOXES);
    console.log(`  load  ${BOXES} boxes: ${loaded.loadMs.toFixed(0)} ms from reload to every box drawn | 1 box: ${baseline.loadMs.toFixed(0)} ms | ratio ${(loaded.loadMs / baseline.loadMs).toFixed(2)}x`);
    console.log(line('drag', loaded.drag, baseline.drag));
    console.log(line('zoom', loaded.zoom, baseline.zoom));
    if (TRACE) {
      console.log(cpuLine('drag', loaded.dragTrace, baseline.dragTrace));
      console.log(cpuLine('zoom', loaded.zoomTrace, baseline.zoomTrace));
    }
    const smooth = (times: number[]) => stats(times).p95 <= FRAME_MS;
    console.log(`load average at the end ${os.loadavg().map((value) => value.toFixed(2)).join(' ')}`);
    console.log(`target smooth with ${BOXES} boxes (p95 of drag and zoom steps within one 60 Hz frame): ${smooth(loaded.drag) && smooth(loaded.zoom) ? 'met' : 'MISSED'}`);
  } finally {
    await browser.close();
    await server.close();
  }
}

await main();
