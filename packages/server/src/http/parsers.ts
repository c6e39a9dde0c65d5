import type { FastifyInstance } from 'fastify';
import { InvalidRequest } from '../domain/errors.ts';
import { MAX_JSON_DEPTH, loneSurrogatePath, nestsDeeperThan } from '../domain/json-guards.ts';

export type RawQuery = Record<string, string | string[]>;

/**
 * Flat query parsing with URLSearchParams semantics (contract 2.2): `+` is a space, a repeated
 * key becomes a list, empty values count as absent, `a[b]=c` stays a plain key.
 */
export function parseQueryString(raw: string): RawQuery {
  const query: RawQuery = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    if (value === '') continue;
    const existing = query[key];
    if (existing === undefined) query[key] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else query[key] = [existing, value];
  }
  return query;
}

/**
 * JSON bodies: an empty body means "no body" (the Python client sends Content-Type: application/json
 * with Content-Length: 0 on cancel and finalize), and invalid JSON is a 400 that says so.
 */
export function registerJsonParser(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(/^application\/([\w.+-]+\+)?json/, { parseAs: 'string' }, (_request, body, done) => {
    const text = (body as string).trim();
    if (text === '') return done(null, undefined);
    if (nestsDeeperThan(text, MAX_JSON_DEPTH)) {
      return done(new InvalidRequest(`The request body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep; flatten it.`), undefined);
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return done(new InvalidRequest('The request body is not valid JSON.'), undefined);
    }
    const surrogate = loneSurrogatePath(text, value);
    if (surrogate !== undefined) {
      return done(new InvalidRequest(`Invalid value for '${surrogate}': the string holds a lone UTF-16 surrogate escape (such as \\ud800), which is not Unicode text.`), undefined);
    }
    done(null, value);
  });
  // Bodies in any other type (text/plain, form posts) are read and rejected by the route that sees them.
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => {
    const text = (body as string).trim();
    if (text === '') return done(null, undefined);
    done(new InvalidRequest('Send the request body as JSON with Content-Type: application/json.'), undefined);
  });
}

/** Collapses repeated slashes and maps `/v1/...` to the root paths, where the v1 routes live (contract 1.2). */
export function rewriteUrl(url: string): string {
  // Nearly every request: `/v1/...` with no repeated slash, answered without the regular expression.
  if (url.startsWith('/v1/') && !url.includes('//')) return url.slice(3);
  const queryAt = url.indexOf('?');
  let path = queryAt === -1 ? url : url.slice(0, queryAt);
  const query = queryAt === -1 ? '' : url.slice(queryAt);
  path = path.replace(/\/{2,}/g, '/');
  if (path === '/v1' || path === '/v1/') path = '/';
  else if (path.startsWith('/v1/')) path = path.slice(3);
  return path + query;
}
