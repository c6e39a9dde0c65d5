import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.ts';
import { useTestServer, TEST_KEY, type TestServer } from '../helpers/server.ts';
import { newId } from '../../src/domain/ids.ts';

const path = (name: string) => encodeURIComponent(name);

async function ok(server: TestServer, method: string, url: string, body?: unknown, key?: string) {
  const response = await server.request(method, url, { body, key });
  assert.equal(response.status, 200, `${method} ${url}: ${response.text}`);
  return response.body;
}

/** Adds `count` tasks with this status to a batch (task creation is another area's; the counts are what is under test). */
async function addTasks(server: TestServer, batchName: string, status: 'pending' | 'completed' | 'canceled', count: number): Promise<void> {
  const kysely = server.server.services.db.kysely;
  const batch = await kysely.selectFrom('batches').selectAll().where('name', '=', batchName).executeTakeFirstOrThrow();
  const now = Date.now();
  const rows = Array.from({ length: count }, () => ({
    id: newId(),
    account_id: batch.account_id,
    environment: batch.environment,
    project_id: batch.project_id,
    batch_id: batch.id,
    type: 'imageannotation',
    status,
    work_state: status === 'pending' ? ('queued' as const) : status,
    instruction: null,
    params: '{}',
    callback_url: null,
    callback_succeeded: null,
    response: status === 'completed' ? '{}' : null,
    metadata: '{}',
    unique_id: null,
    tags: null,
    priority: null,
    project_param_version: null,
    customer_review_status: null,
    customer_review_comments: null,
    prior_responses: null,
    audits: null,
    created_at: now,
    updated_at: now,
    completed_at: status === 'completed' ? now : null,
  }));
  await kysely.insertInto('tasks').values(rows).execute();
}

describeEachDatabase('Studio API', (dialect) => {
  const server = useTestServer(dialect);
  const call = (method: string, url: string, body?: unknown, key?: string) => server.current.request(method, url, { body, key });

  const STUDIO = 'Studio one';
  const ODD = 'odd name / 100% + más';

  before(async () => {
    await ok(server.current, 'POST', '/teams/invite', { emails: ['lab1@example.com', 'lab2@example.com', 'lab3@example.com'], team_role: 'labeler' });
    await ok(server.current, 'POST', '/projects', { type: 'imageannotation', name: STUDIO, studio: true });
    await ok(server.current, 'POST', '/projects', { type: 'imageannotation', name: ODD, studio: true });
    await ok(server.current, 'POST', '/projects', { type: 'imageannotation', name: 'plain', studio: false });
    await ok(server.current, 'POST', '/projects', { type: 'imageannotation', name: 'test only', studio: true }, TEST_KEY);
  });

  describe('assignments', () => {
    it('lists every teammate keyed by email, with an empty list when unassigned', async () => {
      const map = await ok(server.current, 'GET', '/studio/assignments');
      assert.deepEqual(map, { 'admin@localhost': [], 'lab1@example.com': [], 'lab2@example.com': [], 'lab3@example.com': [] });
    });

    it('assigns teammates to projects and answers the whole map; adding again changes nothing', async () => {
      const body = { emails: ['lab1@example.com', 'LAB2@example.com'], projects: [STUDIO, ODD] };
      const map = await ok(server.current, 'POST', '/studio/assignments/add', body);
      assert.deepEqual(map['lab1@example.com'], [STUDIO, ODD].sort());
      assert.deepEqual(map['lab2@example.com'], [STUDIO, ODD].sort());
      assert.deepEqual(map['lab3@example.com'], []);
      assert.deepEqual(await ok(server.current, 'POST', '/v1/studio/assignments/add', body), map);
      assert.deepEqual(await ok(server.current, 'GET', '/v1/studio/assignments'), map);
    });

    it('answers 400 naming unknown emails and unknown projects, and changes nothing', async () => {
      const unknownEmail = await call('POST', '/studio/assignments/add', { emails: ['lab3@example.com', 'ghost@example.com'], projects: [STUDIO] });
      assert.equal(unknownEmail.status, 400);
      assert.match(unknownEmail.body.error, /'emails'.*ghost@example\.com/);
      const unknownProject = await call('POST', '/studio/assignments/add', { emails: ['lab3@example.com'], projects: ['nope'] });
      assert.equal(unknownProject.status, 400);
      assert.match(unknownProject.body.error, /'projects'.*"nope"/);
      const missing = await call('POST', '/studio/assignments/remove', { emails: ['lab3@example.com'] });
      assert.equal(missing.status, 400);
      assert.match(missing.body.error, /projects/);
      const notObject = await call('POST', '/studio/assignments/add', ['lab3@example.com']);
      assert.equal(notObject.status, 400);
      assert.deepEqual((await ok(server.current, 'GET', '/studio/assignments'))['lab3@example.com'], []);
    });

    it('resolves project names in the environment of the key: a live project is unknown to the test key', async () => {
      const wrongEnvironment = await call('POST', '/studio/assignments/add', { emails: ['lab3@example.com'], projects: [STUDIO] }, TEST_KEY);
      assert.equal(wrongEnvironment.status, 400);
      const map = await ok(server.current, 'POST', '/studio/assignments/add', { emails: ['lab3@example.com'], projects: ['test only'] }, TEST_KEY);
      assert.deepEqual(map['lab3@example.com'], ['test only']);
      assert.deepEqual(map['lab1@example.com'], [], 'live assignments are not listed for the test key');
      assert.deepEqual((await ok(server.current, 'GET', '/studio/assignments'))['lab3@example.com'], []);
    });
  });

  describe('project groups', () => {
    it('creates a group of assigned teammates and answers the group object', async () => {
      const group = await ok(server.current, 'POST', `/studio/projects/${path(STUDIO)}/groups`, { emails: ['lab1@example.com'], name: 'night shift' });
      assert.equal(typeof group.id, 'string');
      assert.deepEqual({ ...group, id: undefined, workers: group.workers.map((w: any) => w.email) }, {
        id: undefined, name: 'night shift', numWorkers: 1, isSingleton: false, workers: ['lab1@example.com'],
      });
      assert.equal(typeof group.workers[0].id, 'string');
    });

    it('refuses teammates who are not assigned to the project (400) and unknown emails (400)', async () => {
      const unassigned = await call('POST', `/studio/projects/${path(STUDIO)}/groups`, { emails: ['lab3@example.com'], name: 'day shift' });
      assert.equal(unassigned.status, 400);
      assert.match(unassigned.body.error, /lab3@example\.com.*not assigned.*Studio one/);
      const unknown = await call('POST', `/studio/projects/${path(STUDIO)}/groups`, { emails: ['ghost@example.com'], name: 'day shift' });
      assert.equal(unknown.status, 400);
      const noName = await call('POST', `/studio/projects/${path(STUDIO)}/groups`, { emails: [] });
      assert.equal(noName.status, 400);
      assert.match(noName.body.error, /name/);
    });

    it('answers 409 when the group name is taken in the project, but allows it in another project', async () => {
      const taken = await call('POST', `/studio/projects/${path(STUDIO)}/groups`, { emails: [], name: 'night shift' });
      assert.equal(taken.status, 409);
      assert.match(taken.body.error, /night shift/);
      const elsewhere = await ok(server.current, 'POST', `/studio/projects/${path(ODD)}/groups`, { emails: ['lab2@example.com'], name: 'night shift' });
      assert.equal(elsewhere.numWorkers, 1);
    });

    it('lists the groups of a project as a bare array in creation order, with names percent-decoded once from the path', async () => {
      await ok(server.current, 'POST', `/studio/projects/${path(STUDIO)}/groups`, { emails: ['lab2@example.com', 'lab1@example.com'], name: 'a/b %2F c+d' });
      const groups = await ok(server.current, 'GET', `/studio/projects/${path(STUDIO)}/groups`);
      assert.ok(Array.isArray(groups));
      assert.deepEqual(groups.map((g: any) => [g.name, g.numWorkers]), [['night shift', 1], ['a/b %2F c+d', 2]]);
      const odd = await ok(server.current, 'GET', `/v1/studio/projects/${path(ODD)}/groups`);
      assert.deepEqual(odd.map((g: any) => g.name), ['night shift']);
    });

    it('answers 404 for an unknown project or group in the path', async () => {
      const project = await call('GET', `/studio/projects/${path('no such project')}/groups`);
      assert.equal(project.status, 404);
      assert.match(project.body.error, /no such project/);
      const group = await call('PUT', `/studio/projects/${path(STUDIO)}/groups/${path('no such group')}`, { add_emails: [], remove_emails: [] });
      assert.equal(group.status, 404);
      assert.match(group.body.error, /no such group/);
    });

    it('adds and removes workers with PUT, still requiring added workers to be assigned', async () => {
      const url = `/studio/projects/${path(STUDIO)}/groups/${path('a/b %2F c+d')}`;
      const updated = await ok(server.current, 'PUT', url, { add_emails: [], remove_emails: ['lab1@example.com'] });
      assert.deepEqual(updated.workers.map((w: any) => w.email), ['lab2@example.com']);
      assert.equal(updated.numWorkers, 1);
      const unassigned = await call('PUT', url, { add_emails: ['lab3@example.com'], remove_emails: [] });
      assert.equal(unassigned.status, 400);
      assert.match(unassigned.body.error, /add_emails/);
      const readded = await ok(server.current, 'PUT', url, { add_emails: ['lab1@example.com'] });
      assert.deepEqual(readded.workers.map((w: any) => w.email).sort(), ['lab1@example.com', 'lab2@example.com']);
    });

    it('takes unassigned teammates out of the project groups', async () => {
      await ok(server.current, 'POST', '/studio/assignments/remove', { emails: ['lab1@example.com'], projects: [STUDIO] });
      const groups = await ok(server.current, 'GET', `/studio/projects/${path(STUDIO)}/groups`);
      for (const group of groups) assert.equal(group.workers.some((w: any) => w.email === 'lab1@example.com'), false, group.name);
      const map = await ok(server.current, 'GET', '/studio/assignments');
      assert.deepEqual(map['lab1@example.com'], [ODD]);
      const odd = await ok(server.current, 'GET', `/studio/projects/${path(ODD)}/groups`);
      assert.equal(odd[0].numWorkers, 1, 'groups of other projects are untouched');
    });
  });

  describe('batches', () => {
    before(async () => {
      for (const name of ['first', 'second task batch', 'third/3 + more']) {
        await ok(server.current, 'POST', '/batches', { project: STUDIO, name, callback: '', calibration_batch: false, self_label_batch: false, metadata: {} });
      }
      await ok(server.current, 'POST', '/batches', { project: 'plain', name: 'not studio', callback: '', calibration_batch: false, self_label_batch: false, metadata: {} });
      await ok(server.current, 'POST', '/batches', { project: STUDIO, name: 'done', callback: '', calibration_batch: false, self_label_batch: false, metadata: {} });
      await server.current.server.services.db.kysely.updateTable('batches').set({ status: 'completed' }).where('name', '=', 'done').execute();
      await addTasks(server.current, 'first', 'completed', 3);
      await addTasks(server.current, 'first', 'pending', 2);
      await addTasks(server.current, 'first', 'canceled', 1);
    });

    it('lists pending Studio batches oldest first with task counts, excluding finished and non-Studio batches', async () => {
      const list = await ok(server.current, 'GET', '/studio/batches');
      assert.deepEqual(list.map((b: any) => b.name), ['first', 'second task batch', 'third/3 + more']);
      const project = await ok(server.current, 'GET', `/projects/${path(STUDIO)}`);
      const [first, second] = list;
      assert.deepEqual({ ...first, id: undefined }, {
        id: undefined, name: 'first', projectId: project.id, projectName: STUDIO, batchType: 'Production', total: 6, completed: 3, groups: [],
      });
      assert.equal(typeof first.id, 'string');
      assert.equal(second.total, 0);
      assert.equal('studioPriority' in first, false);
    });

    it('only lists the batches of the environment of the key', async () => {
      assert.deepEqual(await ok(server.current, 'GET', '/studio/batches', undefined, TEST_KEY), []);
    });

    it('sets the groups that work a batch and answers the Studio batch object', async () => {
      const batch = await ok(server.current, 'PUT', `/studio/batches/${path('third/3 + more')}`, { groups: ['a/b %2F c+d', 'night shift'] });
      assert.equal(batch.name, 'third/3 + more');
      assert.deepEqual(batch.groups, ['a/b %2F c+d', 'night shift']);
      const replaced = await ok(server.current, 'PUT', `/v1/studio/batches/${path('third/3 + more')}`, { groups: ['night shift'] });
      assert.deepEqual(replaced.groups, ['night shift']);
      const listed = (await ok(server.current, 'GET', '/studio/batches')).find((b: any) => b.name === 'third/3 + more');
      assert.deepEqual(listed.groups, ['night shift']);
    });

    it("answers 400 for a group outside the batch's project and 404 for an unknown or non-Studio batch", async () => {
      const unknownGroup = await call('PUT', `/studio/batches/first`, { groups: ['ghosts'] });
      assert.equal(unknownGroup.status, 400);
      assert.match(unknownGroup.body.error, /ghosts/);
      assert.equal((await call('PUT', `/studio/batches/${path('no such batch')}`, { groups: [] })).status, 404);
      assert.equal((await call('PUT', `/studio/batches/${path('not studio')}`, { groups: [] })).status, 404);
    });

    it('answers 400, never 409, when a batch whose name contains "task" gets a body that is not an object', async () => {
      for (const body of [['night shift'], undefined]) {
        const response = await call('PUT', `/studio/batches/${path('second task batch')}`, body);
        assert.equal(response.status, 400, JSON.stringify(body));
        assert.equal(response.body.status_code, 400);
      }
    });

    it('sets the priority order when every pending batch is listed exactly once', async () => {
      const order = ['third/3 + more', 'first', 'second task batch'];
      const list = await ok(server.current, 'POST', '/studio/batches/set_priorities', { batches: order.map((name) => ({ name })) });
      assert.deepEqual(list.map((b: any) => b.name), order);
      assert.deepEqual(list.map((b: any) => b.studioPriority), [1, 2, 3]);
      assert.deepEqual((await ok(server.current, 'GET', '/studio/batches')).map((b: any) => b.name), order);
    });

    it('answers 400 when a pending batch is missing, repeated or unknown, and keeps the order', async () => {
      const cases: Array<[unknown, RegExp]> = [
        [{ batches: [{ name: 'first' }, { name: 'second task batch' }] }, /missing "third\/3 \+ more"/],
        [{ batches: [{ name: 'first' }, { name: 'first' }, { name: 'second task batch' }, { name: 'third/3 + more' }] }, /"first" listed more than once/],
        [{ batches: [{ name: 'first' }, { name: 'second task batch' }, { name: 'third/3 + more' }, { name: 'done' }] }, /"done" is not a pending Studio batch/],
        [{ batches: [{ nom: 'first' }] }, /batches\[0\]/],
        [{}, /Missing required parameter 'batches'/],
      ];
      for (const [body, message] of cases) {
        const response = await call('POST', '/studio/batches/set_priorities', body);
        assert.equal(response.status, 400, JSON.stringify(body));
        assert.match(response.body.error, message);
      }
      assert.deepEqual((await ok(server.current, 'GET', '/studio/batches')).map((b: any) => b.name), ['third/3 + more', 'first', 'second task batch']);
    });

    it('puts a new batch after the ordered ones until it is given a place', async () => {
      await ok(server.current, 'POST', '/batches', { project: ODD, name: 'late', callback: '', calibration_batch: false, self_label_batch: false, metadata: {} });
      const list = await ok(server.current, 'GET', '/studio/batches');
      assert.deepEqual(list.map((b: any) => b.name), ['third/3 + more', 'first', 'second task batch', 'late']);
      assert.equal('studioPriority' in list[3], false);
      const incomplete = await call('POST', '/studio/batches/set_priorities', { batches: [{ name: 'first' }, { name: 'second task batch' }, { name: 'third/3 + more' }] });
      assert.equal(incomplete.status, 400);
      assert.match(incomplete.body.error, /"late"/);
    });

    it('resets to oldest first with an empty JSON body', async () => {
      const response = await server.current.request('POST', '/studio/batches/reset_priorities', { rawBody: '', headers: { 'content-type': 'application/json', 'content-length': '0' } });
      assert.equal(response.status, 200);
      assert.deepEqual(response.body.map((b: any) => b.name), ['first', 'second task batch', 'third/3 + more', 'late']);
      assert.equal(response.body.some((b: any) => 'studioPriority' in b), false);
    });
  });

  it('describes every Studio route in the OpenAPI document', async () => {
    const document = (await call('GET', '/openapi.json')).body;
    for (const route of ['/studio/assignments', '/studio/assignments/add', '/studio/assignments/remove', '/studio/projects/{project}/groups', '/studio/projects/{project}/groups/{group}', '/studio/batches', '/studio/batches/{batch}', '/studio/batches/set_priorities', '/studio/batches/reset_priorities']) {
      assert.ok(document.paths[route], route);
    }
  });

  it('needs an API key like every v1 route', async () => {
    const response = await call('GET', '/studio/batches', undefined, null as unknown as string);
    assert.equal(response.status, 401);
  });
});
