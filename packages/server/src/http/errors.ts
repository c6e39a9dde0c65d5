import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, RateLimited, type DomainErrorCode } from '../domain/errors.ts';
import { isPlainObject } from '../domain/lenient.ts';

/** The one table from domain error code to HTTP status (contract 3.4). */
const STATUS_BY_CODE: Record<DomainErrorCode, number> = {
  invalid_request: 400,
  unauthorized: 401,
  not_enabled: 402,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  rate_limited: 429,
  unavailable: 503,
  dependency_timeout: 504,
};

/** Statuses whose answers tell the client when to retry (contract 10.3). */
const RETRY_AFTER_SECONDS: Partial<Record<number, number>> = { 429: 1, 503: 5 };

export function errorBody(status: number, message: string, details?: Record<string, unknown>) {
  return { status_code: status, error: message, ...details };
}

/** Turns an ajv validation error into a sentence that names the field to fix. */
function validationMessage(error: FastifyError): string {
  const first = error.validation?.[0];
  if (!first) return error.message;
  const where = error.validationContext ?? 'body';
  const field = (first.instancePath || '').replace(/^\//, '').replace(/\//g, '.');
  const missing = (first.params as { missingProperty?: string } | undefined)?.missingProperty;
  if (missing) return `Missing required parameter '${field ? `${field}.` : ''}${missing}' in the request ${where}.`;
  const allowed = (first.params as { allowedValues?: unknown[] } | undefined)?.allowedValues;
  if (allowed) return `Invalid value for '${field}': must be one of ${allowed.map(String).join(', ')}.`;
  return field ? `Invalid value for '${field}': ${first.message}.` : `Invalid request ${where}: ${first.message}.`;
}

/** Fastify's own 4xx errors, by its error code, become our body with a clear message. */
function frameworkClientError(error: FastifyError): { status: number; message: string } | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
    case 'FST_REQ_FILE_TOO_LARGE':
    case 'FST_PARTS_LIMIT':
    case 'FST_FILES_LIMIT':
      return { status: 413, message: 'The request body is larger than this server accepts.' };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 400, message: `Unsupported Content-Type; send application/json (or multipart/form-data for file uploads).` };
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { status: 400, message: 'The Content-Length header does not match the body.' };
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return { status: 400, message: 'This endpoint expects a multipart/form-data body.' };
  }
  if (error.validation) return { status: 400, message: validationMessage(error) };
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    // 422 is never used (contract 3.4); 415 and other framework 4xx become 400.
    const status = [401, 404, 413, 429].includes(error.statusCode) ? error.statusCode : 400;
    return { status, message: error.message };
  }
  return undefined;
}

/** Renders every error the same way: `{status_code, error}`, status from the table; unknown errors are logged as 500. */
export function handleError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
  let status: number;
  let message: string;
  let details: Record<string, unknown> | undefined;
  if (error instanceof DomainError) {
    status = STATUS_BY_CODE[error.code];
    message = error.message;
    details = error.details;
  } else {
    const client = frameworkClientError(error as FastifyError);
    if (client) ({ status, message } = client);
    else {
      request.log.error({ err: error }, 'unhandled error');
      status = 500;
      message = 'Internal server error. The failure was logged; please retry or contact the server administrator.';
    }
  }
  // The Python client reads a 409's request body as an object whenever the path contains "task";
  // with no body or an array body it crashes instead of raising (contract 7.4). Say 400 there.
  if (status === 409 && request.url.includes('task') && !isPlainObject(request.body)) status = 400;
  const retryAfter = error instanceof RateLimited ? error.retryAfterSeconds : RETRY_AFTER_SECONDS[status];
  if (retryAfter !== undefined && !reply.hasHeader('retry-after')) reply.header('retry-after', String(retryAfter));
  if (status === 413) reply.removeHeader('retry-after');
  reply.code(status).type('application/json; charset=utf-8').send(errorBody(status, message, details));
}
