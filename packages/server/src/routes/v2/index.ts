import type { FastifyInstance } from 'fastify';
import { registerV2TaskRoutes } from './task.routes.ts';
import { registerV2AnnotationRoutes } from './annotation.routes.ts';
import { registerV2BatchRoutes } from './batch.routes.ts';
import { registerV2ProjectRoutes } from './project.routes.ts';
import { registerV2DeliveryRoutes } from './delivery.routes.ts';
import { registerV2DatasetRoutes } from './dataset.routes.ts';

/** Every v2 route, registered under /v2 (docs/v2.md). */
export async function registerV2Routes(app: FastifyInstance): Promise<void> {
  await app.register(registerV2TaskRoutes);
  await app.register(registerV2AnnotationRoutes);
  await app.register(registerV2BatchRoutes);
  await app.register(registerV2ProjectRoutes);
  await app.register(registerV2DeliveryRoutes);
  await app.register(registerV2DatasetRoutes);
}
