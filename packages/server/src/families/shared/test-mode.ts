import { isPlainObject } from '../../domain/lenient.ts';

/** Field keys of an object of key → description, or of an array of field definitions (`field_id` or `key`). */
export function fieldKeys(fields: unknown): string[] {
  if (isPlainObject(fields)) return Object.keys(fields);
  if (Array.isArray(fields)) {
    return fields
      .map((field) => (typeof field === 'string' ? field : isPlainObject(field) ? (field.field_id ?? field.key) : undefined))
      .filter((key): key is string => typeof key === 'string');
  }
  return [];
}
