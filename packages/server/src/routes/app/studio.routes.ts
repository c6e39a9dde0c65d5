import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AssignmentBody, BatchGroupsBody, BatchParams, CreateGroupBody, GroupParams, PrioritiesBody, ProjectParams, RenameGroupBody, UpdateGroupBody } from '../studio.schemas.ts';
import { requireRole, ROLES } from '../../http/app-auth.ts';
import { objectBody } from '../../domain/lenient.ts';
import { presentAppAssignments, presentAppGroup, presentAppStudioBatch } from '../../presenters/studio.presenter.ts';
import type { AssignmentMap } from '../../services/studio.service.ts';

const tags = ['app studio'];
/**
 * The Studio management page of the dashboard (docs/app-api.md, Studio): who is assigned to which
 * project, the project's groups, and the pending Studio batches with their groups and priority order.
 * Members, managers and admins (and API keys); labelers get 403. Every route calls the same
 * StudioService method as its v1 twin (routes/v1/studio.routes.ts), so validation and scoping
 * (names resolve in the caller's account and environment; others' projects are 404) are the same;
 * only the wire spelling differs (snake_case, wrapped objects). Renaming and deleting a group
 * exist here only: the Scale contract has no such v1 calls.
 */
export async function registerStudioAppRoutes(app: FastifyInstance): Promise<void> {
  const { studio, teams } = app.services;
  const managers = requireRole(...ROLES.reviewers);

  const assignments = async (request: FastifyRequest, map: AssignmentMap) => presentAppAssignments(await teams.list(request.caller.account.id), map);

  app.get('/studio/assignments', { schema: { summary: 'Every teammate with the projects they are assigned to', tags }, preHandler: managers }, async (request) =>
    assignments(request, await studio.assignments(request.caller)),
  );

  app.post(
    '/studio/assignments/add',
    { schema: { summary: 'Assign teammates to projects; answers every teammate with their projects', tags, body: AssignmentBody }, preHandler: managers },
    async (request) => assignments(request, await studio.addAssignments(request.caller, objectBody(request.body))),
  );

  app.post(
    '/studio/assignments/remove',
    { schema: { summary: "Unassign teammates from projects (they also leave the projects' groups)", tags, body: AssignmentBody }, preHandler: managers },
    async (request) => assignments(request, await studio.removeAssignments(request.caller, objectBody(request.body))),
  );

  app.get(
    '/studio/projects/:project/groups',
    { schema: { summary: "A project's labeler groups, in creation order", tags, params: ProjectParams }, preHandler: managers },
    async (request) => {
      const { project } = request.params as { project: string };
      return { groups: (await studio.listGroups(request.caller, project)).map(presentAppGroup) };
    },
  );

  app.post(
    '/studio/projects/:project/groups',
    { schema: { summary: 'Create a labeler group in a project', tags, params: ProjectParams, body: CreateGroupBody }, preHandler: managers },
    async (request) => {
      const { project } = request.params as { project: string };
      return { group: presentAppGroup(await studio.createGroup(request.caller, project, objectBody(request.body))) };
    },
  );

  app.put(
    '/studio/projects/:project/groups/:group',
    { schema: { summary: "Add and remove a group's workers", tags, params: GroupParams, body: UpdateGroupBody }, preHandler: managers },
    async (request) => {
      const { project, group } = request.params as { project: string; group: string };
      return { group: presentAppGroup(await studio.updateGroup(request.caller, project, group, objectBody(request.body))) };
    },
  );

  app.patch(
    '/studio/projects/:project/groups/:group',
    { schema: { summary: 'Rename a labeler group (its workers and batches stay)', tags, params: GroupParams, body: RenameGroupBody }, preHandler: managers },
    async (request) => {
      const { project, group } = request.params as { project: string; group: string };
      return { group: presentAppGroup(await studio.renameGroup(request.caller, project, group, objectBody(request.body))) };
    },
  );

  app.delete(
    '/studio/projects/:project/groups/:group',
    {
      schema: { summary: "Delete a labeler group and its memberships (409 while a batch that is not cancelled is assigned to it); answers the project's remaining groups", tags, params: GroupParams },
      preHandler: managers,
    },
    async (request) => {
      const { project, group } = request.params as { project: string; group: string };
      return { groups: (await studio.deleteGroup(request.caller, project, group)).map(presentAppGroup) };
    },
  );

  app.get('/studio/batches', { schema: { summary: 'Pending Studio batches of every project, in priority order', tags }, preHandler: managers }, async (request) => ({
    batches: (await studio.listBatches(request.caller)).map(presentAppStudioBatch),
  }));

  app.put(
    '/studio/batches/:batch',
    { schema: { summary: 'Set the groups that work a Studio batch (replaces them)', tags, params: BatchParams, body: BatchGroupsBody }, preHandler: managers },
    async (request) => {
      const { batch } = request.params as { batch: string };
      return { batch: presentAppStudioBatch(await studio.assignBatchGroups(request.caller, batch, objectBody(request.body))) };
    },
  );

  app.post(
    '/studio/batches/set_priorities',
    { schema: { summary: 'Order the pending Studio batches (each exactly once, first is most urgent)', tags, body: PrioritiesBody }, preHandler: managers },
    async (request) => ({ batches: (await studio.setPriorities(request.caller, objectBody(request.body))).map(presentAppStudioBatch) }),
  );

  app.post(
    '/studio/batches/reset_priorities',
    { schema: { summary: 'Back to the default order, oldest batch first', tags }, preHandler: managers },
    async (request) => ({ batches: (await studio.resetPriorities(request.caller)).map(presentAppStudioBatch) }),
  );
}
