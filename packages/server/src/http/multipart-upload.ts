import type { FastifyInstance, FastifyRequest } from 'fastify';
import multipart from '@fastify/multipart';
import { DomainError, InvalidRequest } from '../domain/errors.ts';
import type { UploadPart } from '../services/file.service.ts';

/*
 * The one multipart upload path (v1 files/upload, chat file answers): the parser's parts in the
 * parser-neutral shape FileService.upload reads, and the error handling around it (a malformed
 * body is a 400, the rest of a refused body is drained so the connection stays usable).
 */

/** Text parts are small; the file part is bounded by the route's own limit. */
export const FIELD_LIMIT_BYTES = 64 * 1024;
const MAX_FIELDS = 100;

/** Registers the multipart parser in the calling plugin's scope, with one file of at most `fileLimitBytes`. */
export async function registerMultipart(app: FastifyInstance, fileLimitBytes: number): Promise<void> {
  // One byte past the limit reaches the store, which then refuses the file and keeps nothing.
  await app.register(multipart, {
    limits: { fileSize: fileLimitBytes + 1, files: 1, fields: MAX_FIELDS, fieldSize: FIELD_LIMIT_BYTES, parts: MAX_FIELDS + 1 },
    throwFileSizeLimit: true,
  });
}

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
        const mark = (error: Error | null) => {
          if (error && !isPluginLimitError(error)) malformedBodies.set(request, error);
        };
        // A body already read whole (the route awaited the database first) can fail before anyone listens.
        mark(stream.errored);
        stream.on('error', mark);
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
export function discardUnreadBody(request: FastifyRequest): void {
  if (request.raw.readableEnded) return;
  request.raw.unpipe();
  request.raw.resume();
}

/**
 * Runs `store` over the request's multipart parts: 400 when the body is not multipart or is
 * malformed; on any refusal the rest of the body is drained.
 */
export async function handleUpload<T>(request: FastifyRequest, what: string, store: (parts: AsyncIterable<UploadPart>) => Promise<T>): Promise<T> {
  if (!request.isMultipart()) throw new InvalidRequest(`${what} expects a multipart/form-data body with the file in the part named 'file'.`);
  try {
    return await store(uploadParts(request));
  } catch (error) {
    discardUnreadBody(request);
    // The parser's error event can trail the store's own failure by a tick.
    if (!(error instanceof DomainError)) await new Promise((resolve) => setImmediate(resolve));
    const malformed = malformedBodies.get(request);
    if (malformed && !(error instanceof DomainError)) throw malformedMultipart(malformed);
    throw error;
  }
}
