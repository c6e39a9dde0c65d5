import { InvalidRequest } from './errors.ts';

/** Control fields are read leniently (contract 2.1.7): booleans may arrive as "true"/"false", numbers as numeric strings. */
export function readBoolean(value: unknown, field: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === 'true';
  if (value === 1 || value === 0) return value === 1;
  throw new InvalidRequest(`Invalid value for '${field}': expected true or false.`);
}

export function readInteger(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const number = typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number)) throw new InvalidRequest(`Invalid value for '${field}': expected a whole number.`);
  return number;
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

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The request body as an object; an absent body is `{}`; an array or scalar is a 400. */
export function objectBody(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (!isPlainObject(body)) throw new InvalidRequest('The request body must be a JSON object.');
  return body;
}
