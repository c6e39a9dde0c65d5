import { finished } from 'node:stream/promises';
import { CsvError, parse, type Options as ParseOptions } from 'csv-parse';
import { stringify, type Options as StringifyOptions } from 'csv-stringify/sync';

/**
 * CSV (RFC 4180) for task imports and exports, through csv-parse and csv-stringify: a streaming
 * reader that yields one record at a time from text chunks of any size (imports never hold a file in
 * memory), and the writer's quoting rule. Records end at CRLF, LF or CR; blank lines and a
 * byte-order mark are skipped; a quoted field may hold commas, line breaks and doubled quotes.
 */

/** One parsed record and the (1-based) line of the file it starts on. */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/** A malformed CSV file; `line` is where the problem was found. */
export class CsvSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
  }
}

const PARSE_OPTIONS: ParseOptions = {
  bom: true,
  skip_empty_lines: true,
  // Rows with the wrong number of cells are reported per row by the import, not as a file error.
  relax_column_count: true,
  record_delimiter: ['\r\n', '\n', '\r'],
};

/** Our wording for the syntax errors csv-parse names by code (csv-parse's own text names its options). */
const SYNTAX_ERRORS: Record<string, string> = {
  INVALID_OPENING_QUOTE: 'a quote inside an unquoted field (quote the whole field and double the quote: "a ""b"" c")',
  CSV_INVALID_CLOSING_QUOTE: 'unexpected text after a closing quote (a quote inside a quoted field must be doubled: "")',
  CSV_QUOTE_NOT_CLOSED: 'a quoted field is not closed before the end of the file',
};

/**
 * Parses CSV text arriving in chunks. Throws CsvSyntaxError for a quote inside an unquoted field or
 * text after a closing quote (at the line where it is found), or a quoted field left open at the end
 * of the input (at the line where its record starts). Every record before the error is yielded first.
 */
export async function* parseCsv(chunks: AsyncIterable<string> | Iterable<string>): AsyncGenerator<CsvRecord> {
  // Records are taken in csv-parse's on_record hook, which runs inside write(), rather than read from
  // the stream: a stream that fails drops the records it had buffered, and with them rows before the error.
  const parsed: Array<{ fields: string[]; lines: number; blankLines: number }> = [];
  const parser = parse({
    ...PARSE_OPTIONS,
    on_record: (fields: string[], context) => {
      parsed.push({ fields, lines: context.lines, blankLines: context.empty_lines });
      return null;
    },
  });
  parser.resume();
  const ended = finished(parser);
  ended.catch(() => {}); // read below, after the records before the error are out
  // csv-parse counts the line a record ends on and the blank lines skipped so far; a record starts
  // after the previous record's last line and the blank lines between them.
  let previousEnd = 0;
  let previousBlank = 0;
  const startLine = (blankLines: number) => previousEnd + (blankLines - previousBlank) + 1;
  function* taken(): Generator<CsvRecord> {
    for (const record of parsed.splice(0)) {
      const line = startLine(record.blankLines);
      previousEnd = record.lines;
      previousBlank = record.blankLines;
      yield { line, fields: record.fields };
    }
  }
  try {
    for await (const chunk of chunks) {
      parser.write(chunk);
      yield* taken();
      if (parser.errored) break;
    }
    if (!parser.errored) parser.end();
    await ended.catch(() => {});
    yield* taken();
    if (parser.errored) throw syntaxError(parser.errored, startLine);
  } finally {
    parser.destroy();
  }
}

function syntaxError(error: Error, startLine: (blankLines: number) => number): Error {
  if (!(error instanceof CsvError)) return error;
  const details = error as CsvError & { lines: number; empty_lines: number };
  if (error.code === 'CSV_QUOTE_NOT_CLOSED') return new CsvSyntaxError(SYNTAX_ERRORS[error.code], startLine(details.empty_lines));
  return new CsvSyntaxError(SYNTAX_ERRORS[error.code] ?? error.message, details.lines);
}

const STRINGIFY_OPTIONS: StringifyOptions = {
  record_delimiter: 'windows',
  // csv-stringify quotes a field holding the delimiter, a quote or the whole record delimiter; also
  // quote a lone CR or LF (readers split on either) and leading or trailing spaces (some readers trim).
  quoted_match: /[\r\n]|^\s|\s$/,
};

/** CSV records, each ending in CRLF as RFC 4180 asks; fields are quoted only when they must be. */
export function csvText(records: readonly (readonly string[])[]): string {
  return stringify(records as string[][], STRINGIFY_OPTIONS);
}

/** One CSV record line. */
export function csvRecord(values: readonly string[]): string {
  return csvText([values]);
}
