import type { FastifyInstance } from 'fastify';
import { registerProjectRoutes } from './project.routes.ts';
import { registerBatchRoutes } from './batch.routes.ts';
import { registerStudioRoutes } from './studio.routes.ts';
import { registerTaskRoutes } from './task.routes.ts';

/** Every v1 route; the app serves them at the root and, through URL rewriting, under /v1. */
export async function registerV1Routes(app: FastifyInstance): Promise<void> {
  await app.register(registerProjectRoutes);
  await app.register(registerBatchRoutes);
  await app.register(registerStudioRoutes);
  await app.register(registerTaskRoutes);
}
