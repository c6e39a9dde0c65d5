import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ScaleDuplicateResource, ScaleInvalidRequest, ScaleResourceNotFound, ScaleUnauthorized, TaskType } from '../../src/index.ts';
import { LIVE_KEY, describeEachDatabase, uniqueName, useSdkServer } from '../helpers/server.ts';

describeEachDatabase('SDK projects against a real server', (dialect) => {
  const api = useSdkServer(dialect);

  it('createProject stores params as version 0 and getProject reads it back by a name with spaces and slashes', async () => {
    const name = uniqueName('kittens é+');
    const created = await api.current.live.createProject({ projectName: name, taskType: TaskType.ImageAnnotation, params: { instruction: 'Box the kittens.' } });
    assert.equal(created.name, name);
    assert.equal(created.type, 'imageannotation');
    assert.equal(created.param_history.length, 1);
    assert.equal(created.param_history[0].version, 0);
    assert.equal(created.param_history[0].instruction, 'Box the kittens.');
    const fetched = await api.current.live.getProject(name);
    assert.equal(fetched.name, name);
    assert.deepEqual(fetched.param_history, created.param_history);
  });

  it('getProjects lists the projects of the environment as an array', async () => {
    const name = uniqueName('listed');
    await api.current.live.createProject({ projectName: name, taskType: TaskType.Categorization });
    const projects = await api.current.live.getProjects();
    assert.ok(Array.isArray(projects));
    assert.ok(projects.some((project) => project.name === name));
    const testProjects = await api.current.test.getProjects();
    assert.ok(!testProjects.some((project) => project.name === name), 'live projects must not show up with the test key');
  });

  it('updateProject appends a version, replacing or patching the parameters', async () => {
    const name = uniqueName('versions');
    await api.current.live.createProject({ projectName: name, taskType: TaskType.Categorization, params: { instruction: 'one', categories: ['a'] } });
    const replaced = await api.current.live.updateProject(name, { instruction: 'two' });
    assert.equal(replaced.param_history.at(-1)?.version, 1);
    assert.equal(replaced.param_history.at(-1)?.instruction, 'two');
    assert.equal(replaced.param_history.at(-1)?.categories, undefined);
    const patched = await api.current.live.updateProject(name, { patch: true, categories: ['b'] });
    assert.equal(patched.param_history.at(-1)?.version, 2);
    assert.equal(patched.param_history.at(-1)?.instruction, 'two');
    assert.deepEqual(patched.param_history.at(-1)?.categories, ['b']);
  });

  it('createProject throws ScaleDuplicateResource for a taken name and ScaleInvalidRequest for an unknown type', async () => {
    const name = uniqueName('taken');
    await api.current.live.createProject({ projectName: name, taskType: TaskType.Categorization });
    await assert.rejects(api.current.live.createProject({ projectName: name, taskType: TaskType.Categorization }), ScaleDuplicateResource);
    await assert.rejects(api.current.live.createProject({ projectName: uniqueName('bad'), taskType: 'nosuchtype' }), (error: ScaleInvalidRequest) => {
      assert.ok(error instanceof ScaleInvalidRequest);
      assert.equal(error.status, 400);
      assert.match(error.message, /type/);
      return true;
    });
  });

  it('getProject and getProjectTemplate throw ScaleResourceNotFound for an unknown project', async () => {
    await assert.rejects(api.current.live.getProject(uniqueName('missing')), ScaleResourceNotFound);
    await assert.rejects(api.current.live.getProjectTemplate(uniqueName('missing')), ScaleResourceNotFound);
  });

  it('getProjectTemplate answers ScaleResourceNotFound for a project without a template', async () => {
    const name = uniqueName('no template');
    await api.current.live.createProject({ projectName: name, taskType: TaskType.Categorization });
    await assert.rejects(api.current.live.getProjectTemplate(name), ScaleResourceNotFound);
  });

  it('throws ScaleUnauthorized with an unknown key', async () => {
    const stranger = api.current.client('live_ffffffffffffffffffffffffffffffff');
    await assert.rejects(stranger.getProjects(), (error: ScaleUnauthorized) => {
      assert.ok(error instanceof ScaleUnauthorized);
      assert.equal((error.body as { status_code: number }).status_code, 401);
      return true;
    });
  });

  it('works with a base URL without /v1 (the server also answers at the root)', async () => {
    const rootClient = api.current.client(LIVE_KEY, { baseUrl: api.current.server.url });
    const name = uniqueName('root');
    await rootClient.createProject({ projectName: name, taskType: TaskType.Categorization });
    assert.equal((await rootClient.getProject(name)).name, name);
  });
});
