import type { FastifyInstance } from 'fastify';
import { readQuery } from '../../http/query.ts';
import { presentV2Project } from '../../presenters/v2/project.presenter.ts';
import { projectRefOf } from './common.ts';

const tags = ['v2 projects'];

/** v2 projects (contract 9.2): get by id or name, list (unpaginated, newest first). */
export async function registerV2ProjectRoutes(app: FastifyInstance): Promise<void> {
  const { v2, projects } = app.services;

  app.get('/project', { schema: { summary: 'Get a project by id or name (v2)', tags } }, async (request) => {
    return presentV2Project(await v2.references.project(request.caller, projectRefOf(readQuery(request.query))));
  });

  app.get('/projects', { schema: { summary: 'List projects (v2)', tags } }, async (request) => {
    const query = readQuery(request.query);
    const list = await projects.list(request.caller, { createdFrom: query.timestamp('created_after'), createdTo: query.timestamp('created_before') });
    return { projects: list.map(presentV2Project) };
  });
}
