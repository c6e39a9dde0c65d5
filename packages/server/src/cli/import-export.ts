import fs from 'node:fs';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { Command, Option } from 'commander';
import type { Caller } from '../services/account.service.ts';
import type { Services } from '../services/container.ts';
import type { StoredTask } from '../repositories/task.repository.ts';
import type { TaskStatus } from '../db/tables/tasks.ts';
import { parseTimestamp } from '../domain/time.ts';
import type { ImportError, ImportSummary } from '../services/task-import.service.ts';
import type { ExportQuery } from '../services/task-export.service.ts';
// Only light modules at the top, so that --help answers without loading the server.
import { DEFAULT_IMPORT_CHUNK, MAX_IMPORT_CHUNK, csvRecords, jsonlRecords } from '../services/import-records.ts';
import { EXPORT_FORMATS, type ExportStats } from '../exporters/types.ts';
import { tarStream, writeToDirectory, writeToStream } from '../exporters/sinks.ts';
import { printJson, withServices, type GlobalOptions } from './context.ts';
import { ProgressBar } from './progress.ts';

/** Invalid records printed on standard error; the rest are counted (and listed, up to 1,000, with --json). */
const PRINTED_ERRORS = 100;
const STATUS_CHOICES = ['pending', 'completed', 'canceled', 'error', 'any'] as const;

interface ImportCommandOptions {
  account: string;
  env: 'live' | 'test';
  type?: string;
  project?: string;
  batch?: string;
  format?: 'jsonl' | 'csv';
  dryRun?: boolean;
  chunk: string;
  progress: boolean;
}

interface ExportCommandOptions {
  account: string;
  env: 'live' | 'test';
  format: (typeof EXPORT_FORMATS)[number];
  out: string;
  project?: string;
  batch?: string;
  status: (typeof STATUS_CHOICES)[number];
  type?: string;
  createdAfter?: string;
  createdBefore?: string;
  completedAfter?: string;
  completedBefore?: string;
  updatedAfter?: string;
  updatedBefore?: string;
  reviewStatus?: string;
  tag?: string[];
  imageSize?: string;
  progress: boolean;
}

/** `tagwright import` and `tagwright export` (docs/cli.md), straight on the server's database. */
export function registerImportExportCommands(program: Command, globals: (command: Command) => GlobalOptions): void {
  program
    .command('import')
    .description('create tasks in bulk from a JSONL or CSV file (or - for standard input): same checks as POST task/{type}, batched inserts; tasks whose unique_id exists are skipped, so a rerun resumes')
    .argument('<file>', 'JSONL (one creation body per line, with a "type" field) or CSV (a header row of field names); - reads standard input')
    .requiredOption('--account <id>', 'account id')
    .addOption(new Option('--env <environment>', 'environment the tasks go to (test completes them at once)').choices(['live', 'test']).makeOptionMandatory())
    .option('--type <type>', 'task type of records without a "type" field')
    .option('--project <name>', 'project of records that name neither project nor batch')
    .option('--batch <name>', 'batch of records that name no batch')
    .addOption(new Option('--format <format>', 'input format (default: csv for a .csv file, else jsonl)').choices(['jsonl', 'csv']))
    .option('--dry-run', 'check every record and report what would happen; write nothing')
    .option('--chunk <n>', `tasks per transaction, 1 to ${MAX_IMPORT_CHUNK}`, String(DEFAULT_IMPORT_CHUNK))
    .option('--no-progress', 'no progress bar')
    .action(async (file: string, options: ImportCommandOptions, command: Command) => {
      const json = Boolean(globals(command).json);
      let cpuMs = 0;
      const summary = await withServices(async (services) => {
        const cpu = process.cpuUsage();
        try {
          return await runImport(services, file, options);
        } finally {
          cpuMs = cpuMillis(cpu);
        }
      });
      report(summary, file, json, cpuMs);
      if (summary.failed > 0) process.exitCode = 1;
    });

  program
    .command('export')
    .description('write tasks as JSONL, CSV, COCO, YOLO or Pascal VOC, streaming to a file, a folder or standard output (filters as GET tasks; default: completed tasks)')
    .requiredOption('--account <id>', 'account id')
    .addOption(new Option('--env <environment>', 'environment to read').choices(['live', 'test']).makeOptionMandatory())
    .addOption(new Option('--format <format>', 'output format').choices([...EXPORT_FORMATS]).makeOptionMandatory())
    .option('--out <path>', 'file (jsonl, csv, coco), folder or .tar file (yolo, yolo-obb, voc), or - for standard output (a tar stream for yolo, yolo-obb and voc)', '-')
    .option('--project <name>', 'only tasks of this project')
    .option('--batch <name>', 'only tasks of this batch')
    .addOption(new Option('--status <status>', 'only tasks with this status; any for all').choices([...STATUS_CHOICES]).default('completed'))
    .option('--type <type>', 'only tasks of this type')
    .option('--created-after <time>', 'created at or after (ISO 8601; no offset means UTC)')
    .option('--created-before <time>', 'created at or before')
    .option('--completed-after <time>', 'completed at or after')
    .option('--completed-before <time>', 'completed at or before')
    .option('--updated-after <time>', 'updated at or after')
    .option('--updated-before <time>', 'updated at or before')
    .option('--review-status <list>', 'customer_review_status, comma-separated (pending, accepted, fixed, commented, rejected)')
    .option('--tag <tag>', 'only tasks with this tag (repeat for any of several)', (value: string, previous: string[] = []) => [...previous, value])
    .option('--image-size <WxH>', 'image size for tasks whose metadata has no width and height (YOLO needs it to normalise)')
    .option('--no-progress', 'no progress bar')
    .action(async (options: ExportCommandOptions, command: Command) => {
      const json = Boolean(globals(command).json);
      await withServices(async (services) => {
        const result = await runExport(services, options);
        if (!result.readerGone) reportExport(result, options, json);
      });
    });
}

async function callerOf(services: Services, accountId: string, environment: 'live' | 'test'): Promise<Caller> {
  return { account: await services.accounts.getAccount(accountId), environment, keyId: '' };
}

async function runImport(services: Services, file: string, options: ImportCommandOptions): Promise<ImportSummary> {
  const chunkSize = Number(options.chunk);
  if (!Number.isInteger(chunkSize) || chunkSize < 1 || chunkSize > MAX_IMPORT_CHUNK) {
    throw new Error(`--chunk must be a whole number from 1 to ${MAX_IMPORT_CHUNK}, got "${options.chunk}"`);
  }
  const caller = await callerOf(services, options.account, options.env);
  const fromStdin = file === '-';
  const size = fromStdin ? undefined : (await fs.promises.stat(file)).size;
  const format = options.format ?? (/\.csv$/i.test(file) ? 'csv' : 'jsonl');
  const input = fromStdin ? process.stdin : fs.createReadStream(file);
  let bytes = 0;
  let handled = 0;
  const progress = new ProgressBar(options.dryRun ? 'checking' : 'importing', 'MB', size, options.progress);
  async function* text(): AsyncGenerator<string> {
    const decoder = new StringDecoder('utf8');
    for await (const chunk of input) {
      bytes += (chunk as Buffer).length;
      yield decoder.write(chunk as Buffer);
    }
    yield decoder.end();
  }
  const errors: ImportError[] = [];
  try {
    const records = format === 'csv' ? csvRecords(text()) : jsonlRecords(text());
    return await services.taskImport.importTasks(caller, records, {
      type: options.type,
      project: options.project,
      batch: options.batch,
      dryRun: options.dryRun,
      chunkSize,
      onProgress: (counts) => {
        handled = counts.records;
        progress.update(size === undefined ? handled : bytes, handled);
      },
      onError: (error) => {
        if (errors.length < PRINTED_ERRORS) errors.push(error);
      },
    });
  } finally {
    if (size !== undefined) progress.update(bytes, handled);
    progress.stop();
    for (const error of errors) process.stderr.write(`line ${error.line}: ${error.message}\n`);
  }
}

/** CPU time (user and system) this process has used since `start`, in milliseconds. */
function cpuMillis(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return Math.round((used.user + used.system) / 1000);
}

function report(summary: ImportSummary, file: string, json: boolean, cpuMs: number): void {
  const rate = summary.elapsedMs > 0 ? Math.round((summary.records / summary.elapsedMs) * 1000) : summary.records;
  if (json) {
    printJson({
      dry_run: summary.dryRun,
      records: summary.records,
      created: summary.created,
      completed: summary.completed,
      skipped: summary.skipped,
      failed: summary.failed,
      elapsed_ms: summary.elapsedMs,
      cpu_ms: cpuMs,
      tasks_per_second: rate,
      errors: summary.errors,
    });
    return;
  }
  const seconds = (summary.elapsedMs / 1000).toFixed(1);
  if (summary.failed > PRINTED_ERRORS) process.stderr.write(`... and ${summary.failed - PRINTED_ERRORS} more invalid records (--json lists up to 1,000).\n`);
  const source = file === '-' ? 'standard input' : file;
  if (summary.dryRun) {
    process.stdout.write(
      `Dry run of ${source}: ${summary.records} records checked in ${seconds} s. ${summary.records - summary.failed - summary.skipped} would be created, ` +
        `${summary.skipped} skipped (unique_id already used), ${summary.failed} invalid. Nothing was written.\n`,
    );
    return;
  }
  const completed = summary.completed > 0 ? ` (${summary.completed} completed at once by test mode)` : '';
  process.stdout.write(
    `Imported ${source}: ${summary.records} records, ${summary.created} tasks created${completed}, ${summary.skipped} skipped (unique_id already used), ` +
      `${summary.failed} invalid, in ${seconds} s (${rate.toLocaleString('en-US')} tasks/s).\n`,
  );
}

interface ExportResult {
  total: number;
  stats: ExportStats;
  elapsedMs: number;
  /** CPU time of the export, in milliseconds. */
  cpuMs: number;
  destination: string;
  /** Standard output was closed by its reader before the end. */
  readerGone: boolean;
}

async function runExport(services: Services, options: ExportCommandOptions): Promise<ExportResult> {
  const caller = await callerOf(services, options.account, options.env);
  const started = Date.now();
  const cpu = process.cpuUsage();
  const plan = await services.taskExport.plan(caller, options.format, exportQuery(options), { imageSize: readImageSize(options.imageSize) });
  const toStdout = options.out === '-';
  const exporter = plan.exporter;
  let destination = '';
  let read = 0;
  const progress = new ProgressBar('exporting', 'tasks', plan.total, options.progress);
  async function* counted(): AsyncGenerator<StoredTask[]> {
    for await (const page of plan.pages()) {
      yield page;
      read += page.length;
      progress.update(read, read);
    }
  }
  // A reader of standard output that stops early (`| head`) ends the export quietly, as Unix tools do.
  let readerGone = false;
  const ignoreStdoutError = () => {};
  if (toStdout) process.stdout.on('error', ignoreStdoutError);
  try {
    if (exporter.kind === 'stream') {
      destination = toStdout ? 'standard output' : options.out;
      const output = toStdout ? process.stdout : fs.createWriteStream(options.out);
      await writeToStream(exporter.write(counted()), output, { end: !toStdout });
    } else if (toStdout || /\.tar$/i.test(options.out)) {
      destination = toStdout ? 'standard output (tar)' : options.out;
      const output = toStdout ? process.stdout : fs.createWriteStream(options.out);
      await writeToStream(tarStream(exporter.entries(counted()), toStdout ? undefined : path.dirname(path.resolve(options.out))), output, { end: !toStdout });
    } else {
      destination = `${options.out}${path.sep}`;
      await writeToDirectory(exporter.entries(counted()), options.out);
    }
  } catch (error) {
    if (!toStdout || (error as NodeJS.ErrnoException).code !== 'EPIPE') throw error;
    readerGone = true;
  } finally {
    progress.stop();
    if (toStdout) process.stdout.off('error', ignoreStdoutError);
  }
  return { total: plan.total, stats: exporter.stats, elapsedMs: Date.now() - started, cpuMs: cpuMillis(cpu), destination, readerGone };
}

function exportQuery(options: ExportCommandOptions): ExportQuery {
  const time = (value: string | undefined, flag: string) => (value === undefined ? undefined : parseTimestamp(value, flag));
  const reviewStatuses = options.reviewStatus
    ?.split(',')
    .map((status) => status.trim())
    .filter((status) => status !== '');
  return {
    project: options.project,
    batch: options.batch,
    status: options.status === 'any' ? undefined : (options.status as TaskStatus),
    type: options.type,
    createdFrom: time(options.createdAfter, '--created-after'),
    createdTo: time(options.createdBefore, '--created-before'),
    completedFrom: time(options.completedAfter, '--completed-after'),
    completedTo: time(options.completedBefore, '--completed-before'),
    updatedFrom: time(options.updatedAfter, '--updated-after'),
    updatedTo: time(options.updatedBefore, '--updated-before'),
    reviewStatuses: reviewStatuses && reviewStatuses.length > 0 ? reviewStatuses : undefined,
    tags: options.tag,
  };
}

function readImageSize(value: string | undefined): { width: number; height: number } | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d+)x(\d+)$/i.exec(value.trim());
  if (!match || Number(match[1]) === 0 || Number(match[2]) === 0) throw new Error(`--image-size must look like 1920x1080, got "${value}"`);
  return { width: Number(match[1]), height: Number(match[2]) };
}

function reportExport(result: ExportResult, options: ExportCommandOptions, json: boolean): void {
  const { stats } = result;
  const rate = result.elapsedMs > 0 ? Math.round((stats.tasks / result.elapsedMs) * 1000) : stats.tasks;
  // The export itself may be on standard output: the report then goes to standard error.
  const out = options.out === '-' ? process.stderr : process.stdout;
  const image = options.format === 'coco' || options.format === 'yolo' || options.format === 'yolo-obb' || options.format === 'voc' || options.format === 'masks';
  if (json) {
    const body = {
      format: options.format,
      destination: result.destination,
      tasks: stats.tasks,
      ...(options.format.startsWith('chat-') ? { records: stats.records } : {}),
      ...(image ? { images: stats.images, annotations: stats.annotations, skipped_tasks: stats.skippedTasks, skipped_shapes: stats.skippedShapes, missing_size: stats.missingSize } : {}),
      elapsed_ms: result.elapsedMs,
      cpu_ms: result.cpuMs,
      tasks_per_second: rate,
    };
    out.write(JSON.stringify(body, null, 2) + '\n');
    return;
  }
  const details = image ? ` (${stats.images} images, ${stats.annotations} annotations)` : options.format.startsWith('chat-') ? ` (${stats.records} records)` : '';
  out.write(`Exported ${stats.tasks} tasks${details} as ${options.format} to ${result.destination} in ${(result.elapsedMs / 1000).toFixed(1)} s (${rate.toLocaleString('en-US')} tasks/s).\n`);
  if (stats.skippedTasks > 0) out.write(`warning: ${stats.skippedTasks} tasks are not image annotation tasks and were left out (use --type to choose).\n`);
  if (stats.skippedShapes > 0) out.write(`warning: ${stats.skippedShapes} lines, points, cuboids or malformed shapes have no ${options.format} form and were left out.\n`);
  if (stats.missingSize > 0) {
    const effect = options.format === 'yolo' || options.format === 'yolo-obb' ? 'got no label file' : 'have no image size in the output';
    out.write(`warning: ${stats.missingSize} images have no width and height in their metadata and ${effect}; pass --image-size WxH.\n`);
  }
}
