import type { FastifyInstance, FastifyRequest } from 'fastify';
import { InvalidRequest } from '../domain/errors.ts';

/**
 * One rule for the NUL character (U+0000) on both databases: a request that carries one in a path
 * parameter, a query parameter, or any string or key of its JSON body is refused with a 400 naming
 * where it is. PostgreSQL cannot store or even compare it in text and JSON columns (it answered
 * 500), while SQLite stored it; no Scale field needs it. Checked once, where strings enter, so no
 * route or repository has to think about it (docs/tasks.md "Limits on input").
 */
export function refuseNulCharacters(app: FastifyInstance): void {
  app.addHook('preValidation', (request, _reply, done) => {
    const where = nulLocation(request);
    if (where === undefined) return done();
    done(new InvalidRequest(`Invalid value for ${where}: the NUL character (\\u0000) is not accepted in any string.`));
  });
}

const NUL = '\u0000';

/** Where the request carries a NUL character, as a phrase naming the field, or undefined. */
function nulLocation(request: FastifyRequest): string | undefined {
  const params = request.params as Record<string, unknown> | undefined;
  for (const key in params) {
    const value = params[key];
    if (typeof value === 'string' && value.includes(NUL)) return `'${key}'`;
  }
  const query = request.query as Record<string, unknown> | undefined;
  for (const key in query) {
    const value = query[key];
    if (typeof value === 'string' ? value.includes(NUL) : Array.isArray(value) && value.some((item) => typeof item === 'string' && item.includes(NUL))) {
      return `'${key}'`;
    }
  }
  const body = request.body;
  return typeof body === 'string' ? (body.includes(NUL) ? 'the request body' : undefined) : jsonNulLocation(body);
}

/** Walks a parsed JSON value without recursion (its depth is the client's choice); the first string or key holding a NUL. */
function jsonNulLocation(root: unknown): string | undefined {
  if (!isJsonContainer(root)) return undefined;
  const pending: Array<{ value: object; path: string }> = [{ value: root, path: '' }];
  while (pending.length > 0) {
    const { value, path } = pending.pop()!;
    if (Array.isArray(value)) {
      for (let index = 0; index < value.length; index++) {
        const item: unknown = value[index];
        const itemPath = `${path}[${index}]`;
        if (typeof item === 'string') {
          if (item.includes(NUL)) return `'${itemPath}'`;
        } else if (isJsonContainer(item)) pending.push({ value: item, path: itemPath });
      }
      continue;
    }
    for (const key in value) {
      if (key.includes(NUL)) return path === '' ? 'a key of the request body' : `a key of '${path}'`;
      const item: unknown = (value as Record<string, unknown>)[key];
      const itemPath = path === '' ? key : `${path}.${key}`;
      if (typeof item === 'string') {
        if (item.includes(NUL)) return `'${itemPath}'`;
      } else if (isJsonContainer(item)) pending.push({ value: item, path: itemPath });
    }
  }
  return undefined;
}

/** Arrays and plain objects, as JSON.parse makes them (multipart parts and streams are not walked). */
function isJsonContainer(value: unknown): value is object {
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return true;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
