/**
 * Domain errors thrown by services. Each carries a stable code; http/errors.ts maps codes to
 * HTTP statuses in one table. Never classify an error by its message.
 */
export type DomainErrorCode =
  | 'invalid_request'
  | 'unauthorized'
  | 'not_enabled'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'rate_limited'
  | 'unavailable'
  | 'dependency_timeout';

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    /** Extra keys added to the error body next to status_code and error. */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class InvalidRequest extends DomainError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('invalid_request', message, details);
  }
}
export class Unauthorized extends DomainError {
  constructor(message = 'Please provide a valid API key.', details?: Record<string, unknown>) {
    super('unauthorized', message, details);
  }
}
export class NotEnabled extends DomainError {
  constructor(message: string) {
    super('not_enabled', message);
  }
}
export class Forbidden extends DomainError {
  constructor(message: string) {
    super('forbidden', message);
  }
}
export class NotFound extends DomainError {
  constructor(message: string) {
    super('not_found', message);
  }
}
export class Conflict extends DomainError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('conflict', message, details);
  }
}
export class PayloadTooLarge extends DomainError {
  constructor(message: string) {
    super('payload_too_large', message);
  }
}
export class RateLimited extends DomainError {
  constructor(
    message: string,
    /** Whole seconds until a retry can succeed, sent as Retry-After. */
    readonly retryAfterSeconds: number,
  ) {
    super('rate_limited', message);
  }
}
