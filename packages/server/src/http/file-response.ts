import type { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { StoredFile } from '../repositories/file.repository.ts';
import type { ByteRange } from '../storage/file-store.ts';

/** The one byte range asked for by `Range: bytes=a-b`, `a-` or `-n`, when it fits the file; otherwise the whole file is sent. */
export function requestedRange(header: string | undefined, size: number): ByteRange | undefined {
  const match = header ? /^\s*bytes=(\d*)-(\d*)\s*$/.exec(header) : null;
  if (!match || size === 0 || (match[1] === '' && match[2] === '')) return undefined;
  let start: number;
  let end: number;
  if (match[1] === '') {
    start = Math.max(0, size - Number(match[2]));
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  return start <= end && start < size ? { start, end } : undefined;
}

/**
 * Streams a stored file's bytes with its type, length and name. Stored files are user content, so
 * they are never sniffed and never run scripts in the server's origin (CSP sandbox).
 */
export async function sendFileBytes(
  request: FastifyRequest,
  reply: FastifyReply,
  file: StoredFile,
  open: (range?: ByteRange) => Promise<Readable>,
  options: { maxAgeSeconds: number },
): Promise<FastifyReply> {
  const size = file.size ?? 0;
  const range = requestedRange(request.headers.range, size);
  const stream = await open(range);
  const name = file.display_name ?? file.id;
  reply
    .header('content-type', file.mime_type ?? 'application/octet-stream')
    .header('content-disposition', `inline; filename*=UTF-8''${encodeURIComponent(name)}`)
    .header('accept-ranges', 'bytes')
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', 'sandbox')
    .header('cache-control', `private, max-age=${options.maxAgeSeconds}`);
  if (file.sha256) reply.header('etag', `"${file.sha256}"`);
  if (range) {
    reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${size}`).header('content-length', String(range.end - range.start + 1));
  } else {
    reply.header('content-length', String(size));
  }
  return reply.send(stream);
}
