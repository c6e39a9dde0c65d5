import type { FastifyInstance } from 'fastify';
import { AssignmentBody, BatchGroupsBody, BatchParams, CreateGroupBody, GroupParams, PrioritiesBody, ProjectParams, UpdateGroupBody } from '../studio.schemas.ts';
import { objectBody } from '../../domain/lenient.ts';
import { presentAssignments, presentProjectGroup, presentStudioBatch } from '../../presenters/studio.presenter.ts';

const tags = ['v1 studio'];
/** v1 Studio (contract 4.7): assignments, project groups, pending Studio batches and their priority order. */
export async function registerStudioRoutes(app: FastifyInstance): Promise<void> {
  const { studio } = app.services;

  app.get('/studio/assignments', { schema: { summary: 'Project assignments of every teammate, keyed by email', tags } }, async (request) => {
    return presentAssignments(await studio.assignments(request.caller));
  });

  app.post('/studio/assignments/add', { schema: { summary: 'Assign teammates to projects; answers the whole assignment map', tags, body: AssignmentBody } }, async (request) => {
    return presentAssignments(await studio.addAssignments(request.caller, objectBody(request.body)));
  });

  app.post('/studio/assignments/remove', { schema: { summary: 'Unassign teammates from projects (they leave its groups); answers the whole map', tags, body: AssignmentBody } }, async (request) => {
    return presentAssignments(await studio.removeAssignments(request.caller, objectBody(request.body)));
  });

  app.get('/studio/projects/:project/groups', { schema: { summary: "A project's labeler groups (bare array, creation order)", tags, params: ProjectParams } }, async (request) => {
    const { project } = request.params as { project: string };
    return (await studio.listGroups(request.caller, project)).map(presentProjectGroup);
  });

  app.post('/studio/projects/:project/groups', { schema: { summary: 'Create a labeler group', tags, params: ProjectParams, body: CreateGroupBody } }, async (request) => {
    const { project } = request.params as { project: string };
    return presentProjectGroup(await studio.createGroup(request.caller, project, objectBody(request.body)));
  });

  app.put('/studio/projects/:project/groups/:group', { schema: { summary: "Add and remove a group's workers", tags, params: GroupParams, body: UpdateGroupBody } }, async (request) => {
    const { project, group } = request.params as { project: string; group: string };
    return presentProjectGroup(await studio.updateGroup(request.caller, project, group, objectBody(request.body)));
  });

  app.get('/studio/batches', { schema: { summary: 'Pending Studio batches in priority order (bare array)', tags } }, async (request) => {
    return (await studio.listBatches(request.caller)).map(presentStudioBatch);
  });

  app.put('/studio/batches/:batch', { schema: { summary: 'Set the groups that work a Studio batch', tags, params: BatchParams, body: BatchGroupsBody } }, async (request) => {
    const { batch } = request.params as { batch: string };
    return presentStudioBatch(await studio.assignBatchGroups(request.caller, batch, objectBody(request.body)));
  });

  app.post('/studio/batches/set_priorities', { schema: { summary: 'Order the pending Studio batches (each exactly once, first is most urgent)', tags, body: PrioritiesBody } }, async (request) => {
    return (await studio.setPriorities(request.caller, objectBody(request.body))).map(presentStudioBatch);
  });

  app.post('/studio/batches/reset_priorities', { schema: { summary: 'Back to the default order, oldest batch first (no body)', tags } }, async (request) => {
    return (await studio.resetPriorities(request.caller)).map(presentStudioBatch);
  });
}
