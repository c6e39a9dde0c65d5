/**
 * Task-instruction rendering benchmark, in one process: the workbench's <Markdown> component (what a
 * labeler's browser does for every task it opens) rendered to HTML with react-dom/server in a jsdom
 * window, against the floor of rendering the same instruction as plain text in a <div>. Prints the
 * time per instruction for each, and the ratio. BENCH_MARKDOWN_RENDERS (2,000) renders per round,
 * best of BENCH_ROUNDS (5), rounds alternating so load from other processes hits both alike.
 *
 *   node --import tsx bench/markdown.bench.ts            (from the repository root)
 */
import { performance } from 'node:perf_hooks';
import { createRequire } from 'node:module';

// jsdom and React live in the web package; the window must exist before the component's modules load.
const requireFromWeb = createRequire(new URL('../packages/web/package.json', import.meta.url));
const { JSDOM } = requireFromWeb('jsdom') as typeof import('jsdom');
const window = new JSDOM('<!doctype html><html><body></body></html>').window;
Object.assign(globalThis, { window, document: window.document, navigator: window.navigator, DOMParser: window.DOMParser, Node: window.Node });
process.env.NODE_ENV = 'production'; // React's production build, as in the served bundle
const React = requireFromWeb('react') as typeof import('react');
// tsx compiles the component's JSX to React.createElement (no tsconfig at the root says otherwise).
Object.assign(globalThis, { React });
const { renderToStaticMarkup } = requireFromWeb('react-dom/server') as typeof import('react-dom/server');
const { Markdown } = await import('../packages/web/src/workbench/Markdown.tsx');

const RENDERS = Number(process.env.BENCH_MARKDOWN_RENDERS ?? 2_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

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
  '![A good example](https://example.com/examples/good.png)',
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

function time(render: () => string): number {
  const started = performance.now();
  let length = 0;
  for (let index = 0; index < RENDERS; index++) length += render().length;
  if (length === 0) throw new Error('rendered nothing');
  return ((performance.now() - started) * 1000) / RENDERS;
}

const markdown = () => renderToStaticMarkup(React.createElement(Markdown, { source: INSTRUCTION }));
const plain = () => renderToStaticMarkup(React.createElement('div', { className: 'tw-markdown' }, INSTRUCTION));
markdown();
plain();
let best = { markdown: Infinity, plain: Infinity };
for (let round = 0; round < ROUNDS; round++) {
  best.markdown = Math.min(best.markdown, time(markdown));
  best.plain = Math.min(best.plain, time(plain));
}
console.log(`Instruction render: ${INSTRUCTION.length} characters, ${RENDERS} renders per round, best of ${ROUNDS} (shared machine: compare ratios)`);
console.log(`  <Markdown> ${best.markdown.toFixed(1)} µs per instruction   plain-text floor ${best.plain.toFixed(1)} µs   ratio ${(best.markdown / best.plain).toFixed(1)}x`);
