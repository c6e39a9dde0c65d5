import type { FastifyInstance } from 'fastify';
import { readQuery } from '../../http/query.ts';
import { InvalidRequest, NotFound } from '../../domain/errors.ts';

/**
 * `GET /v2/annotation` (contract 9.2). Annotations exist only inside chat task threads, and
 * Tagwright keeps no chat threads (docs/v2.md), so every id is unknown: 404.
 */
export async function registerV2AnnotationRoutes(app: FastifyInstance): Promise<void> {
  app.get('/annotation', { schema: { summary: 'Get an annotation of a chat thread (v2)', tags: ['v2 tasks'] } }, async (request) => {
    const id = readQuery(request.query).string('annotation_id');
    if (!id) throw new InvalidRequest("Missing required parameter 'annotation_id'.");
    throw new NotFound(`No annotation with id "${id}" exists. Annotations exist only in chat task threads, and this deployment keeps none.`);
  });
}
