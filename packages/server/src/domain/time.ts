import { InvalidRequest } from './errors.ts';

const PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(Z|[+-]\d{2}:?\d{2}|\s\d{2}:?\d{2})?$/i;

/**
 * Parses a request timestamp (contract 2.4) to epoch milliseconds. No offset means UTC; digits past
 * milliseconds are dropped; a `+` offset decoded as a space is read as `+`. Never hands a naive
 * string to `new Date()`, which would read it as local time.
 * Kept by hand rather than a date library: the contract's quirks (a `+` decoded as a space, naive means UTC, extra digits dropped) are the whole job.
 */
export function parseTimestamp(value: string, field: string): number {
  const match = PATTERN.exec(value.trim());
  if (!match) throw new InvalidRequest(`Invalid timestamp for '${field}': "${value}". Use ISO 8601, for example 2024-05-01T10:20:30Z.`);
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', offset] = match;
  const millis = Number((fraction + '000').slice(0, 3));
  let time = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), millis);
  const date = new Date(time);
  if (date.getUTCMonth() !== Number(mo) - 1 || date.getUTCDate() !== Number(d) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) {
    throw new InvalidRequest(`Invalid timestamp for '${field}': "${value}" is not a real date and time.`);
  }
  if (offset && offset.toUpperCase() !== 'Z') {
    const sign = offset.trim().startsWith('-') ? -1 : 1;
    const digits = offset.replace(/[^\d]/g, '');
    time -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
  }
  return time;
}

/** The wire form of a stored instant: ISO 8601 UTC with milliseconds and Z. */
export function toIso(millis: number): string {
  return new Date(millis).toISOString();
}
