import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.ts';
import { TEST_KEY, useTestServer } from '../helpers/server.ts';
import { addWorkers, assign, call, categorization, createBatch, createProject, createTask, next, submit, unique } from './helpers.ts';

describeEachDatabase('Work queue', (dialect) => {
  const server = useTestServer(dialect, { TAGWRIGHT_GOLD_RATE: '0' });

  it('hands out nothing to a labeler assigned to no project, and names an unknown kind or project', async () => {
    const [labeler] = await addWorkers(server.current, 1);
    assert.equal(await next(server.current, labeler), null);
    const badKind = await call(server.current, labeler, 'GET', '/queue/next?kind=audit');
    assert.equal(badKind.status, 400);
    assert.match(badKind.body.error, /kind/);
    const unknown = await call(server.current, labeler, 'GET', '/queue/next?project=no-such-project');
    assert.equal(unknown.status, 404);
    assert.match(unknown.body.error, /no-such-project/);
  });

  it('orders work by Studio batch priority, batch priority, task priority, then age', async () => {
    const project = unique('order');
    await createProject(server.current, { type: 'categorization', name: project });
    const [labeler] = await addWorkers(server.current, 1);
    await assign(server.current, [labeler], [project]);
    const low = unique('low');
    const high = unique('high');
    await createBatch(server.current, project, low);
    await createBatch(server.current, project, high);
    const prioritized = await server.current.request('POST', `/v1/batches/${encodeURIComponent(high)}/prioritize`, { body: { priority: 30 } });
    assert.equal(prioritized.status, 200, prioritized.text);

    const loose = await createTask(server.current, 'categorization', categorization(project));
    const lowOld = await createTask(server.current, 'categorization', categorization(project, { batch: low }));
    const lowUrgent = await createTask(server.current, 'categorization', categorization(project, { batch: low, priority: 30 }));
    const highOld = await createTask(server.current, 'categorization', categorization(project, { batch: high }));
    const highNew = await createTask(server.current, 'categorization', categorization(project, { batch: high }));
    const highUrgent = await createTask(server.current, 'categorization', categorization(project, { batch: high, priority: 20 }));

    const order: string[] = [];
    for (;;) {
      const assignment = await next(server.current, labeler, `project=${encodeURIComponent(project)}`);
      if (!assignment) break;
      order.push(assignment.task.task_id);
      assert.equal(await submit(server.current, labeler, assignment, { category: 'cat' }), 'completed');
    }
    // The prioritized batch first (its urgent task, then oldest first), then the rest by task priority and age.
    assert.deepEqual(order, [highUrgent.task_id, highOld.task_id, highNew.task_id, lowUrgent.task_id, loose.task_id, lowOld.task_id]);
  });

  it('puts a Studio batch with an explicit place before batches of higher priority', async () => {
    const project = unique('studio-order');
    await createProject(server.current, { type: 'categorization', name: project, studio: true });
    const [labeler] = await addWorkers(server.current, 1);
    await assign(server.current, [labeler], [project]);
    const first = unique('first');
    const second = unique('second');
    for (const name of [second, first]) {
      await createBatch(server.current, project, name);
    }
    const a = await createTask(server.current, 'categorization', categorization(project, { batch: second, priority: 30 }));
    const b = await createTask(server.current, 'categorization', categorization(project, { batch: first }));
    for (const name of [second, first]) {
      assert.equal((await server.current.request('POST', `/v1/batches/${encodeURIComponent(name)}/finalize`)).status, 200);
    }
    const pending = await server.current.request('GET', '/v1/studio/batches');
    const others = pending.body.map((batch: any) => batch.name).filter((name: string) => name !== first && name !== second);
    const ordered = await server.current.request('POST', '/v1/studio/batches/set_priorities', { body: { batches: [first, second, ...others].map((name) => ({ name })) } });
    assert.equal(ordered.status, 200, ordered.text);

    const one = await next(server.current, labeler);
    assert.equal(one.task.task_id, b.task_id);
    assert.equal(one.task.batch, first);
    await submit(server.current, labeler, one, { category: 'dog' });
    const two = await next(server.current, labeler);
    assert.equal(two.task.task_id, a.task_id);
    await submit(server.current, labeler, two, { category: 'dog' });
  });

  it('keeps staging, paused and cancelled batches out of the queue, and releases a batch when it runs again', async () => {
    const project = unique('held');
    await createProject(server.current, { type: 'categorization', name: project, studio: true });
    const [labeler] = await addWorkers(server.current, 1);
    await assign(server.current, [labeler], [project]);
    const staging = unique('staging');
    await createBatch(server.current, project, staging);
    const task = await createTask(server.current, 'categorization', categorization(project, { batch: staging }));
    assert.equal(await next(server.current, labeler), null, 'a staging batch is not worked');

    await server.current.request('POST', `/v1/batches/${encodeURIComponent(staging)}/finalize`);
    const paused = await server.current.request('POST', '/v2/batch/pause', { body: { batch_name: staging } });
    assert.equal(paused.status, 200, paused.text);
    assert.equal(await next(server.current, labeler), null, 'a paused batch is not worked');

    await server.current.request('POST', '/v2/batch/resume', { body: { batch_name: staging } });
    const assignment = await next(server.current, labeler);
    assert.equal(assignment.task.task_id, task.task_id);
  });

  it('hands a batch assigned to groups only to members of those groups', async () => {
    const project = unique('groups');
    await createProject(server.current, { type: 'categorization', name: project, studio: true });
    const [member, outsider] = await addWorkers(server.current, 2);
    await assign(server.current, [member, outsider], [project]);
    const group = unique('night');
    const created = await server.current.request('POST', `/v1/studio/projects/${encodeURIComponent(project)}/groups`, { body: { name: group, emails: [member.email] } });
    assert.equal(created.status, 200, created.text);
    const batch = unique('grouped');
    await createBatch(server.current, project, batch);
    const task = await createTask(server.current, 'categorization', categorization(project, { batch }));
    assert.equal((await server.current.request('PUT', `/v1/studio/batches/${encodeURIComponent(batch)}`, { body: { groups: [group] } })).status, 200);
    await server.current.request('POST', `/v1/batches/${encodeURIComponent(batch)}/finalize`);

    assert.equal(await next(server.current, outsider), null);
    const assignment = await next(server.current, member);
    assert.equal(assignment.task.task_id, task.task_id);
  });

  it('never hands a task to two labelers at once, nor to the same labeler twice', async () => {
    const project = unique('twice');
    await createProject(server.current, { type: 'categorization', name: project, pipeline: 'consensus_task', consensus_attempts: 2 });
    const [ana, ben] = await addWorkers(server.current, 2);
    await assign(server.current, [ana, ben], [project]);
    const task = await createTask(server.current, 'categorization', categorization(project));

    const first = await next(server.current, ana);
    assert.equal(first.task.task_id, task.task_id);
    assert.equal(await next(server.current, ben), null, 'leased to ana: nobody else gets it');
    assert.equal(await submit(server.current, ana, first, { category: 'cat' }), 'queued');
    assert.equal(await next(server.current, ana), null, 'ana already attempted it');
    const second = await next(server.current, ben);
    assert.equal(second.task.task_id, task.task_id);
    assert.equal(await submit(server.current, ben, second, { category: 'cat' }), 'completed');
  });

  it('hands the same assignment back while its lease is held, and renews and releases it', async () => {
    const project = unique('lease');
    await createProject(server.current, { type: 'categorization', name: project });
    const [labeler, other] = await addWorkers(server.current, 2);
    await assign(server.current, [labeler, other], [project]);
    const task = await createTask(server.current, 'categorization', categorization(project, { instruction: 'Pick the **animal**.' }));

    const assignment = await next(server.current, labeler);
    assert.equal(assignment.lease.kind, 'label');
    assert.equal(assignment.lease.task_id, task.task_id);
    assert.deepEqual(Object.keys(assignment.task).sort(), ['attachment_url', 'created_at', 'instruction', 'params', 'project', 'task_id', 'type'].sort());
    assert.equal(assignment.task.attachment_url, 'https://cdn.example.com/cat.jpg');
    assert.equal(assignment.draft, undefined);

    const draft = await call(server.current, labeler, 'POST', `/tasks/${task.task_id}/draft`, { lease_id: assignment.lease.lease_id, response: { category: 'do' } });
    assert.equal(draft.status, 200, draft.text);
    assert.match(draft.body.saved_at, /Z$/);

    const again = await next(server.current, labeler);
    assert.equal(again.lease.lease_id, assignment.lease.lease_id, 'a reload gets the same lease');
    assert.deepEqual(again.draft.response, { category: 'do' });

    const renewed = await call(server.current, labeler, 'POST', `/leases/${assignment.lease.lease_id}/renew`);
    assert.equal(renewed.status, 200, renewed.text);
    assert.ok(Date.parse(renewed.body.lease.expires_at) >= Date.parse(assignment.lease.expires_at));
    const stolen = await call(server.current, other, 'POST', `/leases/${assignment.lease.lease_id}/renew`);
    assert.equal(stolen.status, 409);

    const released = await call(server.current, labeler, 'POST', `/leases/${assignment.lease.lease_id}/release`);
    assert.equal(released.status, 200, released.text);
    assert.deepEqual(released.body, {});
    const twice = await call(server.current, labeler, 'POST', `/leases/${assignment.lease.lease_id}/release`);
    assert.equal(twice.status, 409);
    const late = await call(server.current, labeler, 'POST', `/tasks/${task.task_id}/submit`, { lease_id: assignment.lease.lease_id, response: { category: 'dog' } });
    assert.equal(late.status, 409);
    assert.match(late.body.error, /lease/i);

    const taken = await next(server.current, other);
    assert.equal(taken.task.task_id, task.task_id, 'released: back in the queue');
    const back = await next(server.current, labeler);
    assert.equal(back, null);
  });

  it('records a skip with its reason and does not hand the task to the same labeler again', async () => {
    const project = unique('skip');
    await createProject(server.current, { type: 'categorization', name: project });
    const [labeler, other] = await addWorkers(server.current, 2);
    await assign(server.current, [labeler, other], [project]);
    const task = await createTask(server.current, 'categorization', categorization(project));
    const assignment = await next(server.current, labeler);

    const missing = await call(server.current, labeler, 'POST', `/tasks/${task.task_id}/skip`, { lease_id: assignment.lease.lease_id });
    assert.equal(missing.status, 400);
    assert.match(missing.body.error, /reason/);
    const skipped = await call(server.current, labeler, 'POST', `/tasks/${task.task_id}/skip`, { lease_id: assignment.lease.lease_id, reason: 'Image does not load: 404' });
    assert.equal(skipped.status, 200, skipped.text);
    assert.deepEqual(skipped.body, {});

    assert.equal(await next(server.current, labeler), null);
    const taken = await next(server.current, other);
    assert.equal(taken.task.task_id, task.task_id);
    const rows = await server.current.server.services.db.kysely.selectFrom('task_skips').selectAll().where('task_id', '=', task.task_id).execute();
    assert.equal(rows.length, 1);
    assert.equal(rows[0].reason, 'Image does not load: 404');
  });

  it('refuses a submission whose response does not fit the task type, naming what is wrong', async () => {
    const project = unique('shape');
    await createProject(server.current, { type: 'imageannotation', name: project });
    const [labeler] = await addWorkers(server.current, 1);
    await assign(server.current, [labeler], [project]);
    const task = await createTask(server.current, 'imageannotation', {
      project,
      attachment: 'https://cdn.example.com/street.jpg',
      geometries: { box: { objects_to_annotate: ['car', { choice: 'vehicle', subchoices: ['bus'] }] }, polygon: { objects_to_annotate: ['road'] } },
    });
    const assignment = await next(server.current, labeler);
    const send = (response: unknown) => call(server.current, labeler, 'POST', `/tasks/${task.task_id}/submit`, { lease_id: assignment.lease.lease_id, response, time_spent_secs: 1 });

    const cases: Array<[unknown, RegExp]> = [
      [[], /response/],
      [{}, /response\.annotations/],
      [{ annotations: [{ type: 'box', label: 'tree', left: 1, top: 2, width: 3, height: 4 }] }, /annotations\[0\]\.label.*tree/],
      [{ annotations: [{ type: 'point', label: 'car', x: 1, y: 2 }] }, /annotations\[0\]\.type/],
      [{ annotations: [{ type: 'box', label: 'car', left: 1, top: 2, width: 'wide', height: 4 }] }, /annotations\[0\]\.width/],
      [{ annotations: [{ type: 'polygon', label: 'road', vertices: [{ x: 1, y: 1 }, { x: 2, y: 2 }] }] }, /vertices.*at least 3/],
    ];
    for (const [response, message] of cases) {
      const refused = await send(response);
      assert.equal(refused.status, 400, JSON.stringify(response));
      assert.match(refused.body.error, message);
    }
    const accepted = await send({
      annotations: [
        { uuid: 'a', type: 'box', label: 'bus', attributes: {}, left: 1, top: 2, width: 3, height: 4 },
        { uuid: 'b', type: 'polygon', label: 'road', attributes: {}, vertices: [{ x: 0, y: 0 }, { x: 5, y: 0 }, { x: 5, y: 5 }] },
      ],
      global_attributes: {},
    });
    assert.equal(accepted.status, 200, accepted.text);
    assert.equal(accepted.body.next_state, 'completed');
  });

  it('checks entity offsets against the text of a named-entity task', async () => {
    const project = unique('ner');
    await createProject(server.current, { type: 'namedentityrecognition', name: project });
    const [labeler] = await addWorkers(server.current, 1);
    await assign(server.current, [labeler], [project]);
    const task = await createTask(server.current, 'namedentityrecognition', { project, text: 'Ada Lovelace lived in London.', labels: ['PER', 'LOC'] });
    const assignment = await next(server.current, labeler);
    const wrong = await call(server.current, labeler, 'POST', `/tasks/${task.task_id}/submit`, {
      lease_id: assignment.lease.lease_id,
      response: { annotations: [{ start: 0, end: 3, label: 'PER', text: 'Ada Lovelace' }] },
    });
    assert.equal(wrong.status, 400);
    assert.match(wrong.body.error, /text/);
    const right = await call(server.current, labeler, 'POST', `/tasks/${task.task_id}/submit`, {
      lease_id: assignment.lease.lease_id,
      response: { annotations: [{ start: 0, end: 12, label: 'PER', text: 'Ada Lovelace' }, { start: 22, end: 28, label: 'LOC', text: 'London' }] },
    });
    assert.equal(right.status, 200, right.text);
  });

  it('lists the projects a labeler works on with the tasks waiting in them', async () => {
    const project = unique('counts');
    await createProject(server.current, { type: 'categorization', name: project, params: { review: true } });
    const [labeler] = await addWorkers(server.current, 1);
    await assign(server.current, [labeler], [project]);
    for (let index = 0; index < 3; index++) await createTask(server.current, 'categorization', categorization(project));
    const assignment = await next(server.current, labeler);
    assert.equal(await submit(server.current, labeler, assignment, { category: 'cat' }), 'review');
    const listed = await call(server.current, labeler, 'GET', '/queue/projects');
    assert.equal(listed.status, 200, listed.text);
    assert.deepEqual(listed.body, { projects: [{ name: project, type: 'categorization', waiting_label: 2, waiting_review: 1 }] });
  });

  it('keeps labelers out of review and refuses test-mode keys', async () => {
    const [labeler] = await addWorkers(server.current, 1);
    const review = await call(server.current, labeler, 'GET', '/queue/next?kind=review');
    assert.equal(review.status, 403);
    const testKey = await server.current.request('GET', '/app/api/queue/next', { key: TEST_KEY });
    assert.equal(testKey.status, 403);
    assert.match(testKey.body.error, /test/);
  });

  it('answers 409 when the lease sent is for another task', async () => {
    const project = unique('mismatch');
    await createProject(server.current, { type: 'categorization', name: project });
    const [labeler] = await addWorkers(server.current, 1);
    await assign(server.current, [labeler], [project]);
    const one = await createTask(server.current, 'categorization', categorization(project));
    const two = await createTask(server.current, 'categorization', categorization(project));
    const assignment = await next(server.current, labeler);
    const otherId = assignment.task.task_id === one.task_id ? two.task_id : one.task_id;
    const wrongTask = await call(server.current, labeler, 'POST', `/tasks/${otherId}/submit`, { lease_id: assignment.lease.lease_id, response: { category: 'cat' } });
    assert.equal(wrongTask.status, 409);
  });
});
