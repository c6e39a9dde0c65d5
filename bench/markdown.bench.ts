/**
 * Task-instruction rendering benchmark, in headless Chromium (Debian's, through playwright-core):
 * the workbench's <Markdown> component (what a labeler's browser does for every task it opens),
 * bundled with React by esbuild and rendered with flushSync into a mounted root, against the floor
 * of rendering the same instruction as plain text in a <div>. Each render gets a different source
 * (a number appended), so no memo hides the work. Prints the time per instruction for each, and the
 * ratio. BENCH_MARKDOWN_RENDERS (1,000) renders per round, best of BENCH_ROUNDS (5), rounds
 * alternating so load from other processes hits both alike. BENCH_MARKDOWN_MODULE names another
 * component file to measure (e.g. an older Markdown.tsx copied beside it).
 *
 *   node --import tsx bench/markdown.bench.ts            (from the repository root; needs /usr/bin/chromium)
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { launchChromium } from '../packages/server/test/e2e/browser.ts';

const RENDERS = Number(process.env.BENCH_MARKDOWN_RENDERS ?? 1_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const web = fileURLToPath(new URL('../packages/web/', import.meta.url));
const component = path.resolve(process.env.BENCH_MARKDOWN_MODULE ?? path.join(web, 'src/workbench/Markdown.tsx'));

/** A typical instruction: headings, lists, emphasis, links, an image, code, a quote, and some raw HTML. */
const INSTRUCTION = [
  '# Draw boxes around vehicles',
  '',
  'Draw **tight** boxes around *every* car, truck and bus that is at least `min_width` pixels wide.',
  'See [the labeling guide](https://example.com/guide) and the [FAQ](/docs/faq#boxes) before you start.',
  '',
  '## What counts',
  '',
  '- cars, including parked ones',
  '- trucks and vans (label them `truck`)',
  '- buses, even when only partly visible',
  '',
  '1. Zoom in on crowded scenes.',
  '2. Draw from corner to corner.',
  '3. Check every box before you submit.',
  '',
  '> When in doubt, leave it out: a missing box is fixed faster than a wrong one.',
  '',
  '![A good example](/examples/good.png)',
  '',
  '```',
  'label: car',
  'occluded: true',
  '```',
  '',
  '---',
  '',
  'Questions? Mail <b>ops</b> at [ops@example.com](mailto:ops@example.com). <script>alert(1)</script>',
].join('\n');

// The page's script: renders N instructions each way and reports microseconds per render.
const entry = `
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { flushSync } from 'react-dom';
import { Markdown } from ${JSON.stringify(component)};
const root = createRoot(document.getElementById('root'));
function time(make, source, renders) {
  const started = performance.now();
  for (let index = 0; index < renders; index++) flushSync(() => root.render(make(source + '\\n\\n' + index)));
  if (!document.getElementById('root').textContent) throw new Error('rendered nothing');
  return ((performance.now() - started) * 1000) / renders;
}
window.benchMarkdown = (source, renders) => time((text) => createElement(Markdown, { source: text }), source, renders);
window.benchPlain = (source, renders) => time((text) => createElement('div', { className: 'tw-markdown' }, text), source, renders);
`;
const bundle = await build({
  stdin: { contents: entry, resolveDir: web, loader: 'tsx' },
  bundle: true,
  write: false,
  format: 'iife',
  minify: true,
  jsx: 'automatic',
  define: { 'process.env.NODE_ENV': '"production"' },
  logLevel: 'silent',
});

const browser = await launchChromium();
try {
  const page = await browser.newPage();
  await page.setContent('<!doctype html><html><body><div id="root"></div></body></html>');
  await page.addScriptTag({ content: bundle.outputFiles[0].text });
  await page.evaluate(([source]) => (window as any).benchMarkdown(source, 50), [INSTRUCTION]);
  const best = { markdown: Infinity, plain: Infinity };
  for (let round = 0; round < ROUNDS; round++) {
    best.markdown = Math.min(best.markdown, await page.evaluate(([source, renders]) => (window as any).benchMarkdown(source, renders), [INSTRUCTION, RENDERS] as const));
    best.plain = Math.min(best.plain, await page.evaluate(([source, renders]) => (window as any).benchPlain(source, renders), [INSTRUCTION, RENDERS] as const));
  }
  console.log(`Instruction render in Chromium: ${INSTRUCTION.length} characters, ${RENDERS} renders per round, best of ${ROUNDS} (${path.relative(process.cwd(), component)}; shared machine: compare ratios)`);
  console.log(`  <Markdown> ${best.markdown.toFixed(1)} µs per instruction   plain-text floor ${best.plain.toFixed(1)} µs   ratio ${(best.markdown / best.plain).toFixed(1)}x`);
} finally {
  await browser.close();
}
