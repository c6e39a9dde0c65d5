/**
 * Where a page's main thread spends its time during some input (Chromium over CDP), for benches that
 * need to say why a step misses a frame: the renderer's top-level tasks by kind (script, style,
 * layout, paint; from a devtools.timeline trace) and the script functions with the most self time
 * (from a CPU profile taken meanwhile). Opt-in (BENCH_TRACE=1 in bench/chat-editor.bench.ts): tracing
 * slows the page down.
 */
import type { CDPSession, Page } from 'playwright-core';

interface TraceEvent {
  name: string;
  ph: string;
  dur?: number;
  pid: number;
  tid: number;
  args?: { name?: string; data?: { frame?: string } };
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

/** Timeline event names that are work on the main thread, with the name the summary prints. */
const KINDS: Record<string, string> = {
  FunctionCall: 'script',
  EvaluateScript: 'script',
  EventDispatch: 'script (event)',
  TimerFire: 'script (timer)',
  FireAnimationFrame: 'script (animation frame)',
  RunMicrotasks: 'script (microtasks)',
  'V8.GCScavenger': 'garbage collection',
  MajorGC: 'garbage collection',
  MinorGC: 'garbage collection',
  UpdateLayoutTree: 'style',
  RecalculateStyles: 'style',
  Layout: 'layout',
  PrePaint: 'paint',
  Paint: 'paint',
  Layerize: 'paint',
  UpdateLayer: 'paint',
  CompositeLayers: 'paint',
  IntersectionObserverController: 'intersection observers',
  HitTest: 'hit test',
};

export interface TraceSummary {
  /** Milliseconds per kind of main-thread work (nested events counted under their own kind). */
  byKind: Array<[string, number]>;
  /** Script functions by self time, milliseconds. */
  byFunction: Array<[string, number]>;
}

/** Runs `during` while tracing the page; answers the main thread's time by kind and the busiest script functions. */
export async function traceDuring(page: Page, during: () => Promise<void>, top = 12): Promise<TraceSummary> {
  const session = await page.context().newCDPSession(page);
  const events: TraceEvent[] = [];
  session.on('Tracing.dataCollected', ({ value }) => events.push(...(value as unknown as TraceEvent[])));
  await session.send('Profiler.enable');
  await session.send('Profiler.setSamplingInterval', { interval: 200 });
  await session.send('Profiler.start');
  await session.send('Tracing.start', { categories: 'devtools.timeline,disabled-by-default-devtools.timeline,v8', transferMode: 'ReportEvents' });
  await during();
  const complete = new Promise<void>((resolve) => session.once('Tracing.tracingComplete', () => resolve()));
  await session.send('Tracing.end');
  await complete;
  const { profile } = (await session.send('Profiler.stop')) as { profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] } };
  await session.detach();
  return { byKind: mainThreadByKind(events), byFunction: selfTime(profile, top) };
}

function mainThreadByKind(events: TraceEvent[]): Array<[string, number]> {
  // The renderer's main thread is the one named CrRendererMain (the page's only renderer here).
  const main = events.find((event) => event.ph === 'M' && event.args?.name === 'CrRendererMain');
  const totals = new Map<string, number>();
  for (const event of events) {
    if (!main || event.pid !== main.pid || event.tid !== main.tid || event.ph !== 'X' || !event.dur) continue;
    const kind = KINDS[event.name];
    if (kind) totals.set(kind, (totals.get(kind) ?? 0) + event.dur / 1000);
  }
  const tasks = events.filter((event) => main && event.pid === main.pid && event.tid === main.tid && event.ph === 'X' && event.name === 'RunTask');
  totals.set('all tasks (RunTask)', tasks.reduce((sum, event) => sum + (event.dur ?? 0) / 1000, 0));
  return [...totals.entries()].sort((a, b) => b[1] - a[1]);
}

function selfTime(profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }, top: number): Array<[string, number]> {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const totals = new Map<string, number>();
  profile.samples.forEach((id, index) => {
    const frame = nodes.get(id)?.callFrame;
    if (!frame || frame.functionName === '(idle)' || frame.functionName === '(program)') return;
    const where = frame.url ? `${frame.url.split('/').at(-1)}:${frame.lineNumber + 1}` : '';
    const name = `${frame.functionName || '(anonymous)'} ${where}`.trim();
    totals.set(name, (totals.get(name) ?? 0) + (profile.timeDeltas[index + 1] ?? 0) / 1000);
  });
  return [...totals.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
}

/** Prints a summary under a heading. */
export function printTrace(heading: string, summary: TraceSummary): void {
  console.log(`  trace of ${heading}: main thread by kind (ms): ${summary.byKind.map(([kind, ms]) => `${kind} ${ms.toFixed(0)}`).join(', ')}`);
  console.log(`    script self time (ms): ${summary.byFunction.map(([name, ms]) => `${name} ${ms.toFixed(1)}`).join('; ')}`);
}

export type { CDPSession };
