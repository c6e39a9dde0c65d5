import type { FastifyInstance } from 'fastify';
import { readQuery } from '../../http/query.ts';
import { InvalidRequest } from '../../domain/errors.ts';

/**
 * `GET /v2/annotation` (contract 9.2, task-types.md §7.4): one annotation of any level of a chat
 * task's threads (thread, turn, message, chunk, rubric), with all its details; 404 for any other id.
 */
export async function registerV2AnnotationRoutes(app: FastifyInstance): Promise<void> {
  app.get('/annotation', { schema: { summary: 'Get an annotation of a chat thread (v2)', tags: ['v2 tasks'] } }, async (request) => {
    const id = readQuery(request.query).string('annotation_id');
    if (!id) throw new InvalidRequest("Missing required parameter 'annotation_id'.");
    return app.services.chat.annotation(request.caller, id);
  });
}
