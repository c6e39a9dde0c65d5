import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';
import { errorBody } from '../../http/errors.ts';

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Tagwright</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#222}code{background:#f2f2f2;padding:.1rem .3rem;border-radius:3px}</style></head>
<body>
<h1>Tagwright</h1>
<p>The server is running, but the web UI has not been built.</p>
<p>Build it with <code>npm run build -w @tagwright/web</code> and restart the server.</p>
<p>The API answers at <code>/v1</code> and <code>/v2</code>; its reference is at <a href="/docs">/docs</a>.</p>
</body>
</html>
`;

/** A path whose last segment has an extension names a file (a script, an image), not a page of the app. */
function looksLikeFile(url: string): boolean {
  const pathname = url.split('?')[0];
  const last = pathname.slice(pathname.lastIndexOf('/') + 1);
  return /\.[A-Za-z0-9]+$/.test(last);
}

/**
 * The web UI: the built single-page app from packages/web/dist at /ui/, with every unknown page
 * under /ui/ answered by index.html so the app's own router can show it; `GET /` redirects there.
 * When the app is not built, /ui/ explains how to build it. Not API routes: no JSON, no auth.
 */
export async function registerUiRoutes(app: FastifyInstance): Promise<void> {
  const root = app.services.config.webDistDir;
  const built = fs.existsSync(path.join(root, 'index.html'));

  // Only `/` itself: every other root path may belong to the v1 API (contract 1.2).
  app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/ui/', 302));

  await app.register(
    async (ui) => {
      if (!built) {
        const notBuilt = async (_request: FastifyRequest, reply: FastifyReply) => reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(NOT_BUILT_PAGE);
        ui.get('/', { schema: { hide: true } }, notBuilt);
        ui.get('/*', { schema: { hide: true } }, notBuilt);
        return;
      }
      await ui.register(fastifyStatic, {
        root,
        prefix: '/',
        index: ['index.html'],
        wildcard: true,
        schemaHide: true,
        // Vite names built assets by content hash, so they never change; index.html must be re-read.
        setHeaders(reply, filePath) {
          const immutable = filePath.includes(`${path.sep}assets${path.sep}`);
          reply.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
        },
      });
      ui.setNotFoundHandler(async (request, reply) => {
        if ((request.method === 'GET' || request.method === 'HEAD') && !looksLikeFile(request.url)) {
          return reply.header('cache-control', 'no-cache').sendFile('index.html');
        }
        return reply.code(404).type('application/json; charset=utf-8').send(errorBody(404, `No file at ${request.url.split('?')[0]}.`));
      });
    },
    { prefix: '/ui' },
  );
}
