import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { objectBody } from '../../domain/lenient.ts';
import { presentAssignments, presentProjectGroup, presentStudioBatch } from '../../presenters/studio.presenter.ts';

const tags = ['v1 studio'];
const segment = (what: string) => Type.String({ description: `${what}, percent-encoded as one path segment (\`/\` as %2F).` });
const ProjectParams = Type.Object({ project: segment('Project name') });
const GroupParams = Type.Object({ project: segment('Project name'), group: segment('Group name') });
const BatchParams = Type.Object({ batch: segment('Batch name') });
const Emails = (description: string) => Type.Array(Type.String(), { description });

const AssignmentBody = Type.Object(
  {
    emails: Emails('Teammate emails.'),
    projects: Type.Array(Type.String(), { description: 'Project names, in the environment of the API key.' }),
  },
  { additionalProperties: true },
);
const CreateGroupBody = Type.Object(
  {
    name: Type.String({ description: 'Group name, unique in the project.' }),
    emails: Type.Optional(Emails('First workers; each must already be assigned to the project.')),
  },
  { additionalProperties: true },
);
const UpdateGroupBody = Type.Object(
  {
    add_emails: Type.Optional(Emails('Workers to add; each must already be assigned to the project.')),
    remove_emails: Type.Optional(Emails('Workers to remove.')),
  },
  { additionalProperties: true },
);
const BatchGroupsBody = Type.Object({ groups: Type.Array(Type.String(), { description: "Names of groups in the batch's project; replaces the batch's groups." }) }, { additionalProperties: true });
const PrioritiesBody = Type.Object(
  { batches: Type.Array(Type.Unknown(), { description: 'Every pending Studio batch exactly once, as {"name": ...}; the first is worked first.' }) },
  { additionalProperties: true },
);

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
