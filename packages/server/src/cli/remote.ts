/**
 * `tagwright import` and `export` against a running server (`--url`/`--key`, or TAGWRIGHT_URL and
 * TAGWRIGHT_API_KEY) through the SDK, instead of on the database: imports create each record with
 * `POST task/{type}` (several in flight), exports stream `GET /app/api/exports/tasks`.
 */
import fs from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ScaleDuplicateResource, ScaleException, Tagwright, type TaskExportParams } from '../../../sdk/src/index.ts';
import type { ImportRecord } from '../services/import-records.ts';
import type { ImportError, ImportSummary } from '../services/task-import.service.ts';
import type { ProgressBar } from './progress.ts';
import { writeUnlessReaderGone } from './stdout.ts';

/** Requests in flight during a remote import: enough to hide the round trip, few enough to stay polite. */
const IMPORT_CONCURRENCY = 8;
/** Errors kept for --json, as the database import keeps. */
const KEPT_ERRORS = 1000;

export interface RemoteTarget {
  /** The server's root URL (the part before `/v1`). */
  url: string;
  apiKey: string;
}

/**
 * The server to work against, from the flags or the environment; undefined means "the database".
 * `--url` (or TAGWRIGHT_URL) decides; the key then comes from `--key` or TAGWRIGHT_API_KEY.
 */
export function remoteTarget(options: { url?: string; key?: string }, env: NodeJS.ProcessEnv = process.env): RemoteTarget | undefined {
  const url = options.url ?? env.TAGWRIGHT_URL;
  if (url === undefined || url === '') {
    if (options.key !== undefined) throw new Error('--key needs --url (or TAGWRIGHT_URL): without a server URL the command works on the database directly.');
    return undefined;
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`--url must be the server's address, like http://127.0.0.1:8080, got "${url}"`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error(`--url must start with http:// or https://, got "${url}"`);
  const apiKey = options.key ?? env.TAGWRIGHT_API_KEY;
  if (!apiKey) throw new Error('--url needs an API key: pass --key or set TAGWRIGHT_API_KEY (its environment, live or test, is the one imported to or exported from).');
  return { url: url.replace(/\/+$/, '').replace(/\/v1$/, ''), apiKey };
}

export function remoteClient(target: RemoteTarget): Tagwright {
  return new Tagwright(target.apiKey, { baseUrl: `${target.url}/v1`, source: 'tagwright-cli' });
}

export interface RemoteImportOptions {
  type?: string;
  project?: string;
  batch?: string;
  onProgress: (handled: number) => void;
  onError: (error: ImportError) => void;
}

/**
 * Creates each record's task through the API. A 409 (its unique_id is taken) counts as skipped, as
 * in the database import, so a rerun resumes; a 4xx is that record's error; anything else (the
 * server gone after the SDK's retries) stops the import.
 */
export async function importRemotely(client: Tagwright, records: AsyncIterable<ImportRecord>, options: RemoteImportOptions): Promise<ImportSummary> {
  const started = Date.now();
  const summary: ImportSummary = { records: 0, created: 0, skipped: 0, failed: 0, completed: 0, dryRun: false, errors: [], elapsedMs: 0 };
  let handled = 0;
  const fail = (line: number, message: string) => {
    summary.failed += 1;
    const error = { line, message };
    if (summary.errors.length < KEPT_ERRORS) summary.errors.push(error);
    options.onError(error);
  };
  const done = () => options.onProgress(++handled);

  async function createOne(line: number, record: Record<string, unknown>): Promise<void> {
    // The same defaults as the database import (TaskImportService.prepare).
    const { type: recordType, ...body } = record;
    const type = recordType ?? options.type;
    if (typeof type !== 'string' || type === '') {
      fail(line, "Missing required field 'type': each task needs its type (a 'type' field in the record, or --type).");
      return done();
    }
    if (body.project === undefined && body.batch === undefined && options.project !== undefined) body.project = options.project;
    if (body.batch === undefined && options.batch !== undefined) body.batch = options.batch;
    try {
      const task = await client.tasks.create(type, body as never);
      summary.created += 1;
      if (task.status === 'completed') summary.completed += 1;
    } catch (error) {
      if (error instanceof ScaleDuplicateResource) summary.skipped += 1;
      else if (error instanceof ScaleException && error.status !== undefined && error.status >= 400 && error.status < 500) fail(line, error.message);
      else throw error;
    }
    done();
  }

  const inFlight = new Set<Promise<void>>();
  for await (const record of records) {
    summary.records += 1;
    if (record.error !== undefined) {
      fail(record.line, record.error);
      done();
      continue;
    }
    const creating: Promise<void> = createOne(record.line, record.body).finally(() => inFlight.delete(creating));
    inFlight.add(creating);
    if (inFlight.size >= IMPORT_CONCURRENCY) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  summary.elapsedMs = Date.now() - started;
  return summary;
}

export interface RemoteExportResult {
  total: number;
  bytes: number;
  elapsedMs: number;
  destination: string;
  readerGone: boolean;
}

/**
 * Streams the server's export to a file or standard output. JSONL's progress counts tasks (one per
 * line); the other formats' counts megabytes received. The folder formats come as a tar: writing
 * them into a folder needs the export on the server's database.
 */
export async function exportRemotely(
  client: Tagwright,
  params: TaskExportParams,
  out: string,
  progressFor: (total: number) => ProgressBar,
): Promise<RemoteExportResult> {
  const toStdout = out === '-';
  const started = Date.now();
  const exported = await client.exports.tasks(params);
  if (exported.contentType.startsWith('application/x-tar') && !toStdout && !/\.tar$/i.test(out)) {
    await exported.body.cancel();
    throw new Error(`--url exports ${params.format} as a tar: give --out NAME.tar (or - for standard output); a folder needs the export on the server's database`);
  }
  const progress = progressFor(exported.total);
  const countLines = params.format === 'jsonl';
  let bytes = 0;
  let lines = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      if (countLines) for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines += 1;
      progress.update(countLines ? lines : bytes, lines);
      callback(null, chunk);
    },
  });
  let readerGone: boolean;
  try {
    readerGone = await writeUnlessReaderGone(toStdout, async () => {
      const body = Readable.fromWeb(exported.body as import('node:stream/web').ReadableStream<Uint8Array>);
      if (toStdout) await pipeline(body, counter, process.stdout, { end: false });
      else await pipeline(body, counter, fs.createWriteStream(out));
    });
  } finally {
    progress.stop();
  }
  return { total: exported.total, bytes, elapsedMs: Date.now() - started, destination: toStdout ? 'standard output' : out, readerGone };
}
