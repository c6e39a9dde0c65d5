/**
 * How every validator of this package reports a problem: it throws a `FormatError` naming the
 * first thing to fix (with a path such as `response.annotations[2].label`) and returns nothing when
 * the value is fine. The server maps a FormatError to a 400 InvalidRequest with the same message;
 * the web shows the message (see `problemsOf`). A plain Error subclass, so this package stays free
 * of any server code.
 */
export class FormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FormatError';
  }
}

/** `Invalid value for '<path>': <problem>.`, the wording the server's 400s use. */
export function invalid(path: string, problem: string): FormatError {
  return new FormatError(`Invalid value for '${path}': ${problem}.`);
}

/** `Missing required parameter '<path>': <what>.` */
export function missing(path: string, what: string): FormatError {
  return new FormatError(`Missing required parameter '${path}': ${what}.`);
}

/** Runs a validator and returns its problem as a list (empty when there is none), for forms that list problems. */
export function problemsOf(check: () => void): string[] {
  try {
    check();
    return [];
  } catch (error) {
    if (error instanceof FormatError) return [error.message];
    throw error;
  }
}

/** A JSON object (not an array, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
