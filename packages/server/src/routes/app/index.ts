import type { FastifyInstance } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import { authenticateAppRequests } from '../../http/app-auth.ts';
import { registerPublicSessionRoutes, registerSessionRoutes } from './session.routes.ts';
import { registerFileLinkRoutes } from './file-link.routes.ts';
import { registerDeliveryRoutes } from './delivery.routes.ts';
import { registerWorkbenchRoutes } from './workbench.routes.ts';
import { registerDashboardRoutes } from './dashboard.routes.ts';
import { registerAccountAdminRoutes } from './account-admin.routes.ts';
import { registerExportRoutes } from './export.routes.ts';
import { registerStudioAppRoutes } from './studio.routes.ts';
import { registerChatAppRoutes } from './chat.routes.ts';

/**
 * What the web UI and dashboard call, under /app. `/app/api/*` is authenticated by the session
 * cookie (browsers; writes need `x-csrf-token`) or by an API key (scripts; acts as the account's
 * admin). Sign-in, invitation acceptance and sign-out are the only routes outside that scope.
 * Inside, `request.appUser` says who calls; guard routes with `requireRole(...)` from http/app-auth.ts.
 */
export async function registerAppRoutes(app: FastifyInstance): Promise<void> {
  // Signed file links (/app/files/<id>?expires=..&signature=..): the signature is the credential.
  await app.register(registerFileLinkRoutes);
  await app.register(
    async (api) => {
      // Parses Cookie into request.cookies and gives reply.setCookie (the session cookie is not signed: its value is a random token looked up by hash).
      await api.register(fastifyCookie);
      await api.register(registerPublicSessionRoutes);
      await api.register(async (authenticated) => {
        authenticateAppRequests(authenticated, app.services);
        await authenticated.register(registerSessionRoutes);
        await authenticated.register(registerDeliveryRoutes);
        await authenticated.register(registerWorkbenchRoutes);
        await authenticated.register(registerDashboardRoutes);
        await authenticated.register(registerAccountAdminRoutes);
        await authenticated.register(registerExportRoutes);
        await authenticated.register(registerStudioAppRoutes);
        await authenticated.register(registerChatAppRoutes);
        // Authenticated app routes register here.
      });
    },
    { prefix: '/api' },
  );
}
