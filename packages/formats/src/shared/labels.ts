import { invalid, isPlainObject, missing } from './problem.ts';

/**
 * A label a task offers: a plain name, or Scale's LabelDescription object naming it under `choice`
 * (`name` for named-entity labels), which may nest `subchoices`.
 */
export type LabelDescription = string | { choice: string; subchoices?: LabelDescription[]; [key: string]: unknown };

/**
 * Checks a non-empty array whose entries are strings or objects naming the label under `nameKey`.
 * `path` is how a problem names the list (`geometries.box.objects_to_annotate`).
 */
export function requireLabelList(params: Record<string, unknown>, field: string, nameKey: string, path = field): void {
  const value = params[field];
  if (value === undefined || value === null) throw missing(path, 'a non-empty array of labels');
  if (!Array.isArray(value) || value.length === 0) throw invalid(path, 'expected a non-empty array of labels');
  value.forEach((entry, index) => {
    const named = typeof entry === 'string' ? entry : isPlainObject(entry) ? entry[nameKey] : undefined;
    if (typeof named !== 'string' || named.trim() === '') {
      throw invalid(`${path}[${index}]`, `expected a non-empty string or an object with a '${nameKey}' string`);
    }
  });
}

/** Every label name a list of `objects_to_annotate`/`labels` offers, nested subchoices included; undefined when it is no list. */
export function labelNames(list: unknown, nameKey = 'choice'): Set<string> | undefined {
  if (!Array.isArray(list)) return undefined;
  const names = new Set<string>();
  const visit = (entries: unknown[]) => {
    for (const entry of entries) {
      if (typeof entry === 'string') names.add(entry);
      else if (isPlainObject(entry)) {
        if (typeof entry[nameKey] === 'string') names.add(entry[nameKey] as string);
        if (Array.isArray(entry.subchoices)) visit(entry.subchoices);
      }
    }
  };
  visit(list);
  return names;
}

/** An annotation's `label` (one of `allowed` when the task lists labels) and optional `attributes` object. */
export function checkLabel(annotation: Record<string, unknown>, path: string, allowed: Set<string> | undefined): void {
  if (typeof annotation.label !== 'string' || annotation.label === '') throw invalid(`${path}.label`, 'expected the label as a non-empty string');
  if (allowed && allowed.size > 0 && !allowed.has(annotation.label)) {
    throw invalid(`${path}.label`, `"${annotation.label}" is not one of the task's labels (${[...allowed].join(', ')})`);
  }
  if (annotation.attributes !== undefined && !isPlainObject(annotation.attributes)) throw invalid(`${path}.attributes`, 'expected an object');
}

/** The selectable labels of a LabelDescription list: the leaves (a node with `subchoices` is not selectable, task-types.md §1.4). */
export function leafLabelNames(list: unknown, nameKey = 'choice'): Set<string> {
  const names = new Set<string>();
  const visit = (entries: unknown[]) => {
    for (const entry of entries) {
      if (typeof entry === 'string') names.add(entry);
      else if (isPlainObject(entry)) {
        if (Array.isArray(entry.subchoices) && entry.subchoices.length > 0) visit(entry.subchoices);
        else if (typeof entry[nameKey] === 'string') names.add(entry[nameKey] as string);
      }
    }
  };
  if (Array.isArray(list)) visit(list);
  return names;
}
