import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.ts';
import { useTestServer } from '../helpers/server.ts';

function createBody(name: string, params: Record<string, unknown> | null = null, type = 'imageannotation') {
  return { type, name, params, rapid: false, studio: false, datasetId: null };
}

/** The entry without its created_at, to compare parameter content. */
function withoutTime(entry: Record<string, unknown>) {
  const { created_at: _createdAt, ...rest } = entry;
  return rest;
}

describeEachDatabase('v1 project parameter history', (dialect) => {
  const server = useTestServer(dialect);
  const post = (path: string, body?: unknown) => server.current.request('POST', path, { body });

  it('appends a version that holds exactly the request parameters when patch is absent (seed: patch defaults to false)', async () => {
    await post('/projects', createBody('cats', { instruction: 'label the cats in the image' }));
    const response = await post('/projects/cats/setParams', { objects_to_annotate: ['cat'] });
    assert.equal(response.status, 200);
    const history = response.body.param_history;
    assert.equal(history.length, 2);
    assert.deepEqual(withoutTime(history[0]), { instruction: 'label the cats in the image', version: 0 });
    assert.deepEqual(withoutTime(history[1]), { objects_to_annotate: ['cat'], version: 1 });
    assert.match(history[1].created_at, /Z$/);
  });

  it('merges over the previous version when patch is true, keeping the earlier instruction (seed example)', async () => {
    await post('/projects', createBody('cats-patch', { instruction: 'label the cats in the image' }));
    const response = await post('/projects/cats-patch/setParams', { objects_to_annotate: ['cat'], patch: true });
    assert.deepEqual(withoutTime(response.body.param_history.at(-1)), {
      instruction: 'label the cats in the image',
      objects_to_annotate: ['cat'],
      version: 1,
    });
  });

  it('reads patch leniently: "false" (as in Scale\'s own example) replaces, "true" merges, and patch is never stored', async () => {
    await post('/projects', createBody('lenient', { instruction: 'one', priority: 10 }));
    const replaced = await post('/projects/lenient/setParams', { priority: 20, patch: 'false' });
    assert.deepEqual(withoutTime(replaced.body.param_history.at(-1)), { priority: 20, version: 1 });
    const merged = await post('/projects/lenient/setParams', { instruction: 'two', patch: 'TRUE' });
    assert.deepEqual(withoutTime(merged.body.param_history.at(-1)), { priority: 20, instruction: 'two', version: 2 });
    for (const entry of merged.body.param_history) assert.equal('patch' in entry, false);
    const bad = await post('/projects/lenient/setParams', { instruction: 'three', patch: 'sometimes' });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error, /patch/);
  });

  it('merges shallowly: object and array values are replaced, never merged', async () => {
    await post('/projects', createBody('shallow', { geometries: { box: { objects_to_annotate: ['cat'], min_height: 10 } }, labels: ['a', 'b'] }));
    const response = await post('/projects/shallow/setParams', { geometries: { polygon: { objects_to_annotate: ['dog'] } }, labels: ['c'], patch: true });
    assert.deepEqual(withoutTime(response.body.param_history.at(-1)), {
      geometries: { polygon: { objects_to_annotate: ['dog'] } },
      labels: ['c'],
      version: 1,
    });
  });

  it('starts at version 0 when the history is empty, and an empty body appends an empty version', async () => {
    await post('/projects', createBody('empty-start'));
    const first = await server.current.request('POST', '/projects/empty-start/setParams', {
      rawBody: '',
      headers: { 'content-type': 'application/json', 'content-length': '0' },
    });
    assert.equal(first.status, 200, first.text);
    assert.deepEqual(withoutTime(first.body.param_history[0]), { version: 0 });
    const patched = await post('/projects/empty-start/setParams', { patch: true, instruction: 'hi' });
    assert.deepEqual(patched.body.param_history.map((entry: any) => entry.version), [0, 1]);
  });

  it('leaves earlier versions unchanged and GET shows the same history', async () => {
    await post('/projects', createBody('stable', { instruction: 'v0' }));
    const v0 = (await server.current.request('GET', '/projects/stable')).body.param_history[0];
    await post('/projects/stable/setParams', { instruction: 'v1' });
    await post('/projects/stable/setParams', { instruction: 'v2', patch: false });
    const read = await server.current.request('GET', '/projects/stable');
    assert.deepEqual(read.body.param_history[0], v0);
    assert.deepEqual(read.body.param_history.map((entry: any) => entry.instruction), ['v0', 'v1', 'v2']);
    assert.deepEqual(read.body.param_history.map((entry: any) => entry.version), [0, 1, 2]);
  });

  it('gives every concurrent setParams its own version', async () => {
    await post('/projects', createBody('concurrent'));
    const responses = await Promise.all(Array.from({ length: 8 }, (_, index) => post('/projects/concurrent/setParams', { n: index })));
    for (const response of responses) assert.equal(response.status, 200, response.text);
    const history = (await server.current.request('GET', '/projects/concurrent')).body.param_history;
    assert.deepEqual(history.map((entry: any) => entry.version), [0, 1, 2, 3, 4, 5, 6, 7]);
    assert.deepEqual(history.map((entry: any) => entry.n).sort(), [0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('rejects a setParams body that is not an object with 400', async () => {
    await post('/projects', createBody('array-body'));
    const response = await post('/projects/array-body/setParams', ['instruction']);
    assert.equal(response.status, 400);
    assert.equal(response.body.status_code, 400);
  });

  it('serves a task template only for textcollection and chat projects that define template_variables', async () => {
    await post('/projects', createBody('boxes', { instruction: 'x' }));
    const notSupported = await server.current.request('GET', '/projects/boxes/taskTemplates');
    assert.equal(notSupported.status, 404);
    assert.match(notSupported.body.error, /textcollection and chat/);

    await post('/projects', createBody('chatty', { instruction: 'talk' }, 'chat'));
    const none = await server.current.request('GET', '/v1/projects/chatty/taskTemplates');
    assert.equal(none.status, 404);
    assert.match(none.body.error, /template_variables/);

    const variables = { topic: { type: 'string', description: 'What to talk about' } };
    await post('/projects/chatty/setParams', { template_variables: variables, response_schema: { type: 'object' }, patch: true });
    await post('/projects/chatty/setParams', { instruction: 'talk more', patch: true });
    const template = await server.current.request('GET', '/projects/chatty/taskTemplates');
    assert.equal(template.status, 200, template.text);
    assert.deepEqual(template.body.template_variables, variables);
    assert.deepEqual(template.body.response_schema, { type: 'object' });
    assert.equal(template.body.version, 1, 'the version that introduced the current definition');
    assert.match(template.body.id, /^[A-Za-z0-9_-]+$/);
    assert.match(template.body.created_at, /Z$/);
    assert.match(template.body.updated_at, /Z$/);
    assert.equal('auto_onboard_enabled' in template.body, false);

    // A replacing setParams without template_variables removes the template.
    await post('/projects/chatty/setParams', { instruction: 'no template now' });
    assert.equal((await server.current.request('GET', '/projects/chatty/taskTemplates')).status, 404);
  });
});
