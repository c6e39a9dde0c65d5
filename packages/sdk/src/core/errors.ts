/**
 * Error classes. Every error the SDK throws is a `ScaleException`; an answer from the server
 * becomes the subclass for its status, with the names the official Python SDK uses, so code that
 * catches `ScaleDuplicateResource` reads the same in both languages.
 */

export interface ScaleExceptionInit {
  /** HTTP status of the answer; absent for connection failures, timeouts and aborts. */
  status?: number;
  /** The parsed error body (`{status_code, error}` on Tagwright and Scale), or its text. */
  body?: unknown;
  headers?: Headers;
  cause?: unknown;
}

/** Base class of every SDK error (the Python SDK's `ScaleException`). */
export class ScaleException extends Error {
  readonly status: number | undefined;
  readonly body: unknown;
  readonly headers: Headers | undefined;

  constructor(message: string, init: ScaleExceptionInit = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = new.target.name;
    this.status = init.status;
    this.body = init.body;
    this.headers = init.headers;
  }

  /** The HTTP status under the Python SDK's attribute name (`err.code`). */
  get code(): number | undefined {
    return this.status;
  }

  /** The request id the server sent back, when it sends one. */
  get requestId(): string | undefined {
    return this.headers?.get('x-request-id') ?? undefined;
  }
}

/** 400: a parameter is missing or invalid, or the state change is not allowed. */
export class ScaleInvalidRequest extends ScaleException {}
/** 401: no valid API key. */
export class ScaleUnauthorized extends ScaleException {}
/** 402: the task type is recognised but not enabled on this deployment. */
export class ScaleNotEnabled extends ScaleException {}
/** 404: the resource does not exist in this account and environment. */
export class ScaleResourceNotFound extends ScaleException {}
/** 409: the unique_id, idempotency key or name is already in use. */
export class ScaleDuplicateResource extends ScaleException {}
/** 429: rate limited (retried automatically before this is thrown). */
export class ScaleTooManyRequests extends ScaleException {}
/** 500: unexpected server failure (retried automatically before this is thrown). */
export class ScaleInternalError extends ScaleException {}
/** 503: overloaded or in maintenance (retried automatically before this is thrown). */
export class ScaleServiceUnavailable extends ScaleException {}
/** 504: a dependency of the server timed out (retried automatically before this is thrown). */
export class ScaleTimeoutError extends ScaleException {}

/** The request never got an answer: DNS, refused or reset connection, lost response. */
export class ScaleConnectionError extends ScaleException {}
/** No answer within the configured `timeout` (per attempt). */
export class ScaleConnectionTimeout extends ScaleConnectionError {}
/** The caller's `AbortSignal` fired; never retried. */
export class ScaleUserAbort extends ScaleException {}

const CLASS_BY_STATUS: Record<number, new (message: string, init: ScaleExceptionInit) => ScaleException> = {
  400: ScaleInvalidRequest,
  401: ScaleUnauthorized,
  402: ScaleNotEnabled,
  404: ScaleResourceNotFound,
  409: ScaleDuplicateResource,
  429: ScaleTooManyRequests,
  500: ScaleInternalError,
  503: ScaleServiceUnavailable,
  504: ScaleTimeoutError,
};

/** The message of an error body: its `error` string (contract 3.3), else `message`, else the raw text. */
function messageOf(status: number, body: unknown, statusText: string): string {
  if (body && typeof body === 'object') {
    const record = body as Record<string, unknown>;
    if (typeof record.error === 'string' && record.error) return record.error;
    if (typeof record.message === 'string' && record.message) return record.message;
    if (typeof record.detail === 'string' && record.detail) return record.detail;
  }
  if (typeof body === 'string' && body.trim()) return body.trim().slice(0, 500);
  return `HTTP ${status}${statusText ? ` ${statusText}` : ''}`;
}

/** Builds the error for a non-success answer: the class for its status, or the base class. */
export function errorFromResponse(status: number, body: unknown, headers: Headers, statusText = ''): ScaleException {
  const ErrorClass = CLASS_BY_STATUS[status] ?? ScaleException;
  return new ErrorClass(messageOf(status, body, statusText), { status, body, headers });
}
