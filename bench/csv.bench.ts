/**
 * CSV benchmark, in one process (no server, no database: the exporters and import readers are pure
 * functions over pages of task rows and text chunks):
 *
 *  1. Export: the CSV exporter over BENCH_CSV_TASKS (200,000) completed textcollection tasks in pages
 *     of 500, some answers holding commas, quotes and line breaks, against the JSONL exporter over
 *     the same pages (JSON.stringify per task: the floor of any text export here).
 *  2. Import: reading that CSV back into creation bodies (csvRecords) in 64 KiB chunks, against
 *     reading the JSONL export back (jsonlRecords) in chunks of the same size.
 *
 * Rounds alternate CSV and baseline and the best of BENCH_ROUNDS (3) is compared, so load from other
 * processes on the (shared) machine hits both alike. Also prints the largest live-heap growth of a CSV
 * export of all the tasks and of a tenth of them: streaming keeps the two alike (needs --expose-gc).
 *
 *   node --expose-gc --import tsx bench/csv.bench.ts            (from the repository root)
 */
import { performance } from 'node:perf_hooks';
import { csvExporter } from '../packages/server/src/exporters/csv.ts';
import { jsonlExporter } from '../packages/server/src/exporters/jsonl.ts';
import { csvRecords, jsonlRecords } from '../packages/server/src/services/import-records.ts';
import type { StoredTask } from '../packages/server/src/repositories/task.repository.ts';

const TASKS = Number(process.env.BENCH_CSV_TASKS ?? 200_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PAGE = 500;
const CHUNK = 64 * 1024;
const ANSWERS = ['plain answer', 'with, a comma', 'say "hi"', 'two\nlines', ' padded '];

/** One stored row as the repository hands it to an exporter (JSON columns as text). */
function storedTask(index: number): StoredTask {
  const now = 1_765_000_000_000 + index;
  return {
    id: `task${String(index).padStart(20, '0')}`,
    account_id: 'acct',
    environment: 'live',
    project_id: 'proj',
    project_name: 'bench',
    batch_id: null,
    batch_name: null,
    type: 'textcollection',
    status: 'completed',
    work_state: 'done',
    instruction: 'Write what you see',
    params: JSON.stringify({ attachment: `https://files.example/${index}.jpg`, fields: [{ field_id: 'caption', type: 'text' }, { field_id: 'notes', type: 'text' }] }),
    callback_url: null,
    callback_succeeded: null,
    response: JSON.stringify({ annotations: { caption: ANSWERS[index % ANSWERS.length], notes: `note ${index}` } }),
    metadata: JSON.stringify({ source: 'bench', n: index }),
    unique_id: `u${index}`,
    tags: null,
    priority: 30,
    project_param_version: 0,
    customer_review_status: null,
    customer_review_comments: null,
    prior_responses: null,
    audits: null,
    created_at: now,
    updated_at: now,
    completed_at: now,
  } as unknown as StoredTask;
}

const rows = Array.from({ length: TASKS }, (_, index) => storedTask(index));

async function* pages(): AsyncGenerator<StoredTask[]> {
  for (let at = 0; at < rows.length; at += PAGE) yield rows.slice(at, at + PAGE);
}

/** Runs one export, returning its seconds and text (kept only when asked: the import half reads it back). */
async function exportOnce(make: typeof csvExporter, keep: boolean): Promise<{ seconds: number; text: string; chars: number }> {
  const exporter = make();
  const kept: string[] = [];
  let chars = 0;
  const started = performance.now();
  for await (const piece of exporter.write(pages())) {
    chars += piece.length;
    if (keep) kept.push(piece.toString());
  }
  return { seconds: (performance.now() - started) / 1000, text: kept.join(''), chars };
}

/**
 * Largest live-heap growth (MB) while exporting the first `tasks` rows as CSV: the heap after a full
 * collection (needs --expose-gc), taken every 50 pieces, so garbage not yet collected does not count.
 */
async function csvExportHeapGrowth(tasks: number): Promise<number> {
  const collect = global.gc ?? (() => {});
  collect();
  const before = process.memoryUsage().heapUsed;
  let peak = before;
  let pieces = 0;
  async function* firstPages(): AsyncGenerator<StoredTask[]> {
    for (let at = 0; at < tasks; at += PAGE) yield rows.slice(at, Math.min(at + PAGE, tasks));
  }
  for await (const piece of csvExporter().write(firstPages())) {
    if (piece.length > 0 && ++pieces % 50 === 0) {
      collect();
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    }
  }
  return (peak - before) / 1e6;
}

function* chunksOf(text: string): Generator<string> {
  for (let at = 0; at < text.length; at += CHUNK) yield text.slice(at, at + CHUNK);
}

async function importOnce(read: typeof csvRecords, text: string): Promise<{ seconds: number; records: number }> {
  let records = 0;
  const started = performance.now();
  for await (const record of read(chunksOf(text))) {
    if (record.error) throw new Error(`line ${record.line}: ${record.error}`);
    records++;
  }
  return { seconds: (performance.now() - started) / 1000, records };
}

const rate = (tasks: number, seconds: number) => Math.round(tasks / seconds).toLocaleString('en-US');
const csvText = (await exportOnce(csvExporter, true)).text;
const jsonlText = (await exportOnce(jsonlExporter, true)).text;

let best = { csvExport: Infinity, jsonlExport: Infinity, csvImport: Infinity, jsonlImport: Infinity };
for (let round = 0; round < ROUNDS; round++) {
  best.csvExport = Math.min(best.csvExport, (await exportOnce(csvExporter, false)).seconds);
  best.jsonlExport = Math.min(best.jsonlExport, (await exportOnce(jsonlExporter, false)).seconds);
  const csvImport = await importOnce(csvRecords, csvText);
  if (csvImport.records !== TASKS) throw new Error(`CSV import read ${csvImport.records} records, expected ${TASKS}`);
  best.csvImport = Math.min(best.csvImport, csvImport.seconds);
  best.jsonlImport = Math.min(best.jsonlImport, (await importOnce(jsonlRecords, jsonlText)).seconds);
}

const smallGrowth = await csvExportHeapGrowth(Math.round(TASKS / 10));
const fullGrowth = await csvExportHeapGrowth(TASKS);

console.log(`CSV benchmark: ${TASKS.toLocaleString('en-US')} textcollection tasks, best of ${ROUNDS} rounds (shared machine: compare ratios)`);
console.log(`  export  CSV ${rate(TASKS, best.csvExport)} tasks/s   JSONL baseline ${rate(TASKS, best.jsonlExport)} tasks/s   ratio ${(best.jsonlExport / best.csvExport).toFixed(2)}x`);
console.log(`  import  CSV ${rate(TASKS, best.csvImport)} tasks/s   JSONL baseline ${rate(TASKS, best.jsonlImport)} tasks/s   ratio ${(best.jsonlImport / best.csvImport).toFixed(2)}x`);
console.log(`  CSV file ${(csvText.length / 1e6).toFixed(1)} MB; live heap growth while exporting ${TASKS.toLocaleString('en-US')} tasks ${fullGrowth.toFixed(1)} MB vs ${(TASKS / 10).toLocaleString('en-US')} tasks ${smallGrowth.toFixed(1)} MB (streaming: flat; the rows are held by the bench)`);
