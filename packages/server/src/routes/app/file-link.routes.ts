import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { readQuery } from '../../http/query.ts';
import { sendFileBytes } from '../../http/file-response.ts';

/**
 * Signed, time-limited file links (`/app/files/<id>?expires=..&signature=..`), handed out by
 * `FileService.signedFileUrl` (contract 5.9). The signature grants access, so no API key is needed.
 */
export async function registerFileLinkRoutes(app: FastifyInstance): Promise<void> {
  const { files } = app.services;
  app.get(
    '/files/:id',
    {
      schema: {
        summary: 'Download a file through a signed link (no API key; 403 when the signature is wrong or expired; a 302 to the bucket when presigned S3 downloads are on)',
        tags: ['files'],
        params: Type.Object({ id: Type.String() }),
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const query = readQuery(request.query);
      const file = await files.getReadableBySignature(id, query.string('expires'), query.string('signature'));
      const secondsLeft = Math.max(0, Number(query.string('expires')) - Math.floor(Date.now() / 1000));
      // With TAGWRIGHT_S3_PRESIGNED_DOWNLOADS the bucket serves the bytes; the link was checked above all the same.
      const direct = await files.directDownloadUrl(file, secondsLeft);
      if (direct) return reply.header('cache-control', 'private, max-age=0').redirect(direct, 302);
      return sendFileBytes(request, reply, file, (range) => files.openBytes(file, range), { maxAgeSeconds: Math.min(secondsLeft, 3600) });
    },
  );
}
