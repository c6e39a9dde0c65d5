import type { FastifyInstance } from 'fastify';

/** Every v1 route; the app serves them at the root and, through URL rewriting, under /v1. */
export async function registerV1Routes(_app: FastifyInstance): Promise<void> {}
