import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { RunningServer } from '../../src/server.ts';
import { describeEachDatabase } from '../helpers/databases.ts';
import { closeServerPair, LIVE_KEY, postgresStatementsOf, startServerPair, TEST_KEY, type TestServer } from '../helpers/server.ts';
import { createProject, unique, validBody } from './helpers.ts';

/**
 * On PostgreSQL a live create of a project this process has seen is one statement: the task is built
 * from the remembered project and the statement checks the stored project is still that one
 * (services/project-cache.ts, TaskRepository.insertUnbatchedChecked). These tests hold the rules that
 * shortcut must keep, on both databases: another server's parameter change is seen at once, duplicates
 * answer as before (and before validation errors), counts stay exact under concurrency.
 */
describeEachDatabase('one-statement task create', (dialect) => {
  let server: TestServer;
  /** A second server on the same database, as another process of a multi-node install. */
  let other: RunningServer;
  before(async () => {
    ({ server, other } = await startServerPair(dialect, { TAGWRIGHT_ROLE: 'api' }));
  });
  after(() => closeServerPair(server, other));

  async function create(body: Record<string, unknown>, key = LIVE_KEY) {
    return server.request('POST', '/v1/task/imageannotation', { key, body: { ...validBody('imageannotation'), ...body } });
  }

  it("inherits the project's parameters as another server just changed them", async () => {
    const project = unique('params-elsewhere');
    await createProject(server, { name: project, params: { instruction: 'Rules A.' } });
    const first = await create({ project, instruction: 'Task.' });
    assert.equal(first.status, 200, first.text);
    assert.equal(first.body.instruction, 'Task.\n\nRules A.');
    // Same length on purpose: only the content differs.
    const changed = await fetch(`${other.url}/v1/projects/${encodeURIComponent(project)}/setParams`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${LIVE_KEY}:`).toString('base64')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ instruction: 'Rules B.' }),
    });
    assert.equal(changed.status, 200, await changed.text());
    const second = await create({ project, instruction: 'Task.' });
    assert.equal(second.status, 200, second.text);
    assert.equal(second.body.instruction, 'Task.\n\nRules B.');
    assert.equal(second.body.project_param_version, 1);
    const stored = await server.request('GET', `/v1/task/${second.body.task_id}`);
    assert.equal(stored.body.instruction, 'Task.\n\nRules B.');
  });

  it('answers a repeated unique_id with the 409 naming the task, also when the repeat is otherwise invalid', async () => {
    const project = unique('dup');
    await createProject(server, { name: project });
    const uniqueId = unique('uid');
    const first = await create({ project, unique_id: uniqueId });
    assert.equal(first.status, 200, first.text);
    const again = await create({ project, unique_id: uniqueId });
    assert.equal(again.status, 409, again.text);
    assert.equal(again.body.task_id, first.body.task_id);
    // The duplicate is refused before the body is validated (a 409, not the 400 of the missing attachment).
    const invalid = await create({ project, unique_id: uniqueId, attachment: undefined });
    assert.equal(invalid.status, 409, invalid.text);
    assert.equal(invalid.body.task_id, first.body.task_id);
    const fresh = await create({ project, unique_id: unique('uid'), attachment: undefined });
    assert.equal(fresh.status, 400, fresh.text);
  });

  it('keeps answering 400 for a project of another type and for an unknown project', async () => {
    const project = unique('typed');
    await createProject(server, { name: project, type: 'imageannotation' });
    assert.equal((await create({ project })).status, 200);
    const wrongType = await server.request('POST', '/v1/task/categorization', { body: { ...validBody('categorization'), project } });
    assert.equal(wrongType.status, 400, wrongType.text);
    assert.match(wrongType.body.error, /holds imageannotation tasks/);
    const unknown = await create({ project: unique('nowhere') });
    assert.equal(unknown.status, 400, unknown.text);
    assert.match(unknown.body.error, /no project named/);
  });

  it('keeps counts exact and lets one of 20 concurrent creates with one unique_id through', async () => {
    const project = unique('concurrent');
    await createProject(server, { name: project });
    await createProject(server, { name: project }, TEST_KEY);
    const uniqueId = unique('race');
    const raced = await Promise.all(Array.from({ length: 20 }, () => create({ project, unique_id: uniqueId })));
    assert.deepEqual(raced.map((response) => response.status).sort(), [200, ...Array(19).fill(409)]);
    const winner = raced.find((response) => response.status === 200)!.body.task_id;
    for (const loser of raced.filter((response) => response.status === 409)) assert.equal(loser.body.task_id ?? winner, winner);
    const statuses = await Promise.all(
      Array.from({ length: 40 }, (_, index) => create({ project, tags: index % 4 === 0 ? ['t'] : undefined }, index % 2 === 0 ? TEST_KEY : LIVE_KEY)),
    );
    assert.deepEqual(statuses.filter((response) => response.status !== 200).map((response) => response.text), []);
    for (const [key, expected] of [[LIVE_KEY, 21], [TEST_KEY, 20]] as const) {
      const counted = await server.request('GET', `/v1/tasks?project=${encodeURIComponent(project)}&limit=1`, { key });
      assert.equal(counted.body.total, expected);
    }
  });

  it('completes a test-key task of a remembered project at once, with its callback, and sees parameter changes', async () => {
    const project = unique('test-mode');
    await createProject(server, { name: project, params: { instruction: 'Rules A.' } }, TEST_KEY);
    const callbackUrl = 'http://127.0.0.1:9/test-mode';
    const first = await create({ project, callback_url: callbackUrl }, TEST_KEY);
    assert.equal(first.status, 200, first.text);
    const changed = await fetch(`${other.url}/v1/projects/${encodeURIComponent(project)}/setParams`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${TEST_KEY}:`).toString('base64')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ instruction: 'Rules B.' }),
    });
    assert.equal(changed.status, 200, await changed.text());
    const second = await create({ project, callback_url: callbackUrl, instruction: 'Task.' }, TEST_KEY);
    assert.equal(second.status, 200, second.text);
    // Answered as created (contract 5.10), stored completed with the synthetic response.
    assert.equal(second.body.status, 'pending');
    assert.equal(second.body.instruction, 'Task.\n\nRules B.');
    const stored = await server.request('GET', `/v1/task/${second.body.task_id}`, { key: TEST_KEY });
    assert.equal(stored.body.status, 'completed');
    assert.ok(stored.body.response);
    const queued = await server.server.services.db.kysely.selectFrom('outbox').select('target').where('subject_id', '=', second.body.task_id).execute();
    assert.deepEqual(queued.map((row) => row.target), [callbackUrl]);
  });


  it('creates a task of a known project with one statement on PostgreSQL (plus the callback row in test mode)', { skip: dialect !== 'postgres' && 'PostgreSQL round trips' }, async () => {
    const project = unique('one');
    await createProject(server, { name: project });
    await createProject(server, { name: project }, TEST_KEY);
    for (const key of [LIVE_KEY, TEST_KEY]) {
      assert.equal((await create({ project }, key)).status, 200);
      const seen = await postgresStatementsOf(async () => {
        const created = await create({ project, unique_id: unique('one-uid') }, key);
        assert.equal(created.status, 200, created.text);
      });
      const touching = seen.filter((text) => /\b(projects|tasks|task_counts|accounts)\b/.test(text));
      assert.equal(touching.length, 1, touching.join('\n'));
      assert.match(touching[0], /with project as/);
    }
  });
});
