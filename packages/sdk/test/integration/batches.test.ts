import assert from 'node:assert/strict';
import { it } from 'node:test';
import { BatchStatus, ScaleDuplicateResource, ScaleInvalidRequest, ScaleResourceNotFound, TaskType, type Batch } from '../../src/index.ts';
import { LIVE_KEY, describeEachDatabase, plainName, uniqueName, useSdkServer } from '../helpers/server.ts';

describeEachDatabase('SDK batches against a real server', (dialect) => {
  const api = useSdkServer(dialect);

  async function project(studio = false): Promise<string> {
    const name = uniqueName('batch project');
    await api.current.live.createProject({ projectName: name, taskType: TaskType.Categorization, studio });
    return name;
  }

  it('createBatch creates an in_progress batch that getBatch reads back by a percent-encoded name', async () => {
    const projectName = await project();
    const batchName = uniqueName('b +%');
    const batch = await api.current.live.createBatch({ project: projectName, batchName, metadata: { team: 'a' } });
    assert.equal(batch.name, batchName);
    assert.equal(batch.project, projectName);
    assert.equal(batch.status, BatchStatus.InProgress);
    assert.deepEqual(batch.metadata, { team: 'a' });
    assert.ok(batch.id);
    const fetched = await api.current.live.getBatch(batchName);
    assert.equal(fetched.id, batch.id);
  });

  it('batchStatus reports counts under both spellings', async () => {
    const projectName = await project();
    const batchName = uniqueName('status');
    await api.current.live.createBatch({ project: projectName, batchName });
    const status = await api.current.live.batchStatus(batchName);
    assert.equal(status.status, 'in_progress');
    for (const key of ['pending', 'completed', 'error', 'canceled', 'tasks_pending', 'tasks_completed', 'tasks_error', 'tasks_canceled'] as const) {
      assert.equal(status[key], 0, key);
    }
  });

  it('finalizeBatch moves a Studio batch from staging to in_progress and is a no-op on a running batch', async () => {
    const studioProject = await project(true);
    const staged = await api.current.live.createBatch({ project: studioProject, batchName: uniqueName('staged') });
    assert.equal(staged.status, 'staging');
    const finalized = await api.current.live.finalizeBatch(staged.name);
    assert.equal(finalized.status, 'in_progress');
    const again = await api.current.live.finalizeBatch(staged.name);
    assert.equal(again.status, 'in_progress');
  });

  it('setBatchMetadata replaces the metadata as a whole', async () => {
    const projectName = await project();
    const batchName = uniqueName('meta');
    await api.current.live.createBatch({ project: projectName, batchName, metadata: { a: 1 } });
    const updated = await api.current.live.setBatchMetadata(batchName, { b: 2 });
    assert.deepEqual(updated.metadata, { b: 2 });
    assert.deepEqual((await api.current.live.getBatch(batchName)).metadata, { b: 2 });
  });

  it('batches.prioritize sets the priority', async () => {
    const projectName = await project();
    const batchName = uniqueName('prio');
    await api.current.live.createBatch({ project: projectName, batchName });
    assert.deepEqual(await api.current.live.batches.prioritize(batchName, 30), { result: 'success' });
    assert.equal((await api.current.live.getBatch(batchName)).priority, 30);
  });

  it('getBatches iterates every batch of a project across offset pages, newest first', async () => {
    const projectName = await project();
    const names: string[] = [];
    for (let i = 0; i < 130; i++) names.push((await api.current.live.createBatch({ project: projectName, batchName: plainName(`many-${i}`) })).name);
    const seen: Batch[] = [];
    for await (const batch of api.current.live.getBatches({ projectName })) seen.push(batch);
    assert.equal(seen.length, 130);
    assert.deepEqual(seen.map((batch) => batch.name), [...names].reverse());
    const firstPage = await api.current.live.listBatches({ projectName, limit: 50 });
    assert.equal(firstPage.totalDocs, 130);
    assert.equal(firstPage.docs.length, 50);
    assert.equal(firstPage.hasNextPage(), true);
    const small = await api.current.live.listBatches({ projectName, limit: 1 });
    assert.equal(small.totalDocs, 130);
  });

  it('getBatches filters by status', async () => {
    const studioProject = await project(true);
    const batchName = uniqueName('staging only');
    await api.current.live.createBatch({ project: studioProject, batchName });
    const staging: string[] = [];
    for await (const batch of api.current.live.getBatches({ projectName: studioProject, batchStatus: BatchStatus.Staging })) staging.push(batch.name);
    assert.deepEqual(staging, [batchName]);
    let completed = 0;
    for await (const _batch of api.current.live.getBatches({ projectName: studioProject, batchStatus: BatchStatus.Completed })) completed++;
    assert.equal(completed, 0);
  });

  it('throws ScaleDuplicateResource for a taken name, ScaleInvalidRequest for an unknown project, ScaleResourceNotFound for an unknown batch', async () => {
    const projectName = await project();
    const batchName = uniqueName('dup');
    await api.current.live.createBatch({ project: projectName, batchName });
    await assert.rejects(api.current.live.createBatch({ project: projectName, batchName }), ScaleDuplicateResource);
    await assert.rejects(api.current.live.createBatch({ project: uniqueName('nowhere'), batchName: uniqueName('x') }), ScaleInvalidRequest);
    await assert.rejects(api.current.live.getBatch(uniqueName('nothing')), ScaleResourceNotFound);
    await assert.rejects(api.current.live.batchStatus(uniqueName('nothing')), ScaleResourceNotFound);
  });

  it('createBatch returns the batch its first attempt created when that answer was lost', async () => {
    const projectName = await project();
    const batchName = uniqueName('lost answer');
    let lost = false;
    const fetchLosingFirst = (async (input: string | URL | Request, init?: RequestInit) => {
      const response = await fetch(input, init);
      if (!lost && init?.method === 'POST') {
        lost = true;
        await response.arrayBuffer();
        throw new TypeError('fetch failed', { cause: new Error('socket hang up') });
      }
      return response;
    }) as typeof fetch;
    const client = api.current.client(LIVE_KEY, { fetch: fetchLosingFirst });
    const batch = await client.createBatch({ project: projectName, batchName, metadata: { once: true } });
    assert.equal(batch.name, batchName);
    assert.deepEqual(batch.metadata, { once: true });
    const page = await api.current.live.listBatches({ projectName });
    assert.equal(page.totalDocs, 1);
  });
});
