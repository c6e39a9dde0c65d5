import { invalid, missing } from './problem.ts';

/** `response.annotations` (or `<root>.annotations`), which must be an array (empty when there is nothing to label). */
export function annotationList(response: Record<string, unknown>, root = 'response'): unknown[] {
  const annotations = response.annotations;
  if (annotations === undefined) throw missing(`${root}.annotations`, 'an array of annotations (empty when there is nothing to label)');
  if (!Array.isArray(annotations)) throw invalid(`${root}.annotations`, 'expected an array');
  return annotations;
}

/** Each of `keys` of the object is a finite number. */
export function requireNumbers(value: Record<string, unknown>, path: string, keys: readonly string[]): void {
  for (const key of keys) {
    if (typeof value[key] !== 'number' || !Number.isFinite(value[key])) throw invalid(`${path}.${key}`, 'expected a number');
  }
}
