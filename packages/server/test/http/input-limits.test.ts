import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.ts';
import { useTestServer, type ApiResponse } from '../helpers/server.ts';
import { unique, validBody } from '../tasks/helpers.ts';

/** A 400 in the contract's shape whose message names `field`. */
function assertRefused(response: ApiResponse, field: string | RegExp): void {
  assert.equal(response.status, 400, response.text);
  assert.equal(response.body.status_code, 400);
  if (typeof field === 'string') assert.ok(response.body.error.includes(`'${field}'`), `expected '${field}' in: ${response.body.error}`);
  else assert.match(response.body.error, field);
}

// The same answer on both databases (docs/tasks.md "Limits on input"): PostgreSQL cannot store a NUL
// character, integers beyond its column types, or index rows above about 2.7 KB, so these are
// refused before they reach either database.
describeEachDatabase('input limits', (dialect) => {
  const server = useTestServer(dialect);

  it('refuses a NUL character in a path segment with 400 naming the parameter', async () => {
    assertRefused(await server.current.request('GET', '/v1/task/a%00b'), 'id');
    assertRefused(await server.current.request('GET', '/v1/projects/a%00b'), 'name');
  });

  it('refuses a NUL character in a query parameter with 400 naming it', async () => {
    assertRefused(await server.current.request('GET', '/v1/tasks?project=a%00b'), 'project');
  });

  it('refuses a NUL character anywhere in a JSON body with 400 naming the field', async () => {
    assertRefused(await server.current.request('POST', '/v1/projects', { body: { type: 'imageannotation', name: 'a\u0000b' } }), 'name');
    const body = { ...validBody('imageannotation'), metadata: { notes: ['fine', 'not\u0000fine'] } };
    assertRefused(await server.current.request('POST', '/v1/task/imageannotation', { body }), 'metadata.notes[1]');
    const key = { ...validBody('imageannotation'), metadata: { 'a\u0000': 1 } };
    assertRefused(await server.current.request('POST', '/v1/task/imageannotation', { body: key }), /NUL/);
  });

  it('refuses integers beyond the column range with 400 naming the field', async () => {
    const name = unique('big-ints');
    assertRefused(await server.current.request('POST', '/v1/projects', { body: { type: 'imageannotation', name, consensus_attempts: 1e308 } }), 'consensus_attempts');
    const huge = `{"attachment":"https://a/1.jpg","geometries":{"box":{"objects_to_annotate":["a"]}},"priority":18446744073709551616}`;
    assertRefused(await server.current.request('POST', '/v1/task/imageannotation', { rawBody: huge, headers: { 'content-type': 'application/json' } }), 'priority');
    assertRefused(await server.current.request('POST', '/v1/task/imageannotation', { body: { ...validBody('imageannotation'), project_version: 2 ** 31 } }), 'project_version');
    assertRefused(await server.current.request('GET', '/v1/tasks?offset=18446744073709551616'), 'offset');
  });

  it('refuses an indexed string longer than 500 characters with 400 naming the field, and takes 500', async () => {
    const long = 'u'.repeat(300_000);
    assertRefused(await server.current.request('POST', '/v1/task/imageannotation', { body: { ...validBody('imageannotation'), unique_id: long } }), 'unique_id');
    assertRefused(await server.current.request('POST', '/v1/task/imageannotation', { body: { ...validBody('imageannotation'), tags: ['ok', 't'.repeat(501)] } }), 'tags[1]');
    assertRefused(await server.current.request('POST', '/v1/projects', { body: { type: 'imageannotation', name: 'p'.repeat(501) } }), 'name');
    const project = unique('limits');
    assert.equal((await server.current.request('POST', '/v1/projects', { body: { type: 'imageannotation', name: project } })).status, 200);
    assertRefused(await server.current.request('POST', '/v1/batches', { body: { project, name: 'b'.repeat(501) } }), 'name');
    // Three bytes each in UTF-8, the most per counted character: 500 still fit both databases' indexes.
    const widest = '\u4e2d'.repeat(500);
    const created = await server.current.request('POST', '/v1/task/imageannotation', { body: { ...validBody('imageannotation'), unique_id: widest, tags: ['x'.repeat(500)] } });
    assert.equal(created.status, 200, created.text);
    assert.equal(created.body.unique_id, widest);
  });
});
