/**
 * Renaming and deleting project groups from the dashboard (app API only; v1 has no such calls):
 * a rename keeps the group's workers and the batches assigned to it, a delete is refused while a
 * batch that may still run is assigned to the group, and the work queue follows both.
 */
import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.ts';
import { useTestServer, type ApiResponse } from '../helpers/server.ts';
import { addWorkers, assign, categorization, createBatch, createProject, createTask, next, unique, type TestWorker } from '../queue/helpers.ts';

const segment = encodeURIComponent;

describeEachDatabase('Renaming and deleting Studio groups from the dashboard', (dialect) => {
  const server = useTestServer(dialect, { TAGWRIGHT_GOLD_RATE: '0' });
  let manager: TestWorker;
  let ana: TestWorker;
  let ben: TestWorker;
  let outsider: TestWorker;
  let labelerCaller: TestWorker;

  /** One app API call as a signed-in teammate (cookie and CSRF header, like the browser). */
  const app = (worker: TestWorker, method: string, path: string, body?: unknown): Promise<ApiResponse> =>
    server.current.request(method, `/app/api${path}`, { key: null, body, headers: { cookie: worker.cookie, 'x-csrf-token': worker.csrfToken } });
  const ok = async (worker: TestWorker, method: string, path: string, body?: unknown) => {
    const response = await app(worker, method, path, body);
    assert.equal(response.status, 200, `${method} ${path}: ${response.text}`);
    return response.body;
  };
  const v1 = async (method: string, path: string, body?: unknown) => {
    const response = await server.current.request(method, `/v1${path}`, { body });
    assert.equal(response.status, 200, `${method} ${path}: ${response.text}`);
    return response.body;
  };
  const groupsPath = (project: string) => `/studio/projects/${segment(project)}/groups`;
  const groupPath = (project: string, group: string) => `${groupsPath(project)}/${segment(group)}`;

  /** A Studio project with ana, ben and the outsider assigned to it. */
  async function studioProject(prefix: string): Promise<string> {
    const project = unique(prefix);
    await createProject(server.current, { type: 'categorization', name: project, studio: true });
    await assign(server.current, [ana, ben, outsider], [project]);
    return project;
  }

  /** A running batch of the project with one task, worked by these groups. */
  async function groupedBatch(project: string, groups: string[]): Promise<{ batch: string; taskId: string }> {
    const batch = unique('batch');
    await createBatch(server.current, project, batch);
    const task = await createTask(server.current, 'categorization', categorization(project, { batch }));
    await ok(manager, 'PUT', `/studio/batches/${segment(batch)}`, { groups });
    await v1('POST', `/batches/${segment(batch)}/finalize`);
    return { batch, taskId: task.task_id };
  }

  const nextIn = async (worker: TestWorker, project: string) => (await next(server.current, worker, `kind=label&project=${segment(project)}`))?.task.task_id ?? null;

  before(async () => {
    [manager] = await addWorkers(server.current, 1, 'manager', 'manager');
    [ana, ben, outsider, labelerCaller] = await addWorkers(server.current, 4, 'labeler');
  });

  it('renames a group, keeping its id, its workers and the batches assigned to it, and the queue still follows it', async () => {
    const project = await studioProject('rename');
    const created = (await ok(manager, 'POST', groupsPath(project), { name: 'nite shift', emails: [ana.email] })).group;
    const { batch, taskId } = await groupedBatch(project, ['nite shift']);

    const { group } = await ok(manager, 'PATCH', groupPath(project, 'nite shift'), { name: 'night shift / 2%' });
    assert.equal(group.id, created.id);
    assert.equal(group.name, 'night shift / 2%');
    assert.deepEqual(group.workers, [{ id: ana.id, email: ana.email }]);

    const listed = (await v1('GET', '/studio/batches')).find((entry: any) => entry.name === batch);
    assert.deepEqual(listed.groups, ['night shift / 2%']);
    const groups = await v1('GET', groupsPath(project));
    assert.deepEqual(groups.map((entry: any) => [entry.id, entry.name, entry.numWorkers]), [[created.id, 'night shift / 2%', 1]]);
    assert.equal((await app(manager, 'PUT', groupPath(project, 'nite shift'), { add_emails: [] })).status, 404, 'the old name is gone');
    assert.equal((await ok(manager, 'PUT', groupPath(project, 'night shift / 2%'), { add_emails: [ben.email] })).group.num_workers, 2, 'the new name addresses the group');

    assert.equal(await nextIn(outsider, project), null, 'the batch is still closed to non-members');
    assert.equal(await nextIn(ana, project), taskId);
  });

  it('answers 409 in the error shape when the new name is taken in the project, allows a name used in another project, and accepts its own name', async () => {
    const project = await studioProject('taken');
    const other = await studioProject('elsewhere');
    await ok(manager, 'POST', groupsPath(project), { name: 'day', emails: [ana.email] });
    await ok(manager, 'POST', groupsPath(project), { name: 'night', emails: [ben.email] });
    await ok(manager, 'POST', groupsPath(other), { name: 'evening' });

    const taken = await app(manager, 'PATCH', groupPath(project, 'day'), { name: 'night' });
    assert.equal(taken.status, 409);
    assert.deepEqual(taken.body, { status_code: 409, error: `A group named "night" already exists in project "${project}".` });
    const names = (await ok(manager, 'GET', groupsPath(project))).groups.map((entry: any) => [entry.name, entry.workers.map((worker: any) => worker.email)]);
    assert.deepEqual(names, [['day', [ana.email]], ['night', [ben.email]]], 'nothing changed');

    assert.equal((await ok(manager, 'PATCH', groupPath(project, 'day'), { name: 'evening' })).group.name, 'evening');
    const same = await ok(manager, 'PATCH', groupPath(project, 'night'), { name: 'night' });
    assert.deepEqual(same.group.workers, [{ id: ben.id, email: ben.email }]);
  });

  it('answers 400 naming the field for a blank, missing or too long name, on rename and on create', async () => {
    const project = await studioProject('names');
    await ok(manager, 'POST', groupsPath(project), { name: 'crew' });
    const cases: Array<[unknown, RegExp]> = [
      [{ name: '' }, /Missing required parameter 'name'/],
      [{ name: '   ' }, /Missing required parameter 'name'/],
      [{ name: null }, /Missing required parameter 'name'/],
      [{}, /name/],
      [{ name: 'x'.repeat(101) }, /Invalid value for 'name': a group name has at most 100 characters; this one has 101/],
    ];
    for (const [body, message] of cases) {
      const response = await app(manager, 'PATCH', groupPath(project, 'crew'), body);
      assert.equal(response.status, 400, JSON.stringify(body));
      assert.equal(response.body.status_code, 400);
      assert.match(response.body.error, message);
    }
    const tooLong = await app(manager, 'POST', groupsPath(project), { name: 'y'.repeat(101) });
    assert.equal(tooLong.status, 400);
    assert.match(tooLong.body.error, /at most 100 characters/);

    const longest = 'z'.repeat(100);
    assert.equal((await ok(manager, 'PATCH', groupPath(project, 'crew'), { name: longest })).group.name, longest);
    assert.equal((await ok(manager, 'PUT', groupPath(project, longest), { add_emails: [ana.email] })).group.num_workers, 1, 'the longest name is still addressable in a path');
  });

  it('refuses to delete a group while a batch is assigned to it, naming the batch, and deletes it once the batch is taken off; the queue no longer uses it', async () => {
    const project = await studioProject('delete');
    const doomed = (await ok(manager, 'POST', groupsPath(project), { name: 'doomed', emails: [ana.email] })).group;
    await ok(manager, 'POST', groupsPath(project), { name: 'kept', emails: [ben.email] });
    const { batch, taskId } = await groupedBatch(project, ['doomed', 'kept']);

    const refused = await app(manager, 'DELETE', groupPath(project, 'doomed'));
    assert.equal(refused.status, 409);
    assert.equal(refused.body.status_code, 409);
    assert.equal(
      refused.body.error,
      `Group "doomed" cannot be deleted: batch "${batch}" is still assigned to it, and deleting it would open that batch to every labeler of project "${project}". Take the group off that batch first.`,
    );
    assert.deepEqual(refused.body.batches, [batch]);
    const still = (await ok(manager, 'GET', groupsPath(project))).groups;
    assert.deepEqual(still.map((entry: any) => [entry.id, entry.num_workers]), [[doomed.id, 1], [still[1].id, 1]]);

    await ok(manager, 'PUT', `/studio/batches/${segment(batch)}`, { groups: ['kept'] });
    const { groups } = await ok(manager, 'DELETE', groupPath(project, 'doomed'));
    assert.deepEqual(groups.map((entry: any) => entry.name), ['kept']);
    assert.deepEqual((await v1('GET', groupsPath(project))).map((entry: any) => entry.name), ['kept']);
    assert.equal((await app(manager, 'DELETE', groupPath(project, 'doomed'))).status, 404, 'a deleted group is unknown');

    // A new group of the same name is another group: the batch was never given to it.
    await ok(manager, 'POST', groupsPath(project), { name: 'doomed', emails: [ana.email] });
    assert.deepEqual((await v1('GET', '/studio/batches')).find((entry: any) => entry.name === batch).groups, ['kept']);
    assert.equal(await nextIn(ana, project), null, "the deleted group's former member gets nothing");
    assert.equal(await nextIn(outsider, project), null, 'the batch did not open to everyone');
    assert.equal(await nextIn(ben, project), taskId);
  });

  it('refuses to delete a group assigned to a completed batch (which reopens when tasks are added), but deletes one only cancelled batches had', async () => {
    const project = await studioProject('finished');
    await ok(manager, 'POST', groupsPath(project), { name: 'done crew', emails: [ana.email] });
    await ok(manager, 'POST', groupsPath(project), { name: 'gone crew', emails: [ben.email] });
    const completed = await groupedBatch(project, ['done crew']);
    const cancelled = await groupedBatch(project, ['gone crew']);
    const kysely = server.current.server.services.db.kysely;
    await kysely.updateTable('batches').set({ status: 'completed' }).where('name', '=', completed.batch).execute();
    const cancel = await server.current.request('POST', '/v2/batch/cancel', { body: { batch_name: cancelled.batch } });
    assert.equal(cancel.status, 200, cancel.text);

    const refused = await app(manager, 'DELETE', groupPath(project, 'done crew'));
    assert.equal(refused.status, 409, refused.text);
    assert.deepEqual(refused.body.batches, [completed.batch]);

    const { groups } = await ok(manager, 'DELETE', groupPath(project, 'gone crew'));
    assert.deepEqual(groups.map((entry: any) => entry.name), ['done crew']);
    await ok(manager, 'PUT', `/studio/batches/${segment(completed.batch)}`, { groups: [] });
    assert.deepEqual((await ok(manager, 'DELETE', groupPath(project, 'done crew'))).groups, []);
  });

  it('names the first ten batches and counts the rest when many are assigned', async () => {
    const project = await studioProject('many');
    await ok(manager, 'POST', groupsPath(project), { name: 'busy' });
    const names: string[] = [];
    for (let index = 0; index < 12; index++) {
      const batch = `${unique('b')}-${String(index).padStart(2, '0')}`;
      await createBatch(server.current, project, batch);
      await ok(manager, 'PUT', `/studio/batches/${segment(batch)}`, { groups: ['busy'] });
      names.push(batch);
    }
    const refused = await app(manager, 'DELETE', groupPath(project, 'busy'));
    assert.equal(refused.status, 409);
    assert.deepEqual(refused.body.batches, names.slice(0, 10));
    assert.match(refused.body.error, /batches .* and 2 more are still assigned to it/);
  });

  it('refuses labelers (403), other accounts (404), unknown groups (404) and cookie writes without the CSRF header (403)', async () => {
    const project = await studioProject('roles');
    const elsewhere = await studioProject('roles-other');
    await ok(manager, 'POST', groupsPath(project), { name: 'crew', emails: [ana.email] });
    await ok(manager, 'POST', groupsPath(elsewhere), { name: 'their crew' });

    for (const [method, body] of [['PATCH', { name: 'renamed' }], ['DELETE', undefined]] as const) {
      const labeler = await app(labelerCaller, method, groupPath(project, 'crew'), body);
      assert.equal(labeler.status, 403, `${method}: ${labeler.text}`);
      assert.deepEqual(labeler.body, { status_code: 403, error: 'This action needs one of the roles member, manager, admin; you are signed in as labeler.' });

      const noCsrf = await server.current.request(method, `/app/api${groupPath(project, 'crew')}`, { key: null, body, headers: { cookie: manager.cookie } });
      assert.equal(noCsrf.status, 403, `${method} without CSRF`);
      assert.match(noCsrf.body.error, /x-csrf-token/);
      assert.equal((await server.current.request(method, `/app/api${groupPath(project, 'crew')}`, { key: null, body })).status, 401, `${method} signed out`);

      const otherProjectsGroup = await app(manager, method, groupPath(project, 'their crew'), body);
      assert.equal(otherProjectsGroup.status, 404);
      assert.deepEqual(otherProjectsGroup.body, { status_code: 404, error: `No group named "their crew" in project "${project}".` });
    }

    const other = await server.current.createAccount();
    const theirs = unique('theirs');
    assert.equal((await server.current.request('POST', '/v1/projects', { key: other.liveKey, body: { type: 'categorization', name: theirs, studio: true } })).status, 200);
    assert.equal((await server.current.request('POST', `/v1${groupsPath(theirs)}`, { key: other.liveKey, body: { name: 'crew' } })).status, 200);
    for (const [method, body] of [['PATCH', { name: 'mine now' }], ['DELETE', undefined]] as const) {
      const response = await app(manager, method, groupPath(theirs, 'crew'), body);
      assert.equal(response.status, 404, method);
      assert.deepEqual(response.body, { status_code: 404, error: `No project named "${theirs}".` });
    }
    const theirGroups = await server.current.request('GET', `/v1${groupsPath(theirs)}`, { key: other.liveKey });
    assert.deepEqual(theirGroups.body.map((entry: any) => entry.name), ['crew'], "the other account's group is untouched");
    assert.deepEqual((await ok(manager, 'GET', groupsPath(project))).groups.map((entry: any) => entry.name), ['crew']);
  });

  it('adds no v1 rename or delete, and describes both app endpoints in the OpenAPI document', async () => {
    const project = await studioProject('openapi');
    await ok(manager, 'POST', groupsPath(project), { name: 'crew' });
    assert.equal((await server.current.request('DELETE', `/v1${groupPath(project, 'crew')}`)).status, 404);
    assert.equal((await server.current.request('PATCH', `/v1${groupPath(project, 'crew')}`, { body: { name: 'x' } })).status, 404);
    const document = (await server.current.request('GET', '/openapi.json', { key: null })).body;
    const route = document.paths['/app/api/studio/projects/{project}/groups/{group}'];
    assert.ok(route?.patch?.summary, 'patch');
    assert.ok(route?.delete?.summary, 'delete');
    const v1Route = document.paths['/studio/projects/{project}/groups/{group}'];
    assert.ok(v1Route?.put, 'the v1 route is described');
    assert.equal(v1Route.delete, undefined);
    assert.equal(v1Route.patch, undefined);
  });
});
