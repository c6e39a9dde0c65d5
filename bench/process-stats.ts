/**
 * Counters of a bench server's own process, read inside it (child RPC `stats`) before and after a
 * measured run, so that a run's CPU per request can be split by where it went: the main thread
 * (JavaScript, better-sqlite3's statements, socket writes) in user and system time, the other
 * threads by name (V8's GC helpers "V8 DefaultWorke", libuv's pool, a worker thread such as the
 * SQLite checkpointer), garbage collections and their pauses, the heap, and the size of each
 * SQLite write-ahead log the process holds open. Linux only (/proc); elsewhere the thread and WAL
 * figures are empty.
 *
 * Why: within one run the same server's CPU per get jumped between ~70 and 110–160 µs from round to
 * round (docs/tasks.md); these are the candidates to correlate with the slow rounds.
 */
import fs from 'node:fs';
import { PerformanceObserver, constants } from 'node:perf_hooks';
import v8 from 'node:v8';

export interface ProcessStats {
  /** CPU of the main thread (its task id is the pid), µs. */
  mainUser: number;
  mainSystem: number;
  /** The main thread's involuntary context switches (preempted by another runnable thread on its core) and minor page faults. */
  mainPreempted: number;
  mainMinorFaults: number;
  /** CPU of every other thread, summed by thread name, µs (user + system). */
  threads: Record<string, number>;
  /** Garbage collections since the process started: count and pause time (ms), by kind. */
  gc: Record<string, { count: number; ms: number }>;
  heapUsed: number;
  /** Size of V8's young generation (new space), which V8 grows and shrinks with the allocation rate. */
  newSpace: number;
  /** Bytes of each open SQLite write-ahead log, by path. */
  wal: Record<string, number>;
}

const TICK_MICROS = 1_000_000 / 100; // USER_HZ is 100 on Linux

const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};

const gcTotals: ProcessStats['gc'] = {};
let observing = false;

/** Starts counting garbage collections in this process (call once, at start-up). */
export function observeGc(): void {
  if (observing) return;
  observing = true;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = GC_KINDS[((entry as PerformanceEntry & { detail?: { kind: number } }).detail?.kind ?? -1)] ?? 'other';
      const total = (gcTotals[kind] ??= { count: 0, ms: 0 });
      total.count += 1;
      total.ms += entry.duration;
    }
  }).observe({ entryTypes: ['gc'] });
}

/** The garbage collector's pauses in this process since observeGc, ms, all kinds together. */
export function gcPauseMs(): number {
  return Object.values(gcTotals).reduce((sum, total) => sum + (total?.ms ?? 0), 0);
}

/** utime and stime (clock ticks) of a /proc stat line; the name in parentheses may hold spaces. */
function parseStat(text: string): { name: string; user: number; system: number; minorFaults: number } {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  const fields = text.slice(close + 2).split(' ');
  // After the name: state is field 3 of the stat line, minflt 10, utime 14 and stime 15.
  return { name: text.slice(open + 1, close), user: Number(fields[11]) * TICK_MICROS, system: Number(fields[12]) * TICK_MICROS, minorFaults: Number(fields[7]) };
}

export function processStats(): ProcessStats {
  const stats: ProcessStats = { mainUser: 0, mainSystem: 0, mainPreempted: 0, mainMinorFaults: 0, threads: {}, gc: structuredClone(gcTotals), heapUsed: process.memoryUsage().heapUsed, newSpace: v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0, wal: {} };
  try {
    for (const tid of fs.readdirSync('/proc/self/task')) {
      let stat;
      try {
        stat = parseStat(fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8'));
      } catch {
        continue; // the thread ended meanwhile
      }
      if (Number(tid) === process.pid) {
        stats.mainUser = stat.user;
        stats.mainSystem = stat.system;
        stats.mainMinorFaults = stat.minorFaults;
        const preempted = /nonvoluntary_ctxt_switches:\s*(\d+)/.exec(fs.readFileSync(`/proc/self/task/${tid}/status`, 'utf8'));
        stats.mainPreempted = preempted ? Number(preempted[1]) : 0;
      } else {
        stats.threads[stat.name] = (stats.threads[stat.name] ?? 0) + stat.user + stat.system;
      }
    }
    for (const fd of fs.readdirSync('/proc/self/fd')) {
      let target;
      try {
        target = fs.readlinkSync(`/proc/self/fd/${fd}`);
      } catch {
        continue;
      }
      if (target.endsWith('-wal')) stats.wal[target] = fs.statSync(target).size;
    }
  } catch {
    // No /proc: CPU by thread and WAL sizes stay empty.
  }
  return stats;
}
