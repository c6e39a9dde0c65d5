import { InvalidRequest } from '../domain/errors.ts';
import { isPlainObject } from '../domain/lenient.ts';

/** v2 lists (contract 6.3): `limit` 1 to 100, default 100; `next_token` is an opaque keyset position. */
export const V2_DEFAULT_LIMIT = 100;
export const V2_MAX_LIMIT = 100;

/** A keyset position as base64url JSON. It holds the position only; filters come from each request. */
export function encodePageToken(position: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

const SAFE_ID = /^[A-Za-z0-9_-]+$/;

/**
 * Reads a `next_token` whose keys are given with their kind: `'time'` (epoch ms) or `'id'`.
 * Anything else, or a token from another list, is a 400 that says to pass the token unchanged.
 */
export function decodePageToken<K extends string>(raw: string | undefined, shape: Record<K, 'time' | 'id'>): Record<K, string | number> | undefined {
  if (raw === undefined) return undefined;
  let token: unknown;
  try {
    token = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    token = undefined;
  }
  const valid =
    isPlainObject(token) &&
    Object.keys(token).length === Object.keys(shape).length &&
    Object.entries(shape).every(([key, kind]) => {
      const value = token[key];
      return kind === 'time' ? Number.isSafeInteger(value) : typeof value === 'string' && SAFE_ID.test(value);
    });
  if (!valid) throw new InvalidRequest("Invalid value for 'next_token': pass the next_token of the previous page unchanged.");
  return token as Record<K, string | number>;
}
