import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { NotFound } from '../domain/errors.ts';
import type { FileStore } from '../storage/file-store.ts';
import { RESULT_CONTENT_TYPES, resultFileKey } from '../storage/result-files.ts';

/**
 * `GET /r/<folder>/<name>`: a result file (a mask PNG, an annotation file) by its capability URL,
 * with no API key (task-types §1.2). Files never change, so they may be cached for good.
 */
export async function registerResultFileRoutes(app: FastifyInstance, options: { files: FileStore }): Promise<void> {
  app.get(
    '/r/:folder/:name',
    {
      schema: {
        summary: 'Download a result file of a task response (mask PNGs, annotation files); the URL itself grants access',
        tags: ['files'],
        params: Type.Object({ folder: Type.String(), name: Type.String() }),
      },
    },
    async (request, reply) => {
      const { folder, name } = request.params as { folder: string; name: string };
      const key = resultFileKey(folder, name);
      if (!key) throw new NotFound('No such result file.');
      let stream;
      try {
        stream = await options.files.openRead(key);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new NotFound('No such result file.');
        throw error;
      }
      return reply
        .header('content-type', RESULT_CONTENT_TYPES[name.slice(name.lastIndexOf('.') + 1)])
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', 'sandbox')
        .header('cache-control', 'public, max-age=31536000, immutable')
        .send(stream);
    },
  );
}
