import fs from 'node:fs';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { Command, Option } from 'commander';
import type { Caller } from '../services/account.service.ts';
import type { Services } from '../services/container.ts';
import type { StoredTask } from '../repositories/task.repository.ts';
import type { TaskStatus } from '../db/tables/tasks.ts';
import { parseTimestamp } from '../domain/time.ts';
import type { ImportRecord } from '../services/import-records.ts';
import type { ImportError, ImportSummary } from '../services/task-import.service.ts';
import type { ExportQuery } from '../services/task-export.service.ts';
// Only light modules at the top, so that --help answers without loading the server.
import { DEFAULT_IMPORT_CHUNK, MAX_IMPORT_CHUNK, csvRecords, jsonlRecords } from '../services/import-records.ts';
import { EXPORT_FORMATS, type ExportStats } from '../exporters/types.ts';
import { tarStream, writeToDirectory, writeToStream } from '../exporters/sinks.ts';
import { printJson, withServices, type GlobalOptions } from './context.ts';
import { ProgressBar } from './progress.ts';
import { writeUnlessReaderGone } from './stdout.ts';
import type { TaskExportParams } from '../../../sdk/src/index.ts';
import { exportRemotely, importRemotely, remoteClient, remoteTarget, type RemoteTarget } from './remote.ts';

/** Invalid records printed on standard error; the rest are counted (and listed, up to 1,000, with --json). */
const PRINTED_ERRORS = 100;
const STATUS_CHOICES = ['pending', 'completed', 'canceled', 'error', 'any'] as const;

/** --url/--key: work against a running server through the SDK instead of on its database. */
interface RemoteOptions {
  url?: string;
  key?: string;
}

interface ImportCommandOptions extends RemoteOptions {
  account?: string;
  env?: 'live' | 'test';
  type?: string;
  project?: string;
  batch?: string;
  format?: 'jsonl' | 'csv';
  dryRun?: boolean;
  chunk: string;
  progress: boolean;
}

interface ExportCommandOptions extends RemoteOptions {
  account?: string;
  env?: 'live' | 'test';
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
    .option('--account <id>', 'account id (required unless --url)')
    .addOption(new Option('--env <environment>', 'environment the tasks go to (test completes them at once; required unless --url)').choices(['live', 'test']))
    .option('--url <url>', 'import into this running server through its API instead of the database (default: TAGWRIGHT_URL)')
    .option('--key <key>', "API key for --url; its account and environment receive the tasks (default: TAGWRIGHT_API_KEY)")
    .option('--type <type>', 'task type of records without a "type" field')
    .option('--project <name>', 'project of records that name neither project nor batch')
    .option('--batch <name>', 'batch of records that name no batch')
    .addOption(new Option('--format <format>', 'input format (default: csv for a .csv file, else jsonl)').choices(['jsonl', 'csv']))
    .option('--dry-run', 'check every record and report what would happen; write nothing')
    .option('--chunk <n>', `tasks per transaction, 1 to ${MAX_IMPORT_CHUNK} (database import only)`, String(DEFAULT_IMPORT_CHUNK))
    .option('--no-progress', 'no progress bar')
    .action(async (file: string, options: ImportCommandOptions, command: Command) => {
      const json = Boolean(globals(command).json);
      let cpuMs = 0;
      const target = remoteTarget(options);
      if (target) {
        const cpu = process.cpuUsage();
        const summary = await runRemoteImport(target, file, options);
        report(summary, file, json, cpuMillis(cpu));
        if (summary.failed > 0) process.exitCode = 1;
        return;
      }
      requireDatabaseOptions(options);
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
    .option('--account <id>', 'account id (required unless --url)')
    .addOption(new Option('--env <environment>', 'environment to read (required unless --url)').choices(['live', 'test']))
    .option('--url <url>', 'export from this running server through its API instead of the database (default: TAGWRIGHT_URL)')
    .option('--key <key>', "API key for --url; its account and environment are exported (default: TAGWRIGHT_API_KEY)")
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
      const target = remoteTarget(options);
      if (target) {
        await runRemoteExport(target, options, json);
        return;
      }
      requireDatabaseOptions(options);
      await withServices(async (services) => {
        const result = await runExport(services, options);
        if (!result.readerGone) reportExport(result, options, json);
      });
    });
}

async function callerOf(services: Services, accountId: string | undefined, environment: 'live' | 'test' | undefined): Promise<Caller> {
  return { account: await services.accounts.getAccount(accountId!), environment: environment!, keyId: '' };
}

/** On the database, the account and environment are named; over the API the key decides both. */
function requireDatabaseOptions(options: { account?: string; env?: string }): void {
  if (options.account === undefined) throw new Error("required option '--account <id>' not specified (or give --url and --key to work through a server's API)");
  if (options.env === undefined) throw new Error("required option '--env <environment>' not specified (or give --url and --key to work through a server's API)");
}

/** The import file as records, and how many of its bytes have been read (for the progress bar). */
function readImportFile(file: string, format: 'jsonl' | 'csv' | undefined): { size: number | undefined; records: AsyncIterable<ImportRecord>; bytesRead: () => number } {
  const fromStdin = file === '-';
  const size = fromStdin ? undefined : fs.statSync(file).size;
  const input = fromStdin ? process.stdin : fs.createReadStream(file);
  let bytes = 0;
  async function* text(): AsyncGenerator<string> {
    const decoder = new StringDecoder('utf8');
    for await (const chunk of input) {
      bytes += (chunk as Buffer).length;
      yield decoder.write(chunk as Buffer);
    }
    yield decoder.end();
  }
  const csv = (format ?? (/\.csv$/i.test(file) ? 'csv' : 'jsonl')) === 'csv';
  return { size, records: csv ? csvRecords(text()) : jsonlRecords(text()), bytesRead: () => bytes };
}

/** `import --url`: each record through `POST task/{type}` of the server, with the same progress bar and report. */
async function runRemoteImport(target: RemoteTarget, file: string, options: ImportCommandOptions): Promise<ImportSummary> {
  if (options.dryRun) throw new Error('--dry-run checks records against the database and is not available with --url: run it where the database is');
  if (options.account !== undefined || options.env !== undefined) throw new Error('--account and --env name a database account; with --url the API key decides the account and environment');
  const input = readImportFile(file, options.format);
  const progress = new ProgressBar('importing', 'MB', input.size, options.progress);
  const errors: ImportError[] = [];
  let handled = 0;
  try {
    return await importRemotely(remoteClient(target), input.records, {
      type: options.type,
      project: options.project,
      batch: options.batch,
      onProgress: (count) => {
        handled = count;
        progress.update(input.size === undefined ? handled : input.bytesRead(), handled);
      },
      onError: (error) => {
        if (errors.length < PRINTED_ERRORS) errors.push(error);
      },
    });
  } finally {
    if (input.size !== undefined) progress.update(input.bytesRead(), handled);
    progress.stop();
    for (const error of errors) process.stderr.write(`line ${error.line}: ${error.message}\n`);
  }
}

/** `export --url`: the server's streamed export (`GET /app/api/exports/tasks`) written to --out. */
async function runRemoteExport(target: RemoteTarget, options: ExportCommandOptions, json: boolean): Promise<void> {
  if (options.account !== undefined || options.env !== undefined) throw new Error('--account and --env name a database account; with --url the API key decides the account and environment');
  const query = exportQuery(options);
  const result = await exportRemotely(
    remoteClient(target),
    {
      format: options.format,
      projectName: query.project,
      batchName: query.batch,
      status: options.status,
      taskType: query.type,
      createdAfter: options.createdAfter,
      createdBefore: options.createdBefore,
      completedAfter: options.completedAfter,
      completedBefore: options.completedBefore,
      updatedAfter: options.updatedAfter,
      updatedBefore: options.updatedBefore,
      reviewStatus: query.reviewStatuses as TaskExportParams['reviewStatus'],
      tags: query.tags,
      imageSize: options.imageSize,
    },
    options.out,
    (total) => (options.format === 'jsonl' ? new ProgressBar('exporting', 'tasks', total, options.progress) : new ProgressBar('exporting', 'received', undefined, options.progress)),
  );
  if (result.readerGone) return;
  const out = options.out === '-' ? process.stderr : process.stdout;
  const rate = result.elapsedMs > 0 ? Math.round((result.total / result.elapsedMs) * 1000) : result.total;
  if (json) {
    const body = { format: options.format, destination: result.destination, server: target.url, tasks: result.total, bytes: result.bytes, elapsed_ms: result.elapsedMs, tasks_per_second: rate };
    out.write(JSON.stringify(body, null, 2) + '\n');
    return;
  }
  out.write(
    `Exported ${result.total} tasks as ${options.format} from ${target.url} to ${result.destination} (${(result.bytes / 1e6).toFixed(1)} MB) ` +
      `in ${(result.elapsedMs / 1000).toFixed(1)} s (${rate.toLocaleString('en-US')} tasks/s).\n`,
  );
}

async function runImport(services: Services, file: string, options: ImportCommandOptions): Promise<ImportSummary> {
  const chunkSize = Number(options.chunk);
  if (!Number.isInteger(chunkSize) || chunkSize < 1 || chunkSize > MAX_IMPORT_CHUNK) {
    throw new Error(`--chunk must be a whole number from 1 to ${MAX_IMPORT_CHUNK}, got "${options.chunk}"`);
  }
  const caller = await callerOf(services, options.account, options.env);
  const { size, records, bytesRead } = readImportFile(file, options.format);
  let handled = 0;
  const progress = new ProgressBar(options.dryRun ? 'checking' : 'importing', 'MB', size, options.progress);
  const errors: ImportError[] = [];
  try {
    return await services.taskImport.importTasks(caller, records, {
      type: options.type,
      project: options.project,
      batch: options.batch,
      dryRun: options.dryRun,
      chunkSize,
      onProgress: (counts) => {
        handled = counts.records;
        progress.update(size === undefined ? handled : bytesRead(), handled);
      },
      onError: (error) => {
        if (errors.length < PRINTED_ERRORS) errors.push(error);
      },
    });
  } finally {
    if (size !== undefined) progress.update(bytesRead(), handled);
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
  let readerGone: boolean;
  try {
    readerGone = await writeUnlessReaderGone(toStdout, async () => {
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
    });
  } finally {
    progress.stop();
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
