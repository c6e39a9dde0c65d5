/**
 * Video result files: how long writing the annotation file of a 10-minute 30 fps video (18,000
 * frames, 50 box tracks keyed every 30 frames) takes, against streaming the same number of bytes
 * of ready-made text into the same store (the floor), and whether peak memory stays flat when the
 * video is ten times longer. Each measurement runs in a process of its own (bench/video-render.child.ts).
 *
 *   node --import tsx bench/video.bench.ts
 *
 * Not measured here (see docs/workbench.md): the editor's frame step and scrub times in Chromium.
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';

const child = path.join(import.meta.dirname, 'video-render.child.ts');

function run(args: string[], nodeOptions: string[] = []): { ms: number; bytes: number; maxRssMb: number } {
  const output = execFileSync(process.execPath, [...nodeOptions, '--import', 'tsx', child, ...args], { encoding: 'utf8' });
  return JSON.parse(output.trim().split('\n').pop()!);
}

console.log(`video bench: ${os.cpus().length} CPUs, load average ${os.loadavg().map((value) => value.toFixed(2)).join(' ')} (shared machine: compare ratios)`);
const short = run(['render', '1800']);
const long = run(['render', '18000']);
const floor = run(['raw', String(long.bytes)]);
const capped = run(['render', '18000'], ['--max-old-space-size=48']);
const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
console.log(`  render 18,000 frames × 50 tracks: ${long.ms.toFixed(0)} ms for ${mb(long.bytes)} MB (${((18000 * 50) / (long.ms / 1000) / 1000).toFixed(0)}k annotations/s) | raw write of the same bytes: ${floor.ms.toFixed(0)} ms | ratio ${(long.ms / floor.ms).toFixed(2)}x`);
console.log(`  peak RSS: 1,800 frames ${short.maxRssMb.toFixed(0)} MB, 18,000 frames ${long.maxRssMb.toFixed(0)} MB (ratio ${(long.maxRssMb / short.maxRssMb).toFixed(2)}x for 10x the frames) | raw write ${floor.maxRssMb.toFixed(0)} MB`);
console.log(`  18,000 frames with the V8 old space capped at 48 MB (the file is ${mb(capped.bytes)} MB): ${capped.ms.toFixed(0)} ms, peak RSS ${capped.maxRssMb.toFixed(0)} MB`);
const flat = long.maxRssMb / short.maxRssMb < 1.5 && capped.bytes === long.bytes;
console.log(`target memory flat in the number of frames (10x the frames < 1.5x the peak RSS, and fits a 48 MB heap): ${flat ? 'met' : 'MISSED'}`);
