import type { FastifyInstance } from 'fastify';
import { registerProjectRoutes } from './project.routes.ts';
import { registerBatchRoutes } from './batch.routes.ts';
import { registerFileRoutes } from './file.routes.ts';
import { registerTeamRoutes } from './team.routes.ts';
import { registerStudioRoutes } from './studio.routes.ts';
import { registerTaskRoutes } from './task.routes.ts';

/** Every v1 route; the app serves them at the root and, through URL rewriting, under /v1. */
export async function registerV1Routes(app: FastifyInstance): Promise<void> {
  await app.register(registerProjectRoutes);
  await app.register(registerBatchRoutes);
  await app.register(registerFileRoutes);
  await app.register(registerTeamRoutes);
  await app.register(registerStudioRoutes);
  await app.register(registerTaskRoutes);
}
