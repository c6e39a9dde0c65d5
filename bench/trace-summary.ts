/**
 * Summarises a Chromium trace (CDP Tracing, JSON `traceEvents`) of the page's renderer main thread:
 * self time per event name (style recalculation, layout, paint, script…), so a bench can say where
 * a frame's time goes. Complete events on one thread nest, so a parent's self time is its duration
 * minus its children's.
 */

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  /** Thread (CPU) time; on a loaded machine wall time also counts the time the thread waited for a core. */
  tdur?: number;
  pid: number;
  tid: number;
  args?: { name?: string; data?: { functionName?: string; url?: string } };
}

/**
 * Self CPU time in ms per event name on the busiest renderer main thread, largest first (thread
 * time where the trace has it, so a shared machine's waits for a core are left out).
 */
export function mainThreadSelfTimes(events: TraceEvent[], top = 14): Array<{ name: string; ms: number }> {
  const mainThreads = new Set(events.filter((event) => event.ph === 'M' && event.name === 'thread_name' && event.args?.name === 'CrRendererMain').map((event) => `${event.pid}:${event.tid}`));
  const byThread = new Map<string, TraceEvent[]>();
  for (const event of events) {
    const key = `${event.pid}:${event.tid}`;
    if (event.ph !== 'X' || !mainThreads.has(key) || event.dur === undefined) continue;
    // Nesting is by wall time; the amount counted is CPU time when known.
    event.tdur ??= event.dur;
    const list = byThread.get(key) ?? [];
    list.push(event);
    byThread.set(key, list);
  }
  const busiest = [...byThread.values()].sort((a, b) => total(b) - total(a))[0] ?? [];
  busiest.sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
  const self = new Map<string, number>();
  const stack: Array<{ event: TraceEvent; end: number; name: string }> = [];
  for (const event of busiest) {
    while (stack.length > 0 && stack[stack.length - 1].end <= event.ts) stack.pop();
    const parent = stack[stack.length - 1];
    if (parent) self.set(parent.name, (self.get(parent.name) ?? 0) - event.tdur!);
    const name = event.name;
    self.set(name, (self.get(name) ?? 0) + event.tdur!);
    stack.push({ event, end: event.ts + event.dur!, name });
  }
  return [...self.entries()]
    .map(([name, micros]) => ({ name, ms: micros / 1000 }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, top);
}

function total(events: TraceEvent[]): number {
  return events.reduce((sum, event) => sum + (event.dur ?? 0), 0);
}

/**
 * CPU time in ms per thread name over all of Chromium's processes (top-level complete events'
 * thread time, threads of one name summed), largest first: the renderer main thread is one of
 * several that a frame needs (compositor, raster workers, the viz display compositor that draws
 * in software under --disable-gpu, the media thread decoding a seek), and on a shared machine
 * they all compete for its cores.
 */
export function threadCpuTimes(events: TraceEvent[]): Array<{ name: string; ms: number }> {
  const names = new Map(events.filter((event) => event.ph === 'M' && event.name === 'thread_name').map((event) => [`${event.pid}:${event.tid}`, event.args?.name ?? '?']));
  const byThread = new Map<string, TraceEvent[]>();
  for (const event of events) {
    if (event.ph !== 'X' || event.dur === undefined) continue;
    const key = `${event.pid}:${event.tid}`;
    const list = byThread.get(key) ?? [];
    list.push(event);
    byThread.set(key, list);
  }
  const cpu = new Map<string, number>();
  for (const [key, list] of byThread) {
    list.sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
    let end = -Infinity;
    let micros = 0;
    for (const event of list) {
      if (event.ts < end) continue; // nested in the previous top-level event
      micros += event.tdur ?? event.dur!;
      end = event.ts + event.dur!;
    }
    const name = names.get(key) ?? '?';
    cpu.set(name, (cpu.get(name) ?? 0) + micros);
  }
  return [...cpu.entries()].map(([name, micros]) => ({ name, ms: micros / 1000 })).sort((a, b) => b.ms - a.ms);
}
