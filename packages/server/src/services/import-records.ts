import { isPlainObject } from '../domain/lenient.ts';
import { MAX_JSON_DEPTH, loneSurrogatePath, nestsDeeperThan } from '../domain/json-guards.ts';
import { CsvSyntaxError, parseCsv } from '../domain/csv.ts';

/**
 * Reading task-import files (docs/import-export.md) into creation bodies, one record at a time so
 * that a file of any size is never held in memory. A record that cannot be read carries an error
 * instead of a body; the import reports it with its line number and goes on.
 */

/** Tasks written per transaction unless asked otherwise, and the most allowed. */
export const DEFAULT_IMPORT_CHUNK = 500;
export const MAX_IMPORT_CHUNK = 1000;

/** One task to import: its creation body, or why its line could not be read. */
export type ImportRecord = { line: number; body: Record<string, unknown>; error?: undefined } | { line: number; body?: undefined; error: string };

/**
 * JSON Lines: one JSON object per line (blank lines are skipped). A line that is a task object as
 * exported (`task_id` and a `params` object) is turned back into a creation body.
 */
export async function* jsonlRecords(chunks: AsyncIterable<string> | Iterable<string>): AsyncGenerator<ImportRecord> {
  let rest = '';
  let line = 0;
  for await (const chunk of chunks) {
    const text = rest + chunk;
    let start = 0;
    for (let end = text.indexOf('\n', start); end !== -1; end = text.indexOf('\n', start)) {
      line += 1;
      const record = readJsonLine(text.slice(start, end), line);
      if (record) yield record;
      start = end + 1;
    }
    rest = text.slice(start);
  }
  if (rest !== '') {
    const record = readJsonLine(rest, line + 1);
    if (record) yield record;
  }
}

function readJsonLine(text: string, line: number): ImportRecord | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  if (nestsDeeperThan(trimmed, MAX_JSON_DEPTH)) return { line, error: `nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep` };
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch (error) {
    return { line, error: `not valid JSON (${(error as Error).message})` };
  }
  const surrogate = loneSurrogatePath(trimmed, value);
  if (surrogate !== undefined) return { line, error: `'${surrogate}' holds a lone UTF-16 surrogate escape, which is not Unicode text` };
  if (!isPlainObject(value)) return { line, error: 'expected a JSON object (one task per line)' };
  return { line, body: isExportedTask(value) ? bodyOfExportedTask(value) : value };
}

/**
 * CSV with a header row of field names. An empty cell leaves its field out; a cell starting with
 * `{` or `[` is parsed as JSON; a `metadata.<key>` column sets that key of `metadata`.
 */
export async function* csvRecords(chunks: AsyncIterable<string> | Iterable<string>): AsyncGenerator<ImportRecord> {
  let header: string[] | undefined;
  try {
    for await (const record of parseCsv(chunks)) {
      if (!header) {
        header = record.fields.map((name) => name.trim());
        const blank = header.findIndex((name) => name === '');
        if (blank !== -1) throw new CsvSyntaxError(`the header row has an empty column name (column ${blank + 1})`, record.line);
        continue;
      }
      yield csvBody(header, record.fields, record.line);
    }
  } catch (error) {
    if (!(error instanceof CsvSyntaxError)) throw error;
    // The rest of the file cannot be split into records reliably: report where and stop.
    yield { line: error.line, error: `CSV syntax: ${error.message.replace(/^line \d+: /, '')}; the rest of the file was not read` };
  }
}

function csvBody(header: readonly string[], cells: readonly string[], line: number): ImportRecord {
  if (cells.length !== header.length) return { line, error: `expected ${header.length} cells as in the header row, found ${cells.length}` };
  const body: Record<string, unknown> = {};
  for (let column = 0; column < header.length; column++) {
    const raw = cells[column];
    if (raw === '') continue;
    let value: unknown = raw;
    const first = raw.trimStart()[0];
    if (first === '{' || first === '[') {
      try {
        value = JSON.parse(raw);
      } catch (error) {
        return { line, error: `column '${header[column]}' starts like JSON but is not valid JSON (${(error as Error).message})` };
      }
    }
    const name = header[column];
    if (name.startsWith('metadata.') && name.length > 'metadata.'.length) {
      if (body.metadata !== undefined && !isPlainObject(body.metadata)) return { line, error: "both a 'metadata' column and 'metadata.*' columns are set" };
      body.metadata = { ...((body.metadata as Record<string, unknown> | undefined) ?? {}), [name.slice('metadata.'.length)]: value };
    } else if (name === 'metadata' && isPlainObject(body.metadata) && isPlainObject(value)) {
      body.metadata = { ...value, ...body.metadata };
    } else {
      body[name] = value;
    }
  }
  return { line, body };
}

/** A v1 task object as `tagwright export --format jsonl` writes it. */
function isExportedTask(value: Record<string, unknown>): boolean {
  return typeof value.task_id === 'string' && isPlainObject(value.params);
}

/**
 * The creation body that recreates an exported task: its params (already merged with the project's
 * parameters when it was created, so `project_version: -1` inherits nothing again) and its common
 * fields. Status, response and times are not imported: the task starts afresh.
 */
function bodyOfExportedTask(task: Record<string, unknown>): Record<string, unknown> {
  const body: Record<string, unknown> = { ...(task.params as Record<string, unknown>), type: task.type, project_version: -1 };
  for (const key of ['project', 'batch', 'instruction', 'callback_url', 'metadata', 'unique_id', 'tags', 'priority']) {
    if (task[key] !== undefined) body[key] = task[key];
  }
  return body;
}
