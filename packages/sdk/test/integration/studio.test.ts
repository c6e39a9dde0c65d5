import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { ScaleDuplicateResource, ScaleInvalidRequest, ScaleResourceNotFound, TaskType, TeammateRole } from '../../src/index.ts';
import { describeEachDatabase, plainName, uniqueName, useSdkServer } from '../helpers/server.ts';

describeEachDatabase('SDK Studio against a real server', (dialect) => {
  const api = useSdkServer(dialect);
  const projectName = uniqueName('studio project');
  const alice = `${plainName('alice')}@example.com`;
  const bob = `${plainName('bob')}@example.com`;

  before(async () => {
    await api.current.live.createProject({ projectName, taskType: TaskType.Categorization, studio: true });
    await api.current.live.inviteTeammates([alice, bob], TeammateRole.Labeler);
  });

  it('addStudioAssignments, listStudioAssignments and removeStudioAssignments manage who works the project', async () => {
    const added = await api.current.live.addStudioAssignments([alice, bob], [projectName]);
    assert.deepEqual(added[alice], [projectName]);
    assert.deepEqual(added[bob], [projectName]);
    const listed = await api.current.live.listStudioAssignments();
    assert.deepEqual(listed[alice], [projectName]);
    const removed = await api.current.live.removeStudioAssignments([bob], [projectName]);
    assert.deepEqual(removed[bob], []);
    assert.deepEqual(removed[alice], [projectName]);
    await api.current.live.addStudioAssignments([bob], [projectName]);
  });

  it('createProjectGroup, listProjectGroups and updateProjectGroup manage labeler groups', async () => {
    await api.current.live.addStudioAssignments([alice, bob], [projectName]);
    const groupName = uniqueName('group');
    const group = await api.current.live.createProjectGroup(projectName, [alice], groupName);
    assert.equal(group.name, groupName);
    assert.equal(group.numWorkers, 1);
    const groups = await api.current.live.listProjectGroups(projectName);
    assert.ok(groups.some((listed) => listed.name === groupName));
    const updated = await api.current.live.updateProjectGroup(projectName, groupName, [bob], [alice]);
    assert.equal(updated.numWorkers, 1);
    assert.deepEqual(updated.workers?.map((worker) => worker.email), [bob]);
    await assert.rejects(api.current.live.createProjectGroup(projectName, [], groupName), ScaleDuplicateResource);
  });

  it('createProjectGroup refuses a teammate not assigned to the project, and an unknown project is ScaleResourceNotFound', async () => {
    const other = uniqueName('other studio');
    await api.current.live.createProject({ projectName: other, taskType: TaskType.Categorization, studio: true });
    await assert.rejects(api.current.live.createProjectGroup(other, [alice], uniqueName('g')), ScaleInvalidRequest);
    await assert.rejects(api.current.live.listProjectGroups(uniqueName('no project')), ScaleResourceNotFound);
  });

  it('listStudioBatches, assignStudioBatches and the priority calls order pending Studio batches', async () => {
    const groupName = uniqueName('batch group');
    await api.current.live.addStudioAssignments([alice], [projectName]);
    await api.current.live.createProjectGroup(projectName, [alice], groupName);
    const first = (await api.current.live.createBatch({ project: projectName, batchName: uniqueName('sb first') })).name;
    const second = (await api.current.live.createBatch({ project: projectName, batchName: uniqueName('sb second') })).name;

    const pending = await api.current.live.listStudioBatches();
    const names = pending.map((batch) => batch.name);
    assert.ok(names.includes(first) && names.includes(second));

    const assigned = await api.current.live.assignStudioBatches(first, [groupName]);
    assert.equal(assigned.name, first);
    assert.equal(assigned.projectName, projectName);

    const reversed = [...names].reverse();
    const prioritized = await api.current.live.setStudioBatchesPriorities(reversed);
    assert.deepEqual(prioritized.map((batch) => batch.name), reversed);
    await assert.rejects(api.current.live.setStudioBatchesPriorities([first]), ScaleInvalidRequest);

    const reset = await api.current.live.resetStudioBatchesPriorities();
    const resetNames = reset.map((batch) => batch.name);
    assert.ok(resetNames.indexOf(first) < resetNames.indexOf(second), 'the default order is oldest first');
  });
});
