import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.ts';
import { useTestServer } from '../helpers/server.ts';

/**
 * Names reach the server percent-encoded in one path segment with nothing left safe (Python's
 * `quote(name, safe="")`, which encodeURIComponent matches for these names except that it leaves
 * `!'()*` alone). The router splits only at literal `/` and decodes each segment exactly once.
 */
const NAMES = [
  'b 1/x',
  'a/b/c',
  'trailing/',
  '/leading',
  'double//slash',
  '50% done',
  'literal %2F text',
  'percent %25 twice',
  'a+b',
  'a + b = c',
  'café ünïcødé ✓ 日本語',
  'emoji 🏷️ batch',
  'question? hash# amp& eq=',
  'semi;colon',
  'task/in/name',
];

/** Python's quote(text, safe=''): every reserved character is encoded, `+` as %2B, space as %20. */
function quote(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

describeEachDatabase('v1 routing of percent-encoded project and batch names', (dialect) => {
  const server = useTestServer(dialect);

  before(async () => {
    for (const name of NAMES) {
      const project = await server.current.request('POST', '/projects', { body: { type: 'imageannotation', name, params: null } });
      assert.equal(project.status, 200, `${name}: ${project.text}`);
      const batch = await server.current.request('POST', '/batches', { body: { project: name, name, callback: '' } });
      assert.equal(batch.status, 200, `${name}: ${batch.text}`);
    }
  });

  for (const prefix of ['', '/v1', '/v1/', '//']) {
    it(`finds every name under the prefix "${prefix}" on project, batch and batch sub-resource paths`, async () => {
      for (const name of NAMES) {
        const segment = quote(name);
        const project = await server.current.request('GET', `${prefix}/projects/${segment}`);
        assert.equal(project.status, 200, `project ${name}: ${project.text}`);
        assert.equal(project.body.name, name);
        const batch = await server.current.request('GET', `${prefix}/batches/${segment}`);
        assert.equal(batch.status, 200, `batch ${name}: ${batch.text}`);
        assert.equal(batch.body.name, name);
        assert.equal(batch.body.project, name);
        const status = await server.current.request('GET', `${prefix}/batches/${segment}/status`);
        assert.equal(status.status, 200, `status ${name}: ${status.text}`);
        assert.equal(status.body.status, 'in_progress');
      }
    });
  }

  it('decodes a segment exactly once: %252F is the literal text %2F, not a slash', async () => {
    const once = await server.current.request('GET', `/batches/${quote('literal %2F text')}`);
    assert.equal(once.body.name, 'literal %2F text');
    // The same characters encoded only once name the batch with a real slash, which does not exist.
    const slash = await server.current.request('GET', '/batches/literal%20%2F%20text');
    assert.equal(slash.status, 404);
    assert.match(slash.body.error, /"literal \/ text"/);
  });

  it('keeps a + in a path as a literal plus, never a space', async () => {
    const plus = await server.current.request('GET', '/batches/a+b');
    assert.equal(plus.status, 200);
    assert.equal(plus.body.name, 'a+b');
    const encoded = await server.current.request('GET', '/batches/a%2Bb');
    assert.equal(encoded.body.name, 'a+b');
    const spaced = await server.current.request('GET', '/projects/a%20+%20b%20=%20c');
    assert.equal(spaced.body.name, 'a + b = c');
  });

  it('keeps %2F inside one segment on POST sub-resources (finalize, setMetadata, setParams, prioritize)', async () => {
    const segment = quote('b 1/x');
    const finalized = await server.current.request('POST', `/v1/batches/${segment}/finalize`);
    assert.equal(finalized.status, 200);
    assert.equal(finalized.body.name, 'b 1/x');
    const meta = await server.current.request('POST', `//batches/${segment}/setMetadata`, { body: { k: 'v' } });
    assert.deepEqual(meta.body.metadata, { k: 'v' });
    const prioritized = await server.current.request('POST', `/batches/${segment}/prioritize`, { body: { priority: 20 } });
    assert.deepEqual(prioritized.body, { result: 'success' });
    const params = await server.current.request('POST', `/v1//projects/${segment}/setParams`, { body: { instruction: 'x' } });
    assert.equal(params.status, 200);
    assert.equal(params.body.name, 'b 1/x');
  });

  it('does not route an encoded slash as a path separator (a/status is a name, not the status route)', async () => {
    const response = await server.current.request('GET', '/batches/a%2Fstatus');
    assert.equal(response.status, 404);
    assert.match(response.body.error, /"a\/status"/);
  });

  it('answers a malformed percent escape with a 400 in the error shape', async () => {
    const response = await server.current.request('GET', '/batches/%ZZ');
    assert.equal(response.status, 400, response.text);
    assert.equal(response.body.status_code, 400);
    assert.equal(typeof response.body.error, 'string');
  });
});
