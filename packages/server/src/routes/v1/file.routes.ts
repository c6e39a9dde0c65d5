import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { objectBody } from '../../domain/lenient.ts';
import { sendFileBytes } from '../../http/file-response.ts';
import { presentFile } from '../../presenters/file.presenter.ts';
import { handleUpload, registerMultipart } from '../../http/multipart-upload.ts';

const tags = ['v1 files'];
const IdParams = Type.Object({ id: Type.String({ description: 'File id, as returned by files/upload or files/import.' }) });
const FileObject = { description: 'The file object: id, attachment_url (tagwright://files/<id>), created_at, updated_at, mime_type, size, project_names, display_name, state, and error when an import failed.' };

const ImportBody = Type.Object(
  {
    file_url: Type.String({ description: 'http(s) URL the server copies the file from, in the background.' }),
    project_name: Type.Optional(Type.String({ description: 'Project the file belongs to (must exist).' })),
    display_name: Type.Optional(Type.String({ description: 'Name shown for the file; defaults to the last segment of the URL path.' })),
  },
  { additionalProperties: true },
);

/**
 * v1 files (contract 4.4): multipart upload streamed to the file store, import from a URL
 * (answers at once; a worker copies the bytes), and, as Tagwright additions, the file object
 * and its bytes by id.
 */
export async function registerFileRoutes(app: FastifyInstance): Promise<void> {
  const { files, config } = app.services;
  await registerMultipart(app, config.uploadLimitBytes);

  app.post(
    '/files/upload',
    {
      schema: {
        summary: 'Upload a file (multipart/form-data: text parts such as project_name and display_name, then the part named file)',
        description: `Streams the file to the file store. Over TAGWRIGHT_UPLOAD_LIMIT_BYTES the answer is 413. ${FileObject.description}`,
        tags,
        consumes: ['multipart/form-data'],
      },
    },
    async (request) => presentFile(await handleUpload(request, 'files/upload', (parts) => files.upload(request.caller, parts))),
  );

  app.post(
    '/files/import',
    { schema: { summary: 'Import a file from a URL (answers at once with state importing)', description: FileObject.description, tags, body: ImportBody } },
    async (request) => presentFile(await files.import(request.caller, objectBody(request.body))),
  );

  app.get('/files/:id', { schema: { summary: 'Get a file object (Tagwright addition)', description: FileObject.description, tags, params: IdParams } }, async (request) => {
    const { id } = request.params as { id: string };
    return presentFile(await files.get(request.caller, id));
  });

  app.get(
    '/files/:id/content',
    { schema: { summary: "Download a file's bytes (Tagwright addition; honours a single Range)", tags, params: IdParams } },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const file = await files.getReadable(request.caller, id);
      return sendFileBytes(request, reply, file, (range) => files.openBytes(file, range), { maxAgeSeconds: 0 });
    },
  );
}
