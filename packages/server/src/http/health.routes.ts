import type { FastifyInstance } from 'fastify';
import { ping } from '../db/connect.ts';
import type { Services } from '../services/container.ts';

/** Whether this process still wants new requests; flipped by a SIGTERM (docs/deployment.md). */
export class Readiness {
  draining = false;
}

/**
 * `/healthz` (liveness: the process answers and reaches its database) and `/readyz` (readiness:
 * also the file store, and not draining). A load balancer routes by /readyz, so a draining node
 * stops getting new requests while it finishes the ones it has; an orchestrator restarts by /healthz.
 */
export function registerHealthRoutes(app: FastifyInstance, services: Services, readiness: Readiness): void {
  // While draining, keep-alive clients are told to reconnect, so their next request goes through
  // the load balancer to a node that is staying.
  app.addHook('onSend', async (_request, reply) => {
    if (readiness.draining) reply.header('connection', 'close');
  });

  app.get('/healthz', { schema: { hide: true } }, async (_request, reply) => {
    await ping(services.db);
    return reply.send({ status: 'ok' });
  });

  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    if (readiness.draining) return reply.code(503).send({ status: 'draining' });
    const failures: Record<string, string> = {};
    await ping(services.db).catch((error: Error) => (failures.database = error.message || error.name));
    await services.files.checkStore().catch((error: Error) => (failures.file_store = error.message || error.name));
    if (Object.keys(failures).length > 0) return reply.code(503).send({ status: 'unavailable', failures });
    return reply.send({ status: 'ready' });
  });
}
