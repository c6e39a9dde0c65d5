import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { errorBody } from './errors.ts';

/**
 * Answers requests that Node's HTTP parser refuses before Fastify routes them (a raw byte ≥ 0x80
 * in the request target, a request line and headers over 16 KB, a malformed header) in the
 * contract's shape `{status_code, error}`, not Fastify's default `{error, message, statusCode}`.
 */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  // A reset or timed-out connection has nobody to answer.
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const message =
    status === 431
      ? 'The request line and headers are larger than this server accepts (16 KB): shorten the URL, for example by sending long values in a JSON body or by paging.'
      : status === 408
        ? 'The request was not received in time; send it again.'
        : `The request could not be parsed (${error.code ?? error.message}): percent-encode every byte of the path and query outside printable ASCII, and send well-formed headers.`;
  const body = JSON.stringify(errorBody(status, message));
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
