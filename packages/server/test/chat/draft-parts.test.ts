import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.ts';
import { useTestServer } from '../helpers/server.ts';
import { v2Client } from '../v2/helpers.ts';
import { addWorkers, assign, call, createProject, next, submit, unique, type TestWorker } from '../queue/helpers.ts';
import { CHAT_PARAMS, completedConversation } from './fixtures.ts';

describeEachDatabase('chat drafts saved by the part', (dialect) => {
  const server = useTestServer(dialect);
  const client = v2Client(server);
  let labeler: TestWorker;
  let project: string;

  before(async () => {
    [labeler] = await addWorkers(server.current, 1);
  });

  /** A new chat task, in a project of its own, leased to the labeler (a task given back would come first again). */
  async function leased(): Promise<any> {
    project = unique('chat-drafts');
    await createProject(server.current, { type: 'chat', name: project, params: CHAT_PARAMS });
    await assign(server.current, [labeler], [project]);
    const created = await client.post('/v2/task/chat', { project_name: project });
    assert.equal(created.status, 200, created.text);
    const assignment = await next(server.current, labeler, `project=${encodeURIComponent(project)}`);
    assert.equal(assignment.task.task_id, created.body.task_id);
    return assignment;
  }

  const patch = (assignment: any, parts: unknown) => call(server.current, labeler, 'PATCH', `/tasks/${assignment.task.task_id}/draft`, { lease_id: assignment.lease.lease_id, parts });

  it('keeps the whole draft and sets each later part over it, and a reload gets the two merged', async () => {
    const assignment = await leased();
    const conversation = completedConversation(3);
    const whole = await call(server.current, labeler, 'POST', `/tasks/${assignment.task.task_id}/draft`, { lease_id: assignment.lease.lease_id, response: conversation });
    assert.equal(whole.status, 200, whole.text);

    const changedTurn = structuredClone(conversation.threads[0].turns[1]);
    changedTurn.messages[2].annotations = [{ key: 'formatting', type: 'integer', value: 1 }];
    const addedTurn = structuredClone(conversation.threads[0].turns[2]);
    addedTurn.messages[1].content.text = 'A fourth question';
    const saved = await patch(assignment, [
      { path: '/threads/0/turns/1', value: changedTurn, revision: 10 },
      { path: '/threads/0/turns/3', value: addedTurn, revision: 11 },
      { path: '/threads/0/annotations', value: [], revision: 12 },
    ]);
    assert.equal(saved.status, 200, saved.text);
    assert.match(saved.body.saved_at, /Z$/);
    assert.deepEqual(saved.body.stale, []);

    const again = await next(server.current, labeler, `project=${encodeURIComponent(project)}`);
    const thread = again.draft.response.threads[0];
    assert.equal(thread.turns.length, 4);
    assert.deepEqual(thread.turns[0], conversation.threads[0].turns[0], 'an untouched turn comes from the whole draft');
    assert.deepEqual(thread.turns[1].messages[2].annotations, [{ key: 'formatting', type: 'integer', value: 1 }]);
    assert.equal(thread.turns[3].messages[1].content.text, 'A fourth question');
    assert.deepEqual(thread.annotations, []);

    // The merged draft submits like any response; the parts go with the draft.
    assert.equal(await submit(server.current, labeler, again, { threads: [{ ...thread, annotations: conversation.threads[0].annotations }] }), 'completed');
  });

  it('does not let a late patch replace a newer edit of the same part, and says which parts were stale', async () => {
    const assignment = await leased();
    const newer = await patch(assignment, [{ path: '/threads/0/turns/0', value: { messages: [{ role: 'user', source_id: 'user', content: { text: 'newer' }, annotations: [] }], annotations: [] }, revision: 2000 }]);
    assert.deepEqual(newer.body.stale, []);
    const late = await patch(assignment, [
      { path: '/threads/0/turns/0', value: { messages: [{ role: 'user', source_id: 'user', content: { text: 'older' }, annotations: [] }], annotations: [] }, revision: 1000 },
      { path: '/threads/0/annotations', value: [{ key: 'notes', type: 'text', value: 'kept' }], revision: 1000 },
    ]);
    assert.equal(late.status, 200, late.text);
    assert.deepEqual(late.body.stale, ['/threads/0/turns/0']);
    const replayed = await patch(assignment, [{ path: '/threads/0/turns/0', value: { messages: [], annotations: [] }, revision: 2000 }]);
    assert.deepEqual(replayed.body.stale, ['/threads/0/turns/0'], 'the same revision again is stale too');

    const again = await next(server.current, labeler, `project=${encodeURIComponent(project)}`);
    assert.deepEqual(again.draft.response, { threads: [{ turns: [{ messages: [{ role: 'user', source_id: 'user', content: { text: 'newer' }, annotations: [] }], annotations: [] }], annotations: [{ key: 'notes', type: 'text', value: 'kept' }] }] });
    await call(server.current, labeler, 'POST', `/leases/${assignment.lease.lease_id}/release`);
  });

  it('applies nested parts in revision order, and a whole draft saved later replaces the parts', async () => {
    const assignment = await leased();
    await patch(assignment, [{ path: '/threads/0/turns/0/annotations', value: [{ key: 'preference', type: 'ranked_choices', value: ['b', 'a'] }], revision: 30 }]);
    await patch(assignment, [{ path: '/threads/0/turns/0', value: { messages: [], annotations: [] }, revision: 20 }]);
    let again = await next(server.current, labeler, `project=${encodeURIComponent(project)}`);
    assert.deepEqual(again.draft.response.threads[0].turns[0].annotations, [{ key: 'preference', type: 'ranked_choices', value: ['b', 'a'] }], 'the later inner part wins over the earlier turn');

    await call(server.current, labeler, 'POST', `/tasks/${assignment.task.task_id}/draft`, { lease_id: assignment.lease.lease_id, response: { threads: [] } });
    again = await next(server.current, labeler, `project=${encodeURIComponent(project)}`);
    assert.deepEqual(again.draft.response, { threads: [] });
    await call(server.current, labeler, 'POST', `/leases/${assignment.lease.lease_id}/release`);
  });

  it('gives the parts back with the task when it is claimed again after a release', async () => {
    const assignment = await leased();
    // Parts only, no whole draft: on PostgreSQL the claim reads the draft in its own statement.
    await patch(assignment, [{ path: '/threads', value: [{ turns: [], annotations: [{ key: 'notes', type: 'text', value: 'after release' }] }], revision: 5 }]);
    const released = await call(server.current, labeler, 'POST', `/leases/${assignment.lease.lease_id}/release`);
    assert.equal(released.status, 200, released.text);
    const again = await next(server.current, labeler, `project=${encodeURIComponent(project)}`);
    assert.notEqual(again.lease.lease_id, assignment.lease.lease_id, 'a new claim, not the held lease');
    assert.equal(again.task.task_id, assignment.task.task_id);
    assert.deepEqual(again.draft?.response, { threads: [{ turns: [], annotations: [{ key: 'notes', type: 'text', value: 'after release' }] }] });
    await call(server.current, labeler, 'POST', `/leases/${again.lease.lease_id}/release`);
  });

  it('answers 400 naming the part for a bad path, revision or list, and 409 without the lease', async () => {
    const assignment = await leased();
    const cases: Array<[unknown, RegExp]> = [
      [[], /'parts'/],
      [[{ path: 'threads/0', value: 1, revision: 1 }], /parts\[0\]\.path.*JSON pointer/],
      [[{ path: '/threads/0/turns/100000', value: 1, revision: 1 }], /parts\[0\]\.path.*99999/],
      [[{ path: '/threads/007', value: 1, revision: 1 }], /parts\[0\]\.path/],
      [[{ path: '/__proto__/x', value: 1, revision: 1 }], /parts\[0\]\.path/],
      [[{ path: '/a', value: 1, revision: 1 }, { path: '/b', value: 1, revision: 0 }], /parts\[1\]\.revision/],
      [[{ path: '/a', revision: 1 }], /parts(\[0\]|\.0)\.value/],
    ];
    for (const [parts, message] of cases) {
      const answer = await patch(assignment, parts);
      assert.equal(answer.status, 400, `${JSON.stringify(parts)}: ${answer.text}`);
      assert.match(answer.body.error, message);
    }
    const wrongLease = await call(server.current, labeler, 'PATCH', `/tasks/${assignment.task.task_id}/draft`, { lease_id: 'lease_nope', parts: [{ path: '/a', value: 1, revision: 1 }] });
    assert.equal(wrongLease.status, 409, wrongLease.text);
    await call(server.current, labeler, 'POST', `/leases/${assignment.lease.lease_id}/release`);
  });
});
