/**
 * The malformed inputs a fuzz run over /openapi.json found answering 500 or outside the contract's
 * error shape (issue 18). Each now answers a 4xx `{status_code, error}` naming the problem.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.ts';
import { LIVE_KEY, useTestServer, type ApiResponse } from '../helpers/server.ts';
import { sendRaw } from '../helpers/raw-http.ts';
import { unique } from '../tasks/helpers.ts';

const json = { 'content-type': 'application/json' };

function nested(depth: number): string {
  return '['.repeat(depth) + '1' + ']'.repeat(depth);
}

function assertContractError(response: ApiResponse, status: number, message: RegExp): void {
  assert.equal(response.status, status, response.text);
  assert.deepEqual(Object.keys(response.body).sort(), ['error', 'status_code']);
  assert.equal(response.body.status_code, status);
  assert.match(response.body.error, message);
}

describeEachDatabase('Malformed input', (dialect) => {
  const server = useTestServer(dialect);

  it('answers 400 for JSON nested 5,000 levels deep in metadata, params, hypothesis and expected responses', async () => {
    const deep = nested(5000);
    const cases: Array<[string, string]> = [
      ['/v1/task/categorization', `{"attachment":"https://a/1.jpg","categories":["a"],"metadata":{"x":${deep}}}`],
      ['/v1/projects', `{"name":"${unique('deep')}","type":"categorization","params":{"x":${deep}}}`],
      ['/v1/task/imageannotation', `{"attachment":"https://a/1.jpg","geometries":{"box":{"objects_to_annotate":["car"]}},"hypothesis":{"annotations":${deep}}}`],
      ['/v1/evaluation_tasks/categorization', `{"attachment":"https://a/1.jpg","categories":["a"],"expected_response":${deep}}`],
    ];
    for (const [path, body] of cases) {
      assertContractError(await server.current.request('POST', path, { rawBody: body, headers: json }), 400, /more than 100 levels deep/);
    }
  });

  it('still takes JSON nested 100 levels deep', async () => {
    const response = await server.current.request('POST', '/v1/task/categorization', {
      rawBody: `{"attachment":"https://a/1.jpg","categories":["a"],"metadata":{"x":${nested(98)}}}`,
      headers: json,
    });
    assert.equal(response.status, 200, response.text);
  });

  it('answers 400 for malformed multipart bodies on files/upload: no boundary, wrong boundary, no closing boundary, garbage', async () => {
    const part = 'Content-Disposition: form-data; name="file"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nhello';
    const cases: Array<[string, string]> = [
      ['multipart/form-data', `--abc\r\n${part}\r\n--abc--\r\n`],
      ['multipart/form-data; boundary=abc', `--xyz\r\n${part}\r\n--xyz--\r\n`],
      ['multipart/form-data; boundary=abc', `--abc\r\n${part}`],
      ['multipart/form-data; boundary=abc', '\u0001\u0002 garbage'],
    ];
    for (const [type, body] of cases) {
      assertContractError(await server.current.request('POST', '/v1/files/upload', { rawBody: body, headers: { 'content-type': type } }), 400, /multipart\/form-data body is malformed/);
    }
    // The connection stays usable and a well-formed upload still works.
    const form = new FormData();
    form.append('file', new Blob(['hello'], { type: 'text/plain' }), 'a.txt');
    assert.equal((await server.current.request('POST', '/v1/files/upload', { rawBody: form })).status, 200);
  });

  it('answers 400 naming the field when a Studio group is renamed to a name with a lone surrogate', async () => {
    const project = unique('studio');
    assert.equal((await server.current.request('POST', '/v1/projects', { body: { name: project, type: 'imageannotation', studio: true } })).status, 200);
    assert.equal((await server.current.request('POST', `/v1/studio/projects/${project}/groups`, { body: { name: 'g1', emails: [] } })).status, 200);
    const renamed = await server.current.request('PATCH', `/app/api/studio/projects/${project}/groups/g1`, { rawBody: '{"name":"\\ud800x"}', headers: json });
    assertContractError(renamed, 400, /'name'.*lone UTF-16 surrogate/);
    const lowAlone = await server.current.request('POST', '/v1/task/categorization', { rawBody: '{"attachment":"https://a/1.jpg","categories":["\\udc00"]}', headers: json });
    assertContractError(lowAlone, 400, /'categories\[0\]'/);
    const pair = await server.current.request('POST', '/v1/task/categorization', { rawBody: '{"attachment":"https://a/1.jpg","categories":["\\ud83d\\ude00"]}', headers: json });
    assert.equal(pair.status, 200, 'a surrogate pair is an ordinary character');
  });

  it('answers errors raised before routing in the contract shape: a raw byte over 0x7f in the URL (400), a URL over 16 KB (431)', async () => {
    const authorization = `Basic ${Buffer.from(`${LIVE_KEY}:`).toString('base64')}`;
    const rawByte = await sendRaw(
      server.current.url,
      Buffer.concat([Buffer.from('GET /v1/projects/caf'), Buffer.from([0xc3, 0xa9]), Buffer.from(` HTTP/1.1\r\nHost: x\r\nAuthorization: ${authorization}\r\nConnection: close\r\n\r\n`)]),
    );
    assert.equal(rawByte.status, 400);
    assert.match(rawByte.headers['content-type'], /^application\/json; charset=utf-8/);
    const rawBody = JSON.parse(rawByte.body);
    assert.deepEqual(Object.keys(rawBody).sort(), ['error', 'status_code']);
    assert.equal(rawBody.status_code, 400);
    assert.match(rawBody.error, /percent-encode/);

    const long = await sendRaw(server.current.url, `GET /v1/projects/${'a'.repeat(17_000)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    assert.equal(long.status, 431);
    const longBody = JSON.parse(long.body);
    assert.deepEqual(longBody, { status_code: 431, error: longBody.error });
    assert.match(longBody.error, /16 KB/);
  });
});
