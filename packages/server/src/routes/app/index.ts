import type { FastifyInstance } from 'fastify';
import { requireApiKey } from '../../http/auth.ts';

/**
 * What the web UI and dashboard call, under /app. `/app/api/*` is authenticated; for now by API key
 * (managers scripting), and the sign-in issue adds session cookies to the same scope.
 */
export async function registerAppRoutes(app: FastifyInstance): Promise<void> {
  await app.register(
    async (api) => {
      requireApiKey(api, app.services.accounts);
      // Authenticated app routes register here.
    },
    { prefix: '/api' },
  );
}
