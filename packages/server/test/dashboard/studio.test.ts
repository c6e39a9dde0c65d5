import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.ts';
import { useTestServer } from '../helpers/server.ts';
import { createTask, validBody } from '../tasks/helpers.ts';
import { signIn } from '../session/helpers.ts';
import { PASSWORD, ok, signedIn, type Browser } from './helpers.ts';

const segment = (name: string) => encodeURIComponent(name);

describeEachDatabase('Studio management from the web UI', (dialect) => {
  const server = useTestServer(dialect);
  let manager: Browser;
  let labeler: Browser;
  let second: Browser;

  const STREETS = 'streets / night';
  const PETS = 'pets';

  const v1 = async (method: string, url: string, body?: unknown) => {
    const response = await server.current.request(method, url, { body });
    assert.equal(response.status, 200, `${method} ${url}: ${response.text}`);
    return response.body;
  };

  before(async () => {
    manager = await signedIn(server.current, `boss-${dialect}@example.com`, 'manager');
    labeler = await signedIn(server.current, `lab-${dialect}@example.com`, 'labeler');
    second = await signedIn(server.current, `lab2-${dialect}@example.com`, 'labeler');
    await v1('POST', '/v1/projects', { type: 'imageannotation', name: STREETS, studio: true });
    await v1('POST', '/v1/projects', { type: 'categorization', name: PETS, studio: true });
    await v1('POST', '/v1/batches', { project: STREETS, name: 'streets-w1' });
    await v1('POST', '/v1/batches', { project: STREETS, name: 'streets-w2' });
    await v1('POST', '/v1/batches', { project: PETS, name: 'pets-w1' });
  });

  it('refuses labelers on every Studio endpoint with a 403 in the error shape', async () => {
    const calls: Array<[string, string, unknown?]> = [
      ['GET', '/app/api/studio/assignments'],
      ['POST', '/app/api/studio/assignments/add', { emails: [labeler.email], projects: [STREETS] }],
      ['POST', '/app/api/studio/assignments/remove', { emails: [labeler.email], projects: [STREETS] }],
      ['GET', `/app/api/studio/projects/${segment(STREETS)}/groups`],
      ['POST', `/app/api/studio/projects/${segment(STREETS)}/groups`, { name: 'mine' }],
      ['PUT', `/app/api/studio/projects/${segment(STREETS)}/groups/mine`, { add_emails: [] }],
      ['GET', '/app/api/studio/batches'],
      ['PUT', '/app/api/studio/batches/streets-w1', { groups: [] }],
      ['POST', '/app/api/studio/batches/set_priorities', { batches: [] }],
      ['POST', '/app/api/studio/batches/reset_priorities', {}],
    ];
    for (const [method, path, body] of calls) {
      const response = await labeler.call(method, path, body);
      assert.equal(response.status, 403, `${method} ${path}: ${response.text}`);
      assert.deepEqual(response.body, {
        status_code: 403,
        error: 'This action needs one of the roles member, manager, admin; you are signed in as labeler.',
      });
    }
    assert.deepEqual(ok(await manager.call('GET', '/app/api/studio/assignments')).teammates.find((t: any) => t.email === labeler.email).projects, []);
  });

  it('needs the CSRF header on cookie-authenticated writes; an API key needs none', async () => {
    const { cookie } = await signIn(server.current, manager.email, PASSWORD);
    const noCsrf = await server.current.request('POST', '/app/api/studio/assignments/add', { key: null, body: { emails: [labeler.email], projects: [STREETS] }, headers: { cookie } });
    assert.equal(noCsrf.status, 403);
    assert.match(noCsrf.body.error, /x-csrf-token/);
    assert.equal((await server.current.request('GET', '/app/api/studio/batches', { key: null })).status, 401);
    const viaKey = await server.current.request('POST', '/app/api/studio/batches/reset_priorities', { body: {} });
    assert.equal(viaKey.status, 200, viaKey.text);
  });

  it('assigns and unassigns teammates, answering every teammate with their projects, as v1 sees it', async () => {
    const added = ok(await manager.call('POST', '/app/api/studio/assignments/add', { emails: [labeler.email, second.email], projects: [STREETS, PETS] }));
    const row = added.teammates.find((teammate: any) => teammate.email === labeler.email);
    assert.deepEqual(row, { id: labeler.userId, email: labeler.email, role: 'labeler', projects: [PETS, STREETS].sort() });
    assert.deepEqual(added.teammates.find((teammate: any) => teammate.email === manager.email).projects, []);
    assert.deepEqual((await v1('GET', '/v1/studio/assignments'))[labeler.email], [PETS, STREETS].sort());

    const removed = ok(await manager.call('POST', '/app/api/studio/assignments/remove', { emails: [second.email], projects: [PETS] }));
    assert.deepEqual(removed.teammates.find((teammate: any) => teammate.email === second.email).projects, [STREETS]);
    assert.deepEqual(ok(await manager.call('GET', '/app/api/studio/assignments')).teammates.find((t: any) => t.email === second.email).projects, [STREETS]);
  });

  it('refuses unknown emails and projects in a body with a 400 naming them, and changes nothing', async () => {
    const stranger = await manager.call('POST', '/app/api/studio/assignments/add', { emails: ['nobody@example.com'], projects: [PETS] });
    assert.equal(stranger.status, 400);
    assert.match(stranger.body.error, /'emails'.*nobody@example\.com/);
    const unknown = await manager.call('POST', '/app/api/studio/assignments/add', { emails: [second.email], projects: ['no such project'] });
    assert.equal(unknown.status, 400);
    assert.match(unknown.body.error, /'projects'.*no such project/);
    const missing = await manager.call('POST', '/app/api/studio/assignments/add', { emails: [second.email] });
    assert.equal(missing.status, 400);
    assert.match(missing.body.error, /'projects'/);
    assert.deepEqual(ok(await manager.call('GET', '/app/api/studio/assignments')).teammates.find((t: any) => t.email === second.email).projects, [STREETS]);
  });

  it('creates a group of assigned teammates, refuses unassigned ones and taken names, and changes its workers', async () => {
    const groups = `/app/api/studio/projects/${segment(STREETS)}/groups`;
    const unassigned = await manager.call('POST', groups, { name: 'night shift', emails: [manager.email] });
    assert.equal(unassigned.status, 400);
    assert.match(unassigned.body.error, /is not assigned to project "streets \/ night"/);

    const { group } = ok(await manager.call('POST', groups, { name: 'night shift', emails: [labeler.email] }));
    assert.equal(group.name, 'night shift');
    assert.equal(group.num_workers, 1);
    assert.equal(group.is_singleton, false);
    assert.deepEqual(group.workers, [{ id: labeler.userId, email: labeler.email }]);
    assert.ok(!Number.isNaN(Date.parse(group.created_at)));

    const taken = await manager.call('POST', groups, { name: 'night shift' });
    assert.equal(taken.status, 409);
    assert.match(taken.body.error, /already exists/);

    const updated = ok(await manager.call('PUT', `${groups}/${segment('night shift')}`, { add_emails: [second.email], remove_emails: [labeler.email] })).group;
    assert.deepEqual(updated.workers, [{ id: second.userId, email: second.email }]);
    const listed = ok(await manager.call('GET', groups)).groups;
    assert.deepEqual(listed.map((entry: any) => [entry.name, entry.num_workers]), [['night shift', 1]]);
    assert.deepEqual((await v1('GET', `/v1/studio/projects/${segment(STREETS)}/groups`))[0].workers, [{ id: second.userId, email: second.email }]);

    const unknownGroup = await manager.call('PUT', `${groups}/nope`, { add_emails: [] });
    assert.equal(unknownGroup.status, 404);
  });

  it('assigns groups to Studio batches and orders, reorders and resets their priorities', async () => {
    await manager.call('POST', `/app/api/studio/projects/${segment(STREETS)}/groups`, { name: 'day shift' });
    const listed = ok(await manager.call('GET', '/app/api/studio/batches')).batches;
    assert.deepEqual(listed.map((batch: any) => batch.name), ['streets-w1', 'streets-w2', 'pets-w1']);
    assert.deepEqual(Object.keys(listed[0]).sort(), ['completed', 'created_at', 'groups', 'id', 'name', 'project', 'project_id', 'status', 'total'].sort());
    assert.equal(listed[0].project, STREETS);

    const { batch } = ok(await manager.call('PUT', '/app/api/studio/batches/streets-w2', { groups: ['night shift', 'day shift'] }));
    assert.deepEqual(batch.groups, ['night shift', 'day shift']);
    const wrongGroup = await manager.call('PUT', '/app/api/studio/batches/pets-w1', { groups: ['night shift'] });
    assert.equal(wrongGroup.status, 400);
    assert.match(wrongGroup.body.error, /project "pets" has no group named "night shift"/);

    const ordered = ok(await manager.call('POST', '/app/api/studio/batches/set_priorities', { batches: ['pets-w1', { name: 'streets-w2' }, 'streets-w1'] })).batches;
    assert.deepEqual(ordered.map((entry: any) => [entry.name, entry.studio_priority]), [['pets-w1', 1], ['streets-w2', 2], ['streets-w1', 3]]);
    assert.deepEqual((await v1('GET', '/v1/studio/batches')).map((entry: any) => entry.name), ['pets-w1', 'streets-w2', 'streets-w1']);

    const incomplete = await manager.call('POST', '/app/api/studio/batches/set_priorities', { batches: ['streets-w1'] });
    assert.equal(incomplete.status, 400);
    assert.match(incomplete.body.error, /missing "pets-w1", "streets-w2"/);

    const reset = ok(await manager.call('POST', '/app/api/studio/batches/reset_priorities', {})).batches;
    assert.deepEqual(reset.map((entry: any) => [entry.name, entry.studio_priority]), [['streets-w1', undefined], ['streets-w2', undefined], ['pets-w1', undefined]]);
  });

  it("answers 404 for another account's project and batch in a path, and 400 for its project in a body", async () => {
    const other = await server.current.createAccount();
    const theirs = await server.current.request('POST', '/v1/projects', { key: other.liveKey, body: { type: 'imageannotation', name: 'their project', studio: true } });
    assert.equal(theirs.status, 200, theirs.text);
    assert.equal((await server.current.request('POST', '/v1/batches', { key: other.liveKey, body: { project: 'their project', name: 'their batch' } })).status, 200);

    const groups = await manager.call('GET', `/app/api/studio/projects/${segment('their project')}/groups`);
    assert.equal(groups.status, 404);
    assert.deepEqual(groups.body, { status_code: 404, error: 'No project named "their project".' });
    assert.equal((await manager.call('POST', `/app/api/studio/projects/${segment('their project')}/groups`, { name: 'x' })).status, 404);
    assert.equal((await manager.call('PUT', '/app/api/studio/batches/their%20batch', { groups: [] })).status, 404);
    const assign = await manager.call('POST', '/app/api/studio/assignments/add', { emails: [labeler.email], projects: ['their project'] });
    assert.equal(assign.status, 400);
    assert.ok(!ok(await manager.call('GET', '/app/api/studio/batches')).batches.some((batch: any) => batch.name === 'their batch'));
  });

  it('describes the Studio app endpoints in the OpenAPI document', async () => {
    const document = (await server.current.request('GET', '/openapi.json', { key: null })).body;
    for (const [route, method] of [
      ['/app/api/studio/assignments', 'get'],
      ['/app/api/studio/assignments/add', 'post'],
      ['/app/api/studio/projects/{project}/groups/{group}', 'put'],
      ['/app/api/studio/batches/set_priorities', 'post'],
      ['/app/api/admin/teammates/unlock', 'post'],
      ['/app/api/admin/teammates/reset_password', 'post'],
    ]) {
      assert.ok(document.paths[route]?.[method]?.summary, `${method} ${route}`);
    }
  });

  it('lets a teammate assigned on the page take a task of that project from the queue', async () => {
    await v1('POST', '/v1/projects', { type: 'categorization', name: 'queue-check' });
    const task = await createTask(server.current, 'categorization', { ...validBody('categorization'), project: 'queue-check' });
    const before = await labeler.call('GET', '/app/api/queue/next?kind=label&project=queue-check');
    assert.equal(before.status, 403, before.text);
    ok(await manager.call('POST', '/app/api/studio/assignments/add', { emails: [labeler.email], projects: ['queue-check'] }));
    const next = ok(await labeler.call('GET', '/app/api/queue/next?kind=label&project=queue-check'));
    assert.equal(next.assignment.task.task_id, task.task_id);
    assert.equal(next.assignment.task.project, 'queue-check');
  });
});
