/**
 * CSV (RFC 4180) for task imports and exports: a streaming parser that yields one record at a time
 * from text chunks of any size, and the writer's quoting rule. Fields may be quoted with `"`; a
 * quoted field may hold commas, line breaks and doubled quotes (`""`). Records end at CRLF or LF.
 * Small and dependency-free because the rules are few and imports must not hold a file in memory.
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

/**
 * Parses CSV text arriving in chunks. Blank lines are skipped. A byte-order mark at the start is
 * dropped. Throws CsvSyntaxError for a quote inside an unquoted field, text after a closing quote,
 * or a quoted field left open at the end of the input.
 */
export async function* parseCsv(chunks: AsyncIterable<string> | Iterable<string>): AsyncGenerator<CsvRecord> {
  let field = '';
  let fields: string[] = [];
  let quoted = false;
  /** Inside quotes; the last character seen was a quote that may close the field or start `""`. */
  let quoteSeen = false;
  /** The current field was quoted and its closing quote has passed. */
  let closed = false;
  let line = 1;
  let recordLine = 1;
  let fieldStarted = false;
  let first = true;
  let pendingCr = false;

  const endField = () => {
    fields.push(field);
    field = '';
    quoted = false;
    closed = false;
    fieldStarted = false;
  };

  for await (let chunk of chunks) {
    if (first && chunk.length > 0) {
      first = false;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    }
    let start = 0;
    for (let index = 0; index < chunk.length; index++) {
      const code = chunk.charCodeAt(index);
      if (pendingCr) {
        pendingCr = false;
        if (code === 10) {
          start = index + 1;
          continue;
        }
      }
      if (quoted && !closed) {
        if (quoteSeen) {
          quoteSeen = false;
          if (code === 34) {
            // A doubled quote: one literal quote.
            field += '"';
            start = index + 1;
            continue;
          }
          closed = true;
          // Fall through: this character follows the closing quote.
        } else {
          if (code === 34) {
            field += chunk.slice(start, index);
            quoteSeen = true;
            start = index + 1;
          } else if (code === 10) line += 1;
          continue;
        }
      }
      if (code === 44 /* , */) {
        if (!closed) field += chunk.slice(start, index);
        endField();
        fieldStarted = true;
        start = index + 1;
      } else if (code === 10 || code === 13) {
        if (!closed) field += chunk.slice(start, index);
        if (fieldStarted || field !== '' || fields.length > 0 || closed) {
          endField();
          yield { line: recordLine, fields };
          fields = [];
        }
        line += 1;
        recordLine = line;
        if (code === 13) pendingCr = true;
        start = index + 1;
      } else if (closed) {
        throw new CsvSyntaxError('unexpected text after a closing quote (a quote inside a quoted field must be doubled: "")', line);
      } else if (code === 34) {
        if (field !== '' || index > start) {
          throw new CsvSyntaxError('a quote inside an unquoted field (quote the whole field and double the quote: "a ""b"" c")', line);
        }
        quoted = true;
        fieldStarted = true;
        start = index + 1;
      } else {
        fieldStarted = true;
      }
    }
    if (quoted && !closed) {
      if (!quoteSeen) field += chunk.slice(start);
    } else if (!closed) field += chunk.slice(start);
  }
  if (quoted && !closed && !quoteSeen) throw new CsvSyntaxError('a quoted field is not closed before the end of the file', recordLine);
  if (fieldStarted || field !== '' || fields.length > 0 || closed || quoteSeen) {
    endField();
    yield { line: recordLine, fields };
  }
}

/** One CSV field: quoted when it holds a comma, quote, CR or LF (or starts/ends with a space), quotes doubled. */
export function csvField(value: string): string {
  if (value === '') return '';
  if (/[",\r\n]/.test(value) || value.trimStart() !== value || value.trimEnd() !== value) return `"${value.replace(/"/g, '""')}"`;
  return value;
}

/** One CSV record line, ending in CRLF as RFC 4180 asks. */
export function csvRecord(values: readonly string[]): string {
  return values.map(csvField).join(',') + '\r\n';
}
