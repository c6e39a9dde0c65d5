import type { FastifyInstance } from 'fastify';

/** What the web UI calls (session auth), registered under /app. */
export async function registerAppRoutes(_app: FastifyInstance): Promise<void> {}
