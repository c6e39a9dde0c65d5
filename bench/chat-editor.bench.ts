/**
 * The chat editor with a long thread, in headless Chromium (Debian's): a chat task whose draft holds
 * BENCH_TURNS turns (default 300: a user message, two model answers of about 600 characters, a
 * ranking, a 1–3 rating per answer and a rubric score per answer), against the same task with 3
 * turns (30 for scrolling: 3 turns fit on the screen), in the same run. The web UI is built fresh and served by the mock app API (the draft is the
 * thread; no server or database is measured here).
 * - open: from navigation to the conversation drawn (its first drawn turn and the message box), and
 *   the longest main-thread task meanwhile;
 * - scroll: 60 wheel steps of 400 px down the thread, 20 ms apart; per step, from the wheel event's
 *   timestamp to the first task after the next animation frame (the frame is painted by then);
 * - type: 60 keys typed in the "Your message" box, 40 ms apart, each measured the same way;
 * - add: 10 turns added (Ctrl+Enter), each measured the same way, and the new turn drawn;
 * - rate: 20 ratings clicked in the last three turns of the draft, each measured the same way.
 * A 60 Hz display paints every 16.7 ms; a step that takes longer shows as a dropped frame.
 * BENCH_TRACE=1 also traces the long thread's open and rate steps (bench/chrome-trace.ts: main-thread
 * time by kind and the busiest script functions, from an unminified build); BENCH_STEPS=rate (a
 * comma list of scroll, type, add, rate) runs only those steps.
 *
 *   node --import tsx bench/chat-editor.bench.ts          (BENCH_TURNS=300)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { build } from 'vite';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, hasChromium, NO_CHROMIUM } from '../packages/server/test/e2e/browser.ts';
import { ascending, percentile } from './stats.ts';
import { printTrace, traceDuring } from './chrome-trace.ts';
// @ts-expect-error plain ES module without types
import { startMockServer } from '../packages/web/scripts/mock-app-api.mjs';

const TURNS = Number(process.env.BENCH_TURNS ?? 300);
const BASELINE_TURNS = 3;
const SCROLL_BASELINE_TURNS = 30;
const FRAME_MS = 1000 / 60;
const STEPS = 60;
const TRACE = process.env.BENCH_TRACE === '1';
const STEP_KINDS = ['scroll', 'type', 'add', 'rate'] as const;
const RUN_STEPS = new Set(process.env.BENCH_STEPS ? process.env.BENCH_STEPS.split(',') : STEP_KINDS);

const PARAMS = {
  annotations: [
    { key: 'preference', type: 'ranked_choices', scope: 'turn', title: 'Which answer is better?' },
    { key: 'formatting', type: 'integer', scope: 'message', title: 'Formatting', possible_values: [1, 2, 3], labels: ['Major issues', 'Minor issues', 'No issues'] },
  ],
  rubric: { criteria: [{ id: 'c1', criterion: 'Answers the question', weight: 2 }], scores: [0, 1, 2] },
};

const SENTENCE = 'A qubit is a two-level quantum system; measuring it yields one of two outcomes with probabilities set by its amplitudes. ';

/** A thread of `count` turns, each fully answered (ranking, ratings, rubric scores), as a draft holds it. */
function thread(count: number) {
  const answer = (source: string, turn: number, formatting: number) => ({
    role: 'assistant',
    source_id: source,
    content: { text: `${source} on question ${turn + 1}: ${SENTENCE.repeat(5)}` },
    annotations: [{ key: 'formatting', type: 'integer', value: formatting }],
    rubric_evaluations: [{ criteria_evaluations: [{ criterion_definition_id: 'c1', score: formatting - 1, annotations: [] }], annotations: [], total_score: (formatting - 1) * 2, percentage: (formatting - 1) * 50 }],
  });
  return {
    threads: [
      {
        annotations: [],
        turns: Array.from({ length: count }, (_, turn) => ({
          messages: [{ role: 'user', source_id: 'user', content: { text: `Question ${turn + 1}: how is a qubit measured?` }, annotations: [] }, answer('model_a', turn, 3), answer('model_b', turn, 2)],
          annotations: [{ key: 'preference', type: 'ranked_choices', value: ['model_a', 'model_b'] }],
          rubrics: [{ criteria_definitions: [{ id: 'c1', criterion: 'Answers the question', weight: 2, annotations: [] }] }],
        })),
      },
    ],
  };
}

/**
 * Per input event: from the event's own timestamp (time spent waiting behind earlier work counts) to
 * the first task after the next animation frame. A string, so tsx adds nothing the page lacks.
 */
const PROBE = `(() => {
  window.frameTimes = [];
  const onInput = (event) => {
    const start = event.timeStamp;
    requestAnimationFrame(() => setTimeout(() => window.frameTimes.push(performance.now() - start), 0));
  };
  for (const type of ['keydown', 'wheel', 'click']) addEventListener(type, onInput, { capture: true });
})()`;

/** Records main-thread tasks over 50 ms from the start of the page (Chromium's Long Tasks API). */
const LONG_TASKS = `(() => {
  window.longTasks = [];
  new PerformanceObserver((list) => { for (const entry of list.getEntries()) window.longTasks.push(entry.duration); }).observe({ type: 'longtask', buffered: true });
})()`;

async function frameTimes(page: Page): Promise<number[]> {
  await page.waitForTimeout(150);
  return page.evaluate('window.frameTimes.splice(0)') as Promise<number[]>;
}

interface Figures {
  openMs: number;
  longestOpenTaskMs: number;
  scroll: number[];
  type: number[];
  add: number[];
  rate: number[];
}

async function measure(browser: Browser, distDir: string, turns: number, trace = false): Promise<Figures> {
  const task = { task_id: `bench-chat-${turns}`, type: 'chat', project: 'bench', instruction: 'Rank the answers of every turn.', params: PARAMS, created_at: new Date().toISOString() };
  const mock = await startMockServer({ distDir, tasks: [task] });
  try {
    await fetch(`${mock.url}/app/api/queue/next`);
    await fetch(`${mock.url}/app/api/tasks/${task.task_id}/draft`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ lease_id: `lease-${task.task_id}`, response: thread(turns) }) });
    const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    await page.addInitScript(LONG_TASKS);
    let openMs = 0;
    const open = async () => {
      const started = performance.now();
      await page.goto(`${mock.url}/ui/`);
      await page.locator('[data-turn]').first().waitFor({ state: 'attached', timeout: 120_000 });
      await page.getByLabel('Your message').waitFor({ state: 'attached' });
      openMs = performance.now() - started;
    };
    if (trace) printTrace(`opening ${turns} turns`, await traceDuring(page, open));
    else await open();
    await page.waitForTimeout(500);
    const longestOpenTaskMs = Math.max(0, ...((await page.evaluate('window.longTasks')) as number[]));
    await page.evaluate(PROBE);

    const scroll: number[] = [];
    const type: number[] = [];
    const add: number[] = [];
    const rate: number[] = [];
    const composer = page.getByLabel('Your message');

    // Scroll: from the top of the thread down, 400 px a step.
    if (RUN_STEPS.has('scroll')) {
      await page.mouse.move(600, 400);
      await page.evaluate('window.scrollTo(0, 0); for (const el of document.querySelectorAll("*")) if (el.scrollTop) el.scrollTop = 0');
      await page.waitForTimeout(200);
      await page.evaluate('window.frameTimes.splice(0)');
      for (let step = 0; step < STEPS; step++) {
        await page.mouse.wheel(0, 400);
        await page.waitForTimeout(20);
      }
      scroll.push(...(await frameTimes(page)));
    }

    // Type in the turn box.
    if (RUN_STEPS.has('type')) {
      await composer.click();
      await page.evaluate('window.frameTimes.splice(0)');
      await page.keyboard.type('How does decoherence limit how long a qubit keeps its state?'.slice(0, STEPS), { delay: 40 });
      type.push(...(await frameTimes(page)));
    }

    // Add turns.
    for (let added = 0; RUN_STEPS.has('add') && added < 10; added++) {
      await composer.fill(`Follow-up ${added + 1}`);
      await page.waitForTimeout(150); // the turns that scrolling to the box brought near are drawn
      await page.evaluate('window.frameTimes.splice(0)');
      await composer.press('Control+Enter');
      await page.locator(`[data-turn="${turns + added}"]`).waitFor({ state: 'attached' });
      add.push(...(await frameTimes(page)).slice(0, 1));
    }

    // Rate answers in the last turns of the original thread (the 1–3 formatting scale).
    const rateAll = async () => {
      await composer.scrollIntoViewIfNeeded(); // the last turns are drawn (when the add step did not bring them)
      await page.waitForTimeout(300);
      for (let index = 0; index < 20; index++) {
        const turn = page.locator(`[data-turn="${turns - 1 - (index % 3)}"]`);
        const option = turn.getByRole('radio', { name: new RegExp(`^${1 + (index % 3)} `) }).first();
        await option.scrollIntoViewIfNeeded();
        await page.waitForTimeout(100);
        await page.evaluate('window.frameTimes.splice(0)');
        await option.click();
        rate.push(...(await frameTimes(page)).slice(0, 1));
      }
    };
    if (RUN_STEPS.has('rate')) {
      if (trace) printTrace(`rating in ${turns} turns`, await traceDuring(page, rateAll));
      else await rateAll();
    }
    await page.close();
    return { openMs, longestOpenTaskMs, scroll, type, add, rate };
  } finally {
    await mock.close();
  }
}

function stats(times: number[]) {
  const sorted = ascending(times);
  return { mean: sorted.reduce((sum, time) => sum + time, 0) / Math.max(1, sorted.length), p95: percentile(sorted, 95), dropped: sorted.filter((time) => time > FRAME_MS).length };
}

if (!hasChromium) throw new Error(NO_CHROMIUM);
const distDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tagwright-chat-bench-ui-'));
await build({ root: path.join(import.meta.dirname, '../packages/web'), logLevel: 'silent', build: { outDir: distDir, emptyOutDir: true, minify: !TRACE } });
const browser = await launchChromium();
try {
  console.log(`chat editor bench: headless Chromium, ${os.cpus().length} CPUs, load average ${os.loadavg().map((value) => value.toFixed(2)).join(' ')} (shared machine: compare ratios)`);
  await measure(browser, distDir, BASELINE_TURNS); // warm-up
  const small = await measure(browser, distDir, BASELINE_TURNS);
  // 3 turns fit on the screen, so their page barely scrolls: 30 turns (all drawn) is the scroll baseline.
  const plain = await measure(browser, distDir, SCROLL_BASELINE_TURNS);
  const long = await measure(browser, distDir, TURNS, TRACE);
  console.log(`  open   ${TURNS} turns: ${long.openMs.toFixed(0)} ms to the conversation drawn, longest task ${long.longestOpenTaskMs.toFixed(0)} ms | ${BASELINE_TURNS} turns: ${small.openMs.toFixed(0)} ms, longest task ${small.longestOpenTaskMs.toFixed(0)} ms | ratio ${(long.openMs / small.openMs).toFixed(2)}x`);
  for (const kind of STEP_KINDS.filter((step) => RUN_STEPS.has(step))) {
    const a = stats(long[kind]);
    const base = kind === 'scroll' ? plain : small;
    const b = stats(base[kind]);
    const baseTurns = kind === 'scroll' ? SCROLL_BASELINE_TURNS : BASELINE_TURNS;
    console.log(`  ${kind.padEnd(6)} ${TURNS} turns: mean ${a.mean.toFixed(1)} ms, p95 ${a.p95.toFixed(1)} ms, ${a.dropped} of ${long[kind].length} over ${FRAME_MS.toFixed(1)} ms | ${baseTurns} turns: mean ${b.mean.toFixed(1)} ms, p95 ${b.p95.toFixed(1)} ms | p95 ratio ${(a.p95 / b.p95).toFixed(2)}x`);
  }
  const smooth = STEP_KINDS.filter((step) => RUN_STEPS.has(step)).every((kind) => stats(long[kind]).p95 <= FRAME_MS);
  console.log(`target scroll, type, add and rate p95 within a 60 Hz frame with ${TURNS} turns: ${smooth ? 'met' : 'MISSED'}`);
} finally {
  await browser.close();
  fs.rmSync(distDir, { recursive: true, force: true });
}
