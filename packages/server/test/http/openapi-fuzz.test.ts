/**
 * A generated corpus of malformed requests over every operation of /openapi.json (issue 18): any
 * 5xx, or any error body outside the contract's shape (a JSON object with `status_code` equal to
 * the HTTP status and a non-empty `error` string, served as application/json), fails the test.
 * The corpus is deterministic (derived from the document, no randomness), so a failure repeats.
 */
import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.ts';
import { useTestServer, type TestServer } from '../helpers/server.ts';
import { unique } from '../tasks/helpers.ts';

const DEEP = `${'['.repeat(5000)}1${']'.repeat(5000)}`;

/** Odd values for one JSON property or path segment. */
function oddValues(): unknown[] {
  // NUL characters, integers outside 64 bits and strings longer than an index row answered 500 on
  // PostgreSQL until issue 11's fix (a 400 naming the field on both databases); they stay in the corpus.
  return [
    null, true, 0, -1, 1.5, 1e308, '', ' ', 'x', 'ünïcødé ✓', '%2F..%2F', '"; drop table tasks; --', '\ud800x', '\udc00',
    [], [null], [1, 'a'], {}, { a: { b: [] } }, ['a@b.c'], 'a'.repeat(300), 'nul\u0000byte', 2 ** 70, -(2 ** 70), 'a'.repeat(5000),
  ];
}

/** Whole bodies sent as raw text with Content-Type: application/json. */
const RAW_BODIES = ['', '{', '[]', 'null', '"text"', '12', '{"a":}', DEEP, `{"metadata":${DEEP}}`, '{"name":"\\ud800x"}', '{"emails":["\\udfff"]}'];

/** Query strings every GET also gets. */
function oddQueries(): string[] {
  return [
    'limit=-1', 'limit=abc', 'offset=1.5', 'limit=0', 'next_token=garbage', 'next_token=eyJhIjoxfQ', 'start_time=nope', 'status=weird',
    'project=%ED%A0%80', 'project_id=x&batch_id=y', 'task_id=x', 'type=boxes', 'completed_after=2024-13-45', 'customer_review_status=x,y',
    'tags=a&tags=b', 'a[b]=c', 'format=nope', 'delivery_id=x', 'project_name=%C3%A9', 'opts=x&expand=nothing',
    'limit=99999999999999999999', 'offset=-99999999999999999999', 'project=nul%00byte',
  ];
}

interface Operation {
  method: string;
  path: string;
  properties: string[];
  multipart: boolean;
}

function operationsOf(document: any): Operation[] {
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries<any>(document.paths)) {
    for (const [method, operation] of Object.entries<any>(methods)) {
      const content = operation.requestBody?.content ?? {};
      const schema = content['application/json']?.schema;
      operations.push({
        method: method.toUpperCase(),
        path,
        properties: Object.keys(schema?.properties ?? {}),
        multipart: (operation.consumes ?? []).includes('multipart/form-data') || path.endsWith('/files/upload'),
      });
    }
  }
  return operations;
}

describeEachDatabase('Fuzzing every operation of /openapi.json', (dialect) => {
  const server = useTestServer(dialect);
  /** Real names, so requests also reach past the "not found" checks. */
  const known: Record<string, string> = {};

  before(async () => {
    const s: TestServer = server.current;
    known.project = unique('fz-project');
    known.batch = unique('fz-batch');
    await s.request('POST', '/v1/projects', { body: { name: known.project, type: 'categorization', studio: true } });
    await s.request('POST', '/v1/batches', { body: { name: known.batch, project: known.project } });
    await s.request('POST', `/v1/studio/projects/${known.project}/groups`, { body: { name: 'fz-group', emails: [] } });
    known.group = 'fz-group';
    const task = await s.request('POST', '/v1/task/categorization', { body: { attachment: 'https://a/1.jpg', categories: ['a', 'b'], project: known.project } });
    known.task = task.body.task_id;
    known.type = 'categorization';
  });

  /** Path values for a `{param}`: the real resource, then odd ones. */
  function pathValues(param: string): string[] {
    const real = param === 'type' ? known.type : /task|^id$/i.test(param) ? known.task : param === 'group' ? known.group : param === 'batch' || param === 'name' ? known.batch : known.project;
    return [real, 'nope', 'ffffffffffffffffffffffff', '%E2%9C%93', 'a%2Fb', 'a'.repeat(600), '%ED%A0%80', '..'];
  }

  it('answers every generated request below 500, and every error in the contract shape', async (t) => {
    const document = (await server.current.request('GET', '/openapi.json')).body;
    const operations = operationsOf(document);
    assert.ok(operations.length > 100, `only ${operations.length} operations in /openapi.json`);
    const failures: string[] = [];
    let sent = 0;

    async function check(method: string, path: string, options: { rawBody?: string | FormData; headers?: Record<string, string> }): Promise<void> {
      sent++;
      const response = await server.current.request(method, path, options);
      const body = response.body;
      const what = `${method} ${path.slice(0, 120)} ${typeof options.rawBody === 'string' ? options.rawBody.slice(0, 80) : ''}`;
      if (response.status >= 500) failures.push(`${response.status} ${what}: ${response.text.slice(0, 200)}`);
      else if (response.status >= 400) {
        const shaped =
          /^application\/json/.test(response.headers.get('content-type') ?? '') &&
          body !== null && typeof body === 'object' && !Array.isArray(body) &&
          body.status_code === response.status && typeof body.error === 'string' && body.error.length > 0;
        if (!shaped) failures.push(`off-contract ${response.status} ${what}: ${response.text.slice(0, 200)}`);
      }
    }

    for (const operation of operations) {
      const params = [...operation.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
      const realPath = (override?: [string, string]) =>
        operation.path.replace(/\{(\w+)\}/g, (_, name: string) => (override && override[0] === name ? override[1] : encodeURIComponent(pathValues(name)[0])));
      // Odd path segments, one parameter at a time, with an empty JSON object as body.
      for (const param of params) {
        for (const value of pathValues(param).slice(1)) {
          await check(operation.method, realPath([param, value]), operation.method === 'GET' ? {} : { rawBody: '{}', headers: { 'content-type': 'application/json' } });
        }
      }
      const path = realPath();
      if (operation.method === 'GET' || operation.method === 'DELETE') {
        for (const query of oddQueries()) await check(operation.method, `${path}?${query}`, {});
      }
      if (operation.method === 'GET') continue;
      for (const raw of RAW_BODIES) await check(operation.method, path, { rawBody: raw, headers: { 'content-type': 'application/json' } });
      await check(operation.method, path, { rawBody: 'a=b', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      // Each declared property set to each odd value, one at a time.
      for (const property of operation.properties) {
        for (const value of oddValues()) {
          await check(operation.method, path, { rawBody: JSON.stringify({ [property]: value }), headers: { 'content-type': 'application/json' } });
        }
        await check(operation.method, path, { rawBody: `{"${property}":${DEEP}}`, headers: { 'content-type': 'application/json' } });
      }
      if (operation.multipart) {
        const part = 'Content-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nhello';
        for (const [type, raw] of [
          ['multipart/form-data', `--abc\r\n${part}\r\n--abc--\r\n`],
          ['multipart/form-data; boundary=abc', `--xyz\r\n${part}\r\n--xyz--\r\n`],
          ['multipart/form-data; boundary=abc', `--abc\r\n${part}`],
          ['multipart/form-data; boundary=abc', 'garbage'],
          ['multipart/form-data; boundary=abc', `--abc\r\nContent-Disposition: form-data; name="project_name"\r\n\r\n\ud800\r\n--abc\r\n${part}\r\n--abc--\r\n`],
        ]) {
          await check(operation.method, path, { rawBody: raw, headers: { 'content-type': type } });
        }
      }
    }
    t.diagnostic(`${sent} requests over ${operations.length} operations`);
    assert.ok(sent > 2000, `only ${sent} requests were generated`);
    assert.deepEqual(failures, [], `${failures.length} of ${sent} requests failed:\n${failures.join('\n')}`);
  });
});
