import { answersKeyOf } from '@tagwright/formats';
import { flattenLabels } from '../../editor/labels.ts';

/** A value a CategoryField choice saves: Scale allows a string, a number or a boolean. */
export type ChoiceValue = string | number | boolean;

/** A selectable choice of a category field (a leaf: choices with subchoices only group). */
export interface ChoiceOption {
  value: ChoiceValue;
  display: string;
  path: string[];
}

/** One question of a form task, normalised from either Scale field style. */
export interface FieldSpec {
  id: string;
  title: string;
  description?: string;
  type: 'text' | 'number' | 'boolean' | 'category' | 'datetime' | 'field_set';
  required: boolean;
  choices: ChoiceOption[];
  multiple: boolean;
  min?: number;
  max?: number;
  minCharacters?: number;
  maxCharacters?: number;
  minChoices?: number;
  maxChoices?: number;
  /** A FieldSet's own fields. */
  children: FieldSpec[];
  /** Set when the field takes several answers (`max_responses_required` above 1): saved as a list. */
  repeat?: { min: number; max: number };
}

/**
 * An answer: text and datetimes are strings, numbers numbers, booleans booleans, a category the
 * list of chosen values, a FieldSet an object of its fields' answers, a repeated field a list.
 */
export type FieldValue = string | number | boolean | ChoiceValue[] | FieldValue[] | { [id: string]: FieldValue };

const FIELD_TYPES = new Set(['text', 'number', 'boolean', 'category', 'datetime']);

function numberOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Category choices: Scale's `{label, value, subchoices?}`, or the label-list style (strings, `{choice, …}`). */
function flattenChoices(inputs: unknown, path: string[] = []): ChoiceOption[] {
  if (!Array.isArray(inputs)) return [];
  return inputs.flatMap((input): ChoiceOption[] => {
    if (input && typeof input === 'object' && !('choice' in input)) {
      const choice = input as { label?: unknown; value?: unknown; subchoices?: unknown };
      const display = typeof choice.label === 'string' ? choice.label : String(choice.value ?? '');
      if (Array.isArray(choice.subchoices) && choice.subchoices.length > 0) return flattenChoices(choice.subchoices, [...path, display]);
      const value = choice.value;
      return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? [{ value, display, path }] : [];
    }
    return flattenLabels([input], path);
  });
}

function parseFieldDefinition(entry: unknown): FieldSpec[] {
  if (!entry || typeof entry !== 'object') return [];
  const spec = entry as Record<string, unknown>;
  const id = typeof spec.field_id === 'string' ? spec.field_id : typeof spec.key === 'string' ? spec.key : undefined;
  if (!id) return [];
  const kind = typeof spec.type === 'string' ? spec.type.toLowerCase() : 'text';
  const type: FieldSpec['type'] = kind === 'field_set' || kind === 'fieldset' ? 'field_set' : FIELD_TYPES.has(kind) ? (kind as FieldSpec['type']) : 'text';
  const maxChoices = numberOf(spec.max_choices) ?? 1;
  const maxResponses = numberOf(spec.max_responses_required) ?? 1;
  return [
    {
      id,
      title: typeof spec.title === 'string' ? spec.title : id,
      description: typeof spec.description === 'string' ? spec.description : undefined,
      type,
      required: spec.required !== false,
      choices: flattenChoices(spec.choices),
      multiple: maxChoices > 1 || spec.allow_multiple === true,
      min: numberOf(spec.min),
      max: numberOf(spec.max),
      minCharacters: numberOf(spec.min_characters),
      maxCharacters: numberOf(spec.max_characters),
      minChoices: numberOf(spec.min_choices),
      maxChoices: numberOf(spec.max_choices),
      children: type === 'field_set' ? parseFields(spec.fields) : [],
      repeat: maxResponses > 1 ? { min: numberOf(spec.min_responses_required) ?? 1, max: maxResponses } : undefined,
    },
  ];
}

/**
 * Reads `fields` in either form Scale uses: an object `{key: description}` (datacollection,
 * transcription) or an array of `{field_id, type, title, …}` (textcollection, FieldSets nested).
 */
export function parseFields(raw: unknown): FieldSpec[] {
  if (Array.isArray(raw)) return raw.flatMap(parseFieldDefinition);
  if (raw && typeof raw === 'object') {
    return Object.entries(raw as Record<string, unknown>).map(([id, description]) => ({
      id,
      title: id,
      description: typeof description === 'string' ? description : undefined,
      type: 'text',
      required: true,
      choices: [],
      multiple: false,
      children: [],
    }));
  }
  return [];
}

/** Where a task type keeps its field answers: `annotations` for textcollection (as Scale returns it), `fields` for the others. */
export const answersKey = answersKeyOf;

/** A JSON object (not null, not a list). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isEmpty(value: FieldValue | undefined): boolean {
  if (value === undefined) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (isPlainObject(value)) return Object.values(value).every((child) => isEmpty(child as FieldValue));
  return typeof value === 'string' && value.trim() === '';
}

/** Reasons a set of answers can't be submitted. */
export function validateFields(fields: readonly FieldSpec[], values: Readonly<Record<string, FieldValue>>, prefix = ''): string[] {
  const problems: string[] = [];
  for (const field of fields) {
    const value = values[field.id];
    const title = `${prefix}${field.title}`;
    if (isEmpty(value)) {
      if (field.required) problems.push(`Answer “${title}”.`);
      continue;
    }
    if (field.repeat) {
      const items = (Array.isArray(value) ? value : [value]).filter((item) => !isEmpty(item));
      if (items.length < field.repeat.min) problems.push(`“${title}” needs at least ${field.repeat.min} answers.`);
      if (items.length > field.repeat.max) problems.push(`“${title}” takes at most ${field.repeat.max} answers.`);
      items.forEach((item, index) => problems.push(...validateValue(field, item, `${title} ${index + 1}`)));
    } else problems.push(...validateValue(field, value as FieldValue, title));
  }
  return problems;
}

function validateValue(field: FieldSpec, value: FieldValue, title: string): string[] {
  const problems: string[] = [];
  if (typeof value === 'string' && field.type === 'text') {
    if (field.minCharacters !== undefined && value.length < field.minCharacters) problems.push(`“${title}” needs at least ${field.minCharacters} characters.`);
    if (field.maxCharacters !== undefined && value.length > field.maxCharacters) problems.push(`“${title}” may have at most ${field.maxCharacters} characters.`);
  }
  if (typeof value === 'number') {
    if (field.min !== undefined && value < field.min) problems.push(`“${title}” must be at least ${field.min}.`);
    if (field.max !== undefined && value > field.max) problems.push(`“${title}” must be at most ${field.max}.`);
  }
  if (field.type === 'category' && Array.isArray(value)) {
    if (field.minChoices !== undefined && value.length < field.minChoices) problems.push(`Choose at least ${field.minChoices} for “${title}”.`);
    if (field.maxChoices !== undefined && value.length > field.maxChoices) problems.push(`Choose at most ${field.maxChoices} for “${title}”.`);
  }
  if (field.type === 'field_set' && isPlainObject(value)) problems.push(...validateFields(field.children, value as Record<string, FieldValue>, `${title} › `));
  return problems;
}

/** One saved answer of a field, if it has the field's type (a lone category value becomes a list). */
function readValue(field: FieldSpec, value: unknown): FieldValue | undefined {
  switch (field.type) {
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
    case 'boolean':
      return typeof value === 'boolean' ? value : undefined;
    case 'category': {
      const chosen = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
      const known = chosen.filter((item): item is ChoiceValue => typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean');
      return known.length > 0 ? known : undefined;
    }
    case 'field_set':
      return isPlainObject(value) ? readFieldValues(field.children, value) : undefined;
    default:
      if (typeof value === 'string') return value;
      // datacollection and transcription answers were saved as numbers or lists too.
      if (typeof value === 'number') return value;
      if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value as string[];
      return undefined;
  }
}

/** Answers from a saved draft's `annotations` or `fields` object, keeping only known keys of the right type. */
export function readFieldValues(fields: readonly FieldSpec[], saved: unknown): Record<string, FieldValue> {
  const values: Record<string, FieldValue> = {};
  if (!isPlainObject(saved)) return values;
  for (const field of fields) {
    const value = saved[field.id];
    if (field.repeat) {
      const items = (Array.isArray(value) ? value : value === undefined ? [] : [value]).flatMap((item) => {
        const read = readValue(field, item);
        return read === undefined ? [] : [read];
      });
      if (items.length > 0) values[field.id] = items;
    } else {
      const read = readValue(field, value);
      if (read !== undefined) values[field.id] = read;
    }
  }
  return values;
}

/**
 * Answers as a textcollection response holds them: blank text, empty lists and FieldSets with no
 * answer are left out, so an optional field the labeler cleared is absent, as in Scale.
 */
export function pruneAnswers(values: Readonly<Record<string, FieldValue>>): Record<string, FieldValue> {
  const pruned: Record<string, FieldValue> = {};
  for (const [id, value] of Object.entries(values)) {
    const kept = pruneValue(value);
    if (kept !== undefined) pruned[id] = kept;
  }
  return pruned;
}

function pruneValue(value: FieldValue): FieldValue | undefined {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value;
  if (Array.isArray(value)) {
    const items = (value as FieldValue[]).flatMap((item) => {
      const kept = pruneValue(item);
      return kept === undefined ? [] : [kept];
    });
    return items.length > 0 ? items : undefined;
  }
  if (isPlainObject(value)) {
    const children = pruneAnswers(value as Record<string, FieldValue>);
    return Object.keys(children).length > 0 ? children : undefined;
  }
  return value;
}
