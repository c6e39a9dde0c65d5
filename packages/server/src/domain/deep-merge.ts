import { isPlainObject } from './lenient.ts';

/**
 * v2 metadata merge (contract 9.3): keys of `patch` replace keys of `base`, and where both values
 * are objects they merge recursively. Arrays and scalars are replaced, never merged. Neither input
 * is modified. Not lodash.merge: it merges arrays index by index, which the contract forbids.
 */
export function deepMerge(base: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    const existing = merged[key];
    merged[key] = isPlainObject(existing) && isPlainObject(value) ? deepMerge(existing, value) : value;
  }
  return merged;
}
