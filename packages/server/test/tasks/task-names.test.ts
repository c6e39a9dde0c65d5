import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { RunningServer } from '../../src/server.ts';
import { describeEachDatabase } from '../helpers/databases.ts';
import { closeServerPair, LIVE_KEY, startServerPair, TEST_KEY, type TestServer } from '../helpers/server.ts';
import { createBatch, createProject, unique, validBody } from './helpers.ts';

/**
 * `GET task/{id}` reads the task row alone and takes its project's and batch's names from the
 * process's memory (services/task-names.ts). These tests hold what that must keep: a server that
 * never saw a project or batch (another process of a multi-node install) answers the same names as
 * the one that created them, cold and warm, and the read stays scoped to account and environment.
 */
describeEachDatabase('task get: project and batch names from memory', (dialect) => {
  let server: TestServer;
  let other: RunningServer;
  before(async () => {
    ({ server, other } = await startServerPair(dialect, { TAGWRIGHT_ROLE: 'api' }));
  });
  after(() => closeServerPair(server, other));

  async function getOnOther(id: string, key = LIVE_KEY): Promise<{ status: number; body: any }> {
    const response = await fetch(`${other.url}/v1/task/${id}`, { headers: { authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}` } });
    return { status: response.status, body: await response.json() };
  }

  async function createTask(body: Record<string, unknown>): Promise<any> {
    const response = await server.request('POST', '/v1/task/imageannotation', { body: { ...validBody('imageannotation'), ...body } });
    assert.equal(response.status, 200, response.text);
    return response.body;
  }

  it('answers the names of projects and batches it never saw, then the same from memory', async () => {
    const first = unique('names-a');
    const second = unique('names-b');
    const batch = unique('names-batch');
    await createProject(server, { name: first });
    await createProject(server, { name: second });
    await createBatch(server, second, batch);
    const tasks = [await createTask({ project: first }), await createTask({ project: second, batch }), await createTask({ project: second })];
    for (let pass = 0; pass < 2; pass++) {
      for (const task of tasks) {
        const here = await server.request('GET', `/v1/task/${task.task_id}`);
        const there = await getOnOther(task.task_id);
        assert.equal(there.status, 200);
        assert.deepEqual(there.body, here.body, `pass ${pass}`);
      }
    }
    assert.equal((await getOnOther(tasks[0].task_id)).body.project, first);
    assert.equal((await getOnOther(tasks[1].task_id)).body.project, second);
    assert.equal((await getOnOther(tasks[1].task_id)).body.batch, batch);
    assert.equal('batch' in (await getOnOther(tasks[2].task_id)).body, false);
  });

  it('still answers 404 for a task of another environment once its names are remembered', async () => {
    const project = unique('names-scope');
    await createProject(server, { name: project });
    const task = await createTask({ project });
    assert.equal((await getOnOther(task.task_id)).status, 200);
    const wrongEnvironment = await getOnOther(task.task_id, TEST_KEY);
    assert.equal(wrongEnvironment.status, 404);
    assert.match(wrongEnvironment.body.error, /No task with id/);
  });
});

/**
 * The memory of names is right only because names never change. If a rename is ever added, this
 * fails and points at services/task-names.ts, whose memory must then go or be checked.
 */
describe('project and batch names are never written after creation', () => {
  it('no source file updates the name of a project or batch', () => {
    const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src');
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(file);
        else if (file.endsWith('.ts')) {
          const text = fs.readFileSync(file, 'utf8');
          // Every update of the two tables, up to the end of its statement.
          const updates = /updateTable\(\s*['"](projects|batches)['"]\s*\)[\s\S]*?(\.execute|executeTakeFirst|;\n)|update\s+(projects|batches)\s+set[\s\S]*?(`|;)/gi;
          for (const match of text.matchAll(updates)) {
            if (/[{,\s]name\s*[:=,}]|['"]name['"]/.test(match[0].replace(/\bwhere\b[\s\S]*/i, ''))) offenders.push(`${path.relative(root, file)}: ${match[0].slice(0, 120)}`);
          }
        }
      }
    };
    walk(root);
    assert.deepEqual(offenders, [], 'a project or batch name is written after creation: see services/task-names.ts');
  });
});
