import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { objectBody } from '../../domain/lenient.ts';
import { TASK_TYPES } from '../../domain/task-types.ts';
import { readQuery } from '../../http/query.ts';
import { emptyBodyAs } from '../../http/empty-body.ts';
import { presentProject, presentTaskTemplate } from '../../presenters/project.presenter.ts';

const tags = ['v1 projects'];
const NameParams = Type.Object({ name: Type.String({ description: 'Project name, percent-encoded as one path segment (`/` as %2F).' }) });

const CreateProjectBody = Type.Object(
  {
    type: Type.String({ description: `Task type of the project's tasks: one of ${TASK_TYPES.join(', ')}.` }),
    name: Type.String({ description: 'Project name, unique per account and environment.' }),
    params: Type.Optional(Type.Union([Type.Null(), Type.Record(Type.String(), Type.Unknown())], { description: 'Default task parameters; becomes param_history version 0.' })),
    rapid: Type.Optional(Type.Unknown({ description: 'Scale Rapid project (boolean, also "true"/"false").' })),
    studio: Type.Optional(Type.Unknown({ description: 'Scale Studio project (boolean, also "true"/"false").' })),
    datasetId: Type.Optional(Type.Union([Type.Null(), Type.String()])),
    pipeline: Type.Optional(Type.Union([Type.Null(), Type.String({ description: 'standard_task or consensus_task (Studio).' })])),
    consensus_attempts: Type.Optional(Type.Unknown({ description: 'Whole number of at least 1 (Studio consensus).' })),
  },
  { additionalProperties: true },
);

const SetParamsBody = Type.Record(Type.String(), Type.Unknown(), {
  description: 'The new parameters, plus optional `patch` (boolean or "true"/"false"): merge over the previous version instead of replacing it.',
});

/** v1 projects (contract 4.3): create, get, list (bare array), setParams, taskTemplates. */
/** Bodies the client may drop when empty are read as {}. */
const emptyObject = emptyBodyAs(() => ({}));

export async function registerProjectRoutes(app: FastifyInstance): Promise<void> {
  const { projects } = app.services;

  app.post('/projects', { preValidation: emptyObject, schema: { summary: 'Create a project', tags, body: CreateProjectBody } }, async (request) => {
    const project = await projects.create(request.caller, objectBody(request.body));
    return presentProject(project);
  });

  app.get('/projects', { schema: { summary: 'List projects (bare array, newest first)', tags } }, async (request) => {
    const archived = readQuery(request.query).boolean('archived');
    return (await projects.list(request.caller, { archived })).map(presentProject);
  });

  app.get('/projects/:name', { schema: { summary: 'Get a project by name', tags, params: NameParams } }, async (request) => {
    const { name } = request.params as { name: string };
    return presentProject(await projects.get(request.caller, name));
  });

  app.post('/projects/:name/setParams', { preValidation: emptyObject, schema: { summary: 'Append a parameter version', tags, params: NameParams, body: SetParamsBody } }, async (request) => {
    const { name } = request.params as { name: string };
    return presentProject(await projects.setParams(request.caller, name, objectBody(request.body)));
  });

  app.get('/projects/:name/taskTemplates', { schema: { summary: "Get the project's task template", tags, params: NameParams } }, async (request) => {
    const { name } = request.params as { name: string };
    return presentTaskTemplate(await projects.taskTemplate(request.caller, name));
  });
}
