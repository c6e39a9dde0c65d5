import { isPlainObject } from '../../domain/lenient.ts';
import { canonical, f1, words } from '../shared/agreement.ts';

/**
 * Field answers compared field by field: text by token F1, numbers exactly, lists as sets, a
 * FieldSet's object by its own fields, averaged over the fields either response answers. A consensus
 * takes, per field, the answer that agrees best with the other attempts'. Also used by comparison
 * (its `choice` and `fields`).
 */

/** Where a field-shaped response keeps its answers: `annotations` (textcollection, as Scale returns it) or `fields` (the others). */
const ANSWER_CONTAINERS = ['annotations', 'fields'] as const;

/**
 * The answers of a field-shaped response: each entry of `annotations` (textcollection) or `fields`
 * as `<container>.<field_id>`, `choice` (comparison) and `repeatable_fields` as one value.
 */
export function fieldValues(response: unknown): Map<string, unknown> {
  const values = new Map<string, unknown>();
  if (!isPlainObject(response)) return values;
  for (const container of ANSWER_CONTAINERS) {
    const answers = response[container];
    if (isPlainObject(answers)) for (const [key, value] of Object.entries(answers)) values.set(`${container}.${key}`, value);
  }
  if (response.choice !== undefined) values.set('choice', response.choice);
  if (response.repeatable_fields !== undefined) values.set('repeatable_fields', response.repeatable_fields);
  return values;
}

function isEmptyValue(value: unknown): boolean {
  return value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);
}

function valueAgreement(key: string, a: unknown, b: unknown): number {
  if (isEmptyValue(a) && isEmptyValue(b)) return 1;
  if (key === 'choice') return canonical(a) === canonical(b) ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') {
    const tokensA = words(a);
    const tokensB = words(b);
    return tokensA.length + tokensB.length === 0 ? (a.trim() === b.trim() ? 1 : 0) : f1(tokensA, tokensB);
  }
  if (Array.isArray(a) && Array.isArray(b) && a.every(isScalar) && b.every(isScalar)) {
    const setA = new Set(a.map(canonical));
    const setB = new Set(b.map(canonical));
    const common = [...setA].filter((value) => setB.has(value)).length;
    return common / (setA.size + setB.size - common);
  }
  // A FieldSet answer: its child answers, compared as fields are.
  if (isPlainObject(a) && isPlainObject(b) && key !== 'choice') {
    return fieldsAgreement(new Map(Object.entries(a)), new Map(Object.entries(b)));
  }
  return canonical(a) === canonical(b) ? 1 : 0;
}

function isScalar(value: unknown): boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

export function fieldsAgreement(a: Map<string, unknown>, b: Map<string, unknown>): number {
  const keys = new Set([...a.keys(), ...b.keys()]);
  if (keys.size === 0) return 1;
  let sum = 0;
  for (const key of keys) sum += valueAgreement(key, a.get(key), b.get(key));
  return sum / keys.size;
}

/** Per field, the answer that agrees best with the other attempts' answers (a plurality for `choice`). */
export function mergeFields(responses: readonly unknown[], reference: unknown): unknown {
  const all = responses.map(fieldValues);
  const keys = [...new Set(all.flatMap((values) => [...values.keys()]))];
  const merged: Record<string, unknown> = isPlainObject(reference) ? { ...reference } : {};
  const containers = new Map<string, Record<string, unknown>>();
  for (const container of ANSWER_CONTAINERS) if (isPlainObject(merged[container])) containers.set(container, {});
  for (const key of keys) {
    const answers = all.map((values) => values.get(key));
    let best = 0;
    let bestScore = -1;
    answers.forEach((answer, i) => {
      const score = answers.reduce<number>((sum, other, j) => (i === j ? sum : sum + valueAgreement(key, answer, other)), 0);
      if (score > bestScore) {
        best = i;
        bestScore = score;
      }
    });
    const value = answers[best];
    if (value === undefined) continue;
    const container = ANSWER_CONTAINERS.find((name) => key.startsWith(`${name}.`));
    if (container) {
      const answersOf = containers.get(container) ?? {};
      answersOf[key.slice(container.length + 1)] = value;
      containers.set(container, answersOf);
    } else merged[key] = value;
  }
  for (const [container, answers] of containers) merged[container] = answers;
  return merged;
}

