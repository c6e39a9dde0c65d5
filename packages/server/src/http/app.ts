import Fastify, { LogController, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Services } from '../services/container.ts';
import { handleError, errorBody } from './errors.ts';
import { answerClientError } from './client-errors.ts';
import { parseQueryString, registerJsonParser, rewriteUrl } from './parsers.ts';
import { requireApiKey } from './auth.ts';
import { refuseNulCharacters } from './nul-guard.ts';
import { RateLimiter, type ApiRateLimit } from './rate-limit.ts';
import { SharedRateLimiter } from './shared-rate-limit.ts';
import { RateLimitRepository } from '../repositories/rate-limit.repository.ts';
import { Readiness, registerHealthRoutes } from './health.routes.ts';
import { registerV1Routes } from '../routes/v1/index.ts';
import { registerV2Routes } from '../routes/v2/index.ts';
import { registerAppRoutes } from '../routes/app/index.ts';
import { registerUiRoutes } from '../routes/ui/ui.routes.ts';
import { registerResultFileRoutes } from '../routes/result-file.routes.ts';

declare module 'fastify' {
  interface FastifyInstance {
    services: Services;
  }
}

export interface BuildAppOptions {
  logger?: boolean | object;
  /** Shared with the process's shutdown, which marks it draining (GET /readyz answers 503). */
  readiness?: Readiness;
}

/** Builds the HTTP application: parsers, error shape, OpenAPI, health, and the v1, v2 and app route trees. */
export async function buildApp(services: Services, options: BuildAppOptions = {}): Promise<FastifyInstance> {
  const { config } = services;
  const app = Fastify({
    logger: options.logger ?? { level: config.logLevel },
    bodyLimit: config.bodyLimitBytes,
    // Errors, start-up and worker events are logged at LOG_LEVEL; a line per request only on demand.
    logController: new LogController({ disableRequestLogging: !config.requestLog }),
    rewriteUrl: (request) => rewriteUrl(request.url ?? '/'),
    routerOptions: { querystringParser: parseQueryString, ignoreTrailingSlash: true, maxParamLength: 1000 },
    ajv: { customOptions: { coerceTypes: true, removeAdditional: false, allErrors: false } },
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    // Malformed percent escapes in the path (FST_ERR_BAD_URL) and over-long names answer in the contract's error shape too.
    frameworkErrors: (error, request, reply) => handleError(error, request, reply),
    // Requests Node's parser refuses before routing answer in the same shape (http/client-errors.ts).
    clientErrorHandler: answerClientError,
  });
  app.decorate('services', services);
  registerJsonParser(app);
  refuseNulCharacters(app);
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) => {
    reply.code(404).type('application/json; charset=utf-8').send(errorBody(404, `No route for ${request.method} ${request.url.split('?')[0]}.`));
  });
  await app.register(swagger, {
    openapi: {
      info: { title: 'Tagwright API', version: '0.1.0', description: 'Scale-compatible labeling API. v1 routes answer at the root and under /v1.' },
      components: { securitySchemes: { basic: { type: 'http', scheme: 'basic' }, bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ basic: [] }, { bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  registerHealthRoutes(app, services, options.readiness ?? new Readiness());

  // The API: authenticated by key, rate limited per key (one hook), v1 at the root and v2 under /v2.
  await app.register(async (api) => {
    // Several processes share a PostgreSQL database, so there the limit is counted in it; SQLite is one node.
    const limiter: ApiRateLimit =
      services.db.dialect.name === 'postgres'
        ? new SharedRateLimiter(config.rateLimitPerMinute, new RateLimitRepository(services.db.kysely), (error) => app.log.error({ err: error }, 'rate limit: could not reach the shared bucket'))
        : new RateLimiter(config.rateLimitPerMinute);
    app.addHook('onClose', async () => {
      await limiter.close?.();
    });
    requireApiKey(api, services.accounts, limiter);
    await api.register(registerV1Routes);
    await api.register(registerV2Routes, { prefix: '/v2' });
  });
  await app.register(registerAppRoutes, { prefix: '/app' });
  // Result files (mask PNGs, video annotation files): their unguessable URL is the access, no key (task-types §1.2).
  await app.register(registerResultFileRoutes, { files: services.resultFiles });
  await app.register(registerUiRoutes);
  return app;
}
