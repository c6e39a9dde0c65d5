import type { FastifyInstance } from 'fastify';

/** Every v2 route, registered under /v2. */
export async function registerV2Routes(_app: FastifyInstance): Promise<void> {}
