import { InvalidRequest } from './errors.ts';

/**
 * Reads a callback target (contract 8.1): an http(s) URL, or an email address (no scheme, exactly
 * one `@`). An empty string or null means "no callback" and gives undefined; anything else is a 400
 * naming the field.
 */
export function readCallbackTarget(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new InvalidRequest(`Invalid value for '${field}': expected a URL or an email address.`);
  const target = value.trim();
  if (target === '') return undefined;
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) {
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      throw new InvalidRequest(`Invalid value for '${field}': "${value}" is not a valid URL.`);
    }
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) {
      throw new InvalidRequest(`Invalid value for '${field}': "${value}" must be an http(s) URL or an email address.`);
    }
    return target;
  }
  if (/^[^\s@]+@[^\s@]+$/.test(target)) return target;
  throw new InvalidRequest(`Invalid value for '${field}': "${value}" is neither an http(s) URL nor an email address.`);
}

/** True when a stored callback target is an email address rather than a URL. */
export function isEmailTarget(target: string): boolean {
  return !/^[a-z][a-z0-9+.-]*:/i.test(target) && target.includes('@');
}
