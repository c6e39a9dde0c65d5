/**
 * One measurement of bench/video.bench.ts in a process of its own (so its peak RSS is its own):
 * `render <frames>` writes the videoannotation file of 50 tracks keyed every 30 frames into a local
 * file store; `raw <bytes>` streams that many bytes of ready-made text into the same kind of store
 * (the floor: what storing the bytes alone costs). Prints one JSON line of figures.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { LocalFileStore } from '../packages/server/src/storage/local-file-store.ts';
import { renderVideoResults } from '../packages/server/src/families/video/render.ts';
import { BENCH_PARAMS, benchSubmission } from './video-tracks.ts';

const [mode, size] = process.argv.slice(2);
const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'tagwright-video-bench-'));
const store = new LocalFileStore(directory);
try {
  const rssBefore = process.resourceUsage().maxRSS;
  let ms: number;
  let bytes: number;
  if (mode === 'render') {
    const submission = benchSubmission(Number(size), 50);
    const started = performance.now();
    const response = await renderVideoResults({ files: store, publicBase: 'http://bench', taskId: 'bench' }, 'videoannotation', BENCH_PARAMS, submission);
    ms = performance.now() - started;
    const [folder] = new URL(response.annotations.url).pathname.split('/').slice(-2);
    bytes = fs.statSync(path.join(directory, 'results', folder, 'json', 'annotations')).size;
  } else {
    bytes = Number(size);
    const piece = 'x'.repeat(32 * 1024);
    function* text() {
      for (let written = 0; written < bytes; written += piece.length) yield written + piece.length <= bytes ? piece : piece.slice(0, bytes - written);
    }
    const started = performance.now();
    await store.put('raw/floor', Readable.from(text()), { maxBytes: bytes });
    ms = performance.now() - started;
  }
  console.log(JSON.stringify({ ms, bytes, maxRssMb: process.resourceUsage().maxRSS / 1024, startRssMb: rssBefore / 1024 }));
} finally {
  fs.rmSync(directory, { recursive: true, force: true });
}
