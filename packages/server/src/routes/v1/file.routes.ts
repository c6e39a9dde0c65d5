import type { FastifyInstance, FastifyRequest } from 'fastify';
import multipart from '@fastify/multipart';
import { Type } from 'typebox';
import { DomainError, InvalidRequest } from '../../domain/errors.ts';
import { objectBody } from '../../domain/lenient.ts';
import { sendFileBytes } from '../../http/file-response.ts';
import { presentFile } from '../../presenters/file.presenter.ts';
import type { UploadPart } from '../../services/file.service.ts';

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

/** Text parts are small; the file part is bounded by TAGWRIGHT_UPLOAD_LIMIT_BYTES. */
const FIELD_LIMIT_BYTES = 64 * 1024;
const MAX_FIELDS = 100;

/**
 * Errors the multipart parser raised on this body (no boundary, a wrong one, a body that ends
 * early, garbage): the client's mistake, so a 400, whether it surfaces from the part iterator or
 * from the file stream the store was reading.
 */
const malformedBodies = new WeakMap<FastifyRequest, Error>();

function malformedMultipart(error: Error): InvalidRequest {
  return new InvalidRequest(
    `The multipart/form-data body is malformed (${error.message}). Send a Content-Type with the boundary that separates the parts, ` +
      "close the body with the final boundary, and put the file in the part named 'file'.",
  );
}

/** True for the multipart plugin's own limit errors (413), which keep their answer. */
function isPluginLimitError(error: unknown): boolean {
  return typeof (error as { code?: unknown })?.code === 'string' && (error as { code: string }).code.startsWith('FST_');
}

/** The parts of a multipart body in the parser-neutral shape the file service reads. */
async function* uploadParts(request: FastifyRequest): AsyncIterable<UploadPart> {
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        const stream = part.file;
        // The store may report the failure as its own (a premature close), so the request is marked.
        stream.on('error', (error) => {
          if (!isPluginLimitError(error)) malformedBodies.set(request, error);
        });
        yield { kind: 'file', name: part.fieldname, filename: part.filename || undefined, mimeType: part.mimetype || undefined, stream, truncated: () => stream.truncated };
      } else {
        if (part.valueTruncated) throw new InvalidRequest(`The multipart field '${part.fieldname}' is longer than ${FIELD_LIMIT_BYTES} bytes.`);
        yield { kind: 'field', name: part.fieldname, value: typeof part.value === 'string' ? part.value : JSON.stringify(part.value) };
      }
    }
  } catch (error) {
    if (error instanceof DomainError || isPluginLimitError(error) || !(error instanceof Error)) throw error;
    throw malformedMultipart(error);
  }
}

/**
 * After an upload is refused part-way (413, 400), reads and drops the rest of the body. Node stops
 * reading a socket whose request body nobody consumes, so without this the client's next request
 * on the same keep-alive connection would hang.
 */
function discardUnreadBody(request: FastifyRequest): void {
  if (request.raw.readableEnded) return;
  request.raw.unpipe();
  request.raw.resume();
}

/**
 * v1 files (contract 4.4): multipart upload streamed to the file store, import from a URL
 * (answers at once; a worker copies the bytes), and, as Tagwright additions, the file object
 * and its bytes by id.
 */
export async function registerFileRoutes(app: FastifyInstance): Promise<void> {
  const { files, config } = app.services;
  // One byte past the limit reaches the store, which then refuses the file and keeps nothing.
  await app.register(multipart, {
    limits: { fileSize: config.uploadLimitBytes + 1, files: 1, fields: MAX_FIELDS, fieldSize: FIELD_LIMIT_BYTES, parts: MAX_FIELDS + 1 },
    throwFileSizeLimit: true,
  });

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
    async (request) => {
      if (!request.isMultipart()) throw new InvalidRequest('files/upload expects a multipart/form-data body with the file in the part named \'file\'.');
      try {
        return presentFile(await files.upload(request.caller, uploadParts(request)));
      } catch (error) {
        discardUnreadBody(request);
        // The parser's error event can trail the store's own failure by a tick.
        if (!(error instanceof DomainError)) await new Promise((resolve) => setImmediate(resolve));
        const malformed = malformedBodies.get(request);
        if (malformed && !(error instanceof DomainError)) throw malformedMultipart(malformed);
        throw error;
      }
    },
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
