import { InvalidRequest } from './errors.ts';

/** Control fields are read leniently (contract 2.1.7): booleans may arrive as "true"/"false", numbers as numeric strings. */
export function readBoolean(value: unknown, field: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === 'true';
  if (value === 1 || value === 0) return value === 1;
  throw new InvalidRequest(`Invalid value for '${field}': expected true or false.`);
}

/**
 * The range of every integer column that takes a number from a request (PostgreSQL's 32-bit
 * `integer`). Larger values would be stored on SQLite but fail on PostgreSQL, so both refuse them.
 */
export const MIN_STORED_INTEGER = -2_147_483_648;
export const MAX_STORED_INTEGER = 2_147_483_647;

/**
 * Longest string (in UTF-16 code units, as JavaScript counts; at most 1,500 bytes in UTF-8) that
 * may go into an indexed column: unique_id, project, batch and group names, tags, Idempotency-Key.
 * PostgreSQL refuses index rows above about 2.7 KB, so both databases refuse longer values
 * (docs/tasks.md "Limits on input").
 */
export const MAX_INDEXED_LENGTH = 500;

export function readInteger(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const number = typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number)) throw new InvalidRequest(`Invalid value for '${field}': expected a whole number.`);
  checkIntegerRange(number, field);
  return number;
}

/** 400 naming the field when `value` lies outside the stored integer range. */
export function checkIntegerRange(value: number, field: string): void {
  if (value < MIN_STORED_INTEGER || value > MAX_STORED_INTEGER) {
    throw new InvalidRequest(`Invalid value for '${field}': must be between ${MIN_STORED_INTEGER} and ${MAX_STORED_INTEGER}.`);
  }
}

/** 400 naming the field when a string for an indexed column is longer than MAX_INDEXED_LENGTH; else the string. */
export function checkIndexedLength(value: string, field: string): string {
  if (value.length > MAX_INDEXED_LENGTH) {
    throw new InvalidRequest(`Invalid value for '${field}': at most ${MAX_INDEXED_LENGTH} characters (got ${value.length}).`);
  }
  return value;
}

/** `readString` for a value stored in an indexed column (a name, unique_id or tag): also at most MAX_INDEXED_LENGTH long. */
export function readIndexedString(value: unknown, field: string): string | undefined {
  const text = readString(value, field);
  return text === undefined ? undefined : checkIndexedLength(text, field);
}

export function readString(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new InvalidRequest(`Invalid value for '${field}': expected a string.`);
  return value;
}

export function readStringArray(value: unknown, field: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    throw new InvalidRequest(`Invalid value for '${field}': expected an array of strings.`);
  }
  return value as string[];
}

/** `readStringArray` whose items go into an indexed column (tags): each at most MAX_INDEXED_LENGTH long. */
export function readIndexedStringArray(value: unknown, field: string): string[] | undefined {
  const list = readStringArray(value, field);
  list?.forEach((item, index) => checkIndexedLength(item, `${field}[${index}]`));
  return list;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The request body as an object; an absent body is `{}`; an array or scalar is a 400. */
export function objectBody(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (!isPlainObject(body)) throw new InvalidRequest('The request body must be a JSON object.');
  return body;
}
