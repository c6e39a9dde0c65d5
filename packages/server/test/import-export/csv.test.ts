import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CsvSyntaxError, csvRecord, parseCsv } from '../../src/domain/csv.ts';
import { csvRecords, jsonlRecords } from '../../src/services/import-records.ts';

async function parse(chunks: string[]): Promise<Array<{ line: number; fields: string[] }>> {
  const records = [];
  for await (const record of parseCsv(chunks)) records.push(record);
  return records;
}

async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of source) items.push(item);
  return items;
}

/** Every way of cutting the text into chunks of one size. */
function chunked(text: string, size: number): string[] {
  const chunks = [];
  for (let at = 0; at < text.length; at += size) chunks.push(text.slice(at, at + size));
  return chunks;
}

describe('CSV parser (RFC 4180)', () => {
  const text = 'name,notes,n\r\nplain,"a, b",1\n"say ""hi""","two\nlines",2\r\n,"",\n';
  const expected = [
    { line: 1, fields: ['name', 'notes', 'n'] },
    { line: 2, fields: ['plain', 'a, b', '1'] },
    { line: 3, fields: ['say "hi"', 'two\nlines', '2'] },
    { line: 5, fields: ['', '', ''] },
  ];

  it('reads quoted commas, doubled quotes, line breaks in quotes, CRLF and empty fields', async () => {
    assert.deepEqual(await parse([text]), expected);
  });

  it('gives the same records however the input is cut into chunks', async () => {
    for (let size = 1; size <= 7; size++) assert.deepEqual(await parse(chunked(text, size)), expected, `chunks of ${size}`);
  });

  it('skips blank lines and a byte-order mark, and reads a last line without a line break', async () => {
    assert.deepEqual(await parse(['\ufeffa,b\n\n\r\nc,d']), [
      { line: 1, fields: ['a', 'b'] },
      { line: 4, fields: ['c', 'd'] },
    ]);
  });

  it('rejects a stray quote, text after a closing quote and an unclosed quote, naming the line', async () => {
    await assert.rejects(parse(['a,b\nc,d"e\n']), (error: unknown) => error instanceof CsvSyntaxError && error.line === 2 && /quote inside an unquoted field/.test(error.message));
    await assert.rejects(parse(['"ab"c\n']), (error: unknown) => error instanceof CsvSyntaxError && /after a closing quote/.test(error.message));
    await assert.rejects(parse(['x\n"open\n\n']), (error: unknown) => error instanceof CsvSyntaxError && error.line === 2 && /not closed/.test(error.message));
  });

  it('writes records that read back unchanged', async () => {
    const values = ['plain', 'comma, inside', 'quote " inside', 'line\nbreak', '', ' padded ', 'carriage\rreturn', 'tab\t', 'crlf\r\ninside'];
    assert.deepEqual(await parse([csvRecord(values)]), [{ line: 1, fields: values }]);
    assert.equal(csvRecord(['a', 'b c']), 'a,b c\r\n');
    assert.equal(csvRecord(['x\ny', 'x\ry', ' lead', 'trail ', 'q"q', '']), '"x\ny","x\ry"," lead","trail ","q""q",\r\n');
  });

  it('ends records at a lone CR too, and counts lines across all three line ends', async () => {
    assert.deepEqual(await parse(['a\rb\r\nc\nd']), [
      { line: 1, fields: ['a'] },
      { line: 2, fields: ['b'] },
      { line: 3, fields: ['c'] },
      { line: 4, fields: ['d'] },
    ]);
  });

  it('yields every record before a syntax error, then the error', async () => {
    const records: string[][] = [];
    await assert.rejects(
      (async () => {
        for await (const record of parseCsv(['a,b\nc,d\n"e,f\n'])) records.push(record.fields);
      })(),
      (error: unknown) => error instanceof CsvSyntaxError && error.line === 3,
    );
    assert.deepEqual(records, [['a', 'b'], ['c', 'd']]);
  });

  it('reads only as far as it is asked: a consumer that stops after one record stops the reading', async () => {
    let chunksRead = 0;
    function* endless(): Generator<string> {
      yield 'name\n';
      for (;;) {
        chunksRead++;
        yield 'row\n'.repeat(100);
      }
    }
    for await (const record of parseCsv(endless())) {
      assert.deepEqual(record.fields, ['name']);
      break;
    }
    assert.ok(chunksRead <= 1, `read ${chunksRead} chunks for one record`);
  });
});

describe('Import records', () => {
  it('turns CSV rows into creation bodies: JSON cells parsed, metadata.* nested, empty cells left out', async () => {
    const csv = [
      'type,attachment,geometries,metadata.width,metadata.source,tags,unique_id',
      'imageannotation,https://x/1.jpg,"{""box"":{""objects_to_annotate"":[""car""]}}",640,cam 1,"[""a"",""b""]",u1',
      'imageannotation,https://x/2.jpg,,,,,',
    ].join('\n');
    const records = await collect(csvRecords([csv]));
    assert.deepEqual(records, [
      {
        line: 2,
        body: {
          type: 'imageannotation',
          attachment: 'https://x/1.jpg',
          geometries: { box: { objects_to_annotate: ['car'] } },
          metadata: { width: '640', source: 'cam 1' },
          tags: ['a', 'b'],
          unique_id: 'u1',
        },
      },
      { line: 3, body: { type: 'imageannotation', attachment: 'https://x/2.jpg' } },
    ]);
  });

  it('reports a CSV row with the wrong number of cells or broken JSON by its line, and keeps reading', async () => {
    const records = await collect(csvRecords(['type,params\ncategorization\ncategorization,{oops\ncategorization,[1]\n']));
    assert.deepEqual(
      records.map((record) => [record.line, record.error === undefined ? 'ok' : record.error.split(' (')[0]]),
      [
        [2, 'expected 2 cells as in the header row, found 1'],
        [3, "column 'params' starts like JSON but is not valid JSON"],
        [4, 'ok'],
      ],
    );
  });

  it('reads JSON Lines, reporting lines that are not JSON objects, and turns exported task objects back into creation bodies', async () => {
    const exported = { task_id: 't1', type: 'categorization', status: 'completed', project: 'p', params: { attachment: 'a', categories: ['x'] }, metadata: { k: 1 }, unique_id: 'u' };
    const records = await collect(jsonlRecords(['{"type":"categorization","attachment":"a"}\n\n[1]\n{broken', `\n${JSON.stringify(exported)}`]));
    assert.equal(records.length, 4);
    assert.deepEqual(records[0], { line: 1, body: { type: 'categorization', attachment: 'a' } });
    assert.match(records[1].error!, /expected a JSON object/);
    assert.equal(records[1].line, 3);
    assert.match(records[2].error!, /not valid JSON/);
    assert.deepEqual(records[3], {
      line: 5,
      body: { attachment: 'a', categories: ['x'], type: 'categorization', project_version: -1, project: 'p', metadata: { k: 1 }, unique_id: 'u' },
    });
  });
});
