/**
 * Segmentation render benchmark: server time and peak memory to turn a 12-megapixel mask with 20
 * instances into Scale's PNGs (combined, indexed, extended, unlabeled, one per index), written to a
 * real local file store.
 *
 *   node --import tsx bench/segmentation-render.bench.ts      (from the repository root)
 *   BENCH_INSTANCES=20 BENCH_WIDTH=4000 BENCH_HEIGHT=3000 node --import tsx bench/segmentation-render.bench.ts
 *
 * Each measurement runs in a fresh child process, so its peak RSS is its own. "cold" is the first
 * render in that process; "warm" is a second one (a server that has rendered a mask in the last 30 s
 * reuses its frames: writing to fresh memory faults its pages in, which on a sandboxed VM costs more
 * than the encodes themselves). Baselines from the
 * same run: the same mask with 1 instance and with twice the instances (memory must stay flat as
 * instances grow: the allocator's per-thread arenas add a fixed ~30 MB over the first few encodes,
 * then nothing), and the floor of encoding one blank RGBA frame of that size with the same PNG
 * library and settings (the render's cost in units of that encode is what compares across runs
 * on a busy machine).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Readable } from 'node:stream';

const WIDTH = Number(process.env.BENCH_WIDTH ?? 4000);
const HEIGHT = Number(process.env.BENCH_HEIGHT ?? 3000);
const INSTANCES = Number(process.env.BENCH_INSTANCES ?? 20);
const TARGET_MS = 1000;

interface Figure {
  ms: number;
  /** CPU time of the whole process (main thread and libvips' worker threads) over the render: less sensitive than wall time to other jobs on a shared machine. */
  cpuMs: number;
  peakRssMb: number;
  files: number;
  bytes: number;
}

/** A background label (index 1) and `instances` discs of an instance label (indexes 2…), spread over the image. */
function syntheticMask(instances: number) {
  const values = new Uint16Array(WIDTH * HEIGHT).fill(1);
  const columns = Math.ceil(Math.sqrt(instances * (WIDTH / HEIGHT)));
  const rows = Math.ceil(instances / columns);
  const radius = Math.floor(Math.min(WIDTH / columns, HEIGHT / rows) * 0.4);
  for (let instance = 0; instance < instances; instance++) {
    const cx = Math.floor(((instance % columns) + 0.5) * (WIDTH / columns));
    const cy = Math.floor((Math.floor(instance / columns) + 0.5) * (HEIGHT / rows));
    for (let y = cy - radius; y < cy + radius; y++) {
      for (let x = cx - radius; x < cx + radius; x++) if ((x - cx) ** 2 + (y - cy) ** 2 < radius * radius) values[y * WIDTH + x] = instance + 2;
    }
  }
  const indexes = [{ index: 1, label: 'road', instance: false, color: '#e6194b' }];
  for (let instance = 0; instance < instances; instance++) indexes.push({ index: instance + 2, label: 'person', instance: true, color: '#3cb44b' });
  return { width: WIDTH, height: HEIGHT, values, indexes };
}

async function child(mode: string, instances: number): Promise<void> {
  const { LocalFileStore } = await import('../packages/server/src/storage/local-file-store.ts');
  const { putResultFile, newResultFolder } = await import('../packages/server/src/storage/result-files.ts');
  const { renderMaskPngs } = await import('../packages/server/src/families/segmentation/render-masks.ts');
  const sharp = (await import('sharp')).default;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tagwright-render-bench-'));
  const store = new LocalFileStore(root);
  const mask = syntheticMask(instances);
  let files = 0;
  let bytes = 0;
  const warm = mode.endsWith('-warm');
  const once = async () => {
    files = 0;
    bytes = 0;
    if (mode.startsWith('floor')) {
      const frame = Buffer.alloc(WIDTH * HEIGHT * 4);
      const png = await sharp(frame, { raw: { width: WIDTH, height: HEIGHT, channels: 4 } }).png({ compressionLevel: 6, adaptiveFiltering: false }).toBuffer();
      await store.put('floor', Readable.from([png]), { maxBytes: png.length });
      files = 1;
      bytes = png.length;
    } else {
      const folder = newResultFolder();
      await renderMaskPngs(mask, async (name, png) => {
        files++;
        bytes += png.length;
        return putResultFile(store, 'http://bench', folder, name, png);
      }, (entry) => `${entry.label}-${entry.index}`);
    }
  };
  if (warm) await once();
  const started = performance.now();
  const cpu = process.cpuUsage();
  await once();
  const used = process.cpuUsage(cpu);
  const ms = performance.now() - started;
  fs.rmSync(root, { recursive: true, force: true });
  const figure: Figure = { ms, cpuMs: (used.user + used.system) / 1000, peakRssMb: process.resourceUsage().maxRSS / 1024, files, bytes };
  process.stdout.write(JSON.stringify(figure));
}

function run(mode: string, instances: number): Figure {
  const out = execFileSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), 'child', mode, String(instances)], { encoding: 'utf8' });
  return JSON.parse(out) as Figure;
}

async function main(): Promise<void> {
  console.log(`segmentation render bench: ${WIDTH}×${HEIGHT} mask, ${os.cpus().length} CPUs, load average ${os.loadavg().map((value) => value.toFixed(2)).join(' ')}`);
  run('render', 1); // warm the disk cache and the module compile cache
  const floor = run('floor-warm', 0);
  const one = run('render-warm', 1);
  const many = run('render-warm', INSTANCES);
  const double = run('render-warm', INSTANCES * 2);
  const cold = run('render', INSTANCES);
  const coldFloor = run('floor', 0);
  const describe = (figure: Figure) => `${figure.ms.toFixed(0)} ms (CPU ${figure.cpuMs.toFixed(0)} ms), peak RSS ${figure.peakRssMb.toFixed(0)} MB, ${figure.files} files, ${(figure.bytes / 1024).toFixed(0)} KB`;
  console.log(`  ${INSTANCES} instances, warm: ${describe(many)}`);
  console.log(`  1 instance, warm:   ${describe(one)} | time ratio ${(many.ms / one.ms).toFixed(2)}x, memory ratio ${(many.peakRssMb / one.peakRssMb).toFixed(2)}x`);
  console.log(`  ${INSTANCES * 2} instances, warm: ${describe(double)} | memory ratio to ${INSTANCES}: ${(double.peakRssMb / many.peakRssMb).toFixed(2)}x`);
  console.log(`  floor, warm (one blank RGBA PNG of that size): ${describe(floor)} | the warm ${INSTANCES}-instance render costs ${(many.ms / floor.ms).toFixed(1)} such encodes (CPU ${(many.cpuMs / floor.cpuMs).toFixed(1)})`);
  console.log(`  ${INSTANCES} instances, cold (first render in the process): ${describe(cold)} | floor cold ${coldFloor.ms.toFixed(0)} ms (CPU ${coldFloor.cpuMs.toFixed(0)} ms), ratio ${(cold.ms / coldFloor.ms).toFixed(1)}x (CPU ${(cold.cpuMs / coldFloor.cpuMs).toFixed(1)}x)`);
  console.log(`target render under ${TARGET_MS} ms (warm): ${many.ms < TARGET_MS ? 'met' : 'MISSED'}; cold: ${cold.ms < TARGET_MS ? 'met' : 'MISSED'}; memory flat in instances (${INSTANCES * 2} within 10% of ${INSTANCES}): ${double.peakRssMb <= many.peakRssMb * 1.1 ? 'met' : 'MISSED'}`);
}

if (process.argv[2] === 'child') await child(process.argv[3], Number(process.argv[4]));
else await main();
