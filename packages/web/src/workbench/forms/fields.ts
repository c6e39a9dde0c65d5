import { flattenLabels, type LabelOption } from '../../editor/labels.ts';

/** One question of a form task, normalised from either Scale field style. */
export interface FieldSpec {
  id: string;
  title: string;
  description?: string;
  type: 'text' | 'number' | 'category' | 'datetime';
  required: boolean;
  choices: LabelOption[];
  multiple: boolean;
  min?: number;
  max?: number;
  minCharacters?: number;
  maxCharacters?: number;
}

export type FieldValue = string | number | string[];

/**
 * Reads `fields` in either form Scale uses: an object `{key: description}` (datacollection,
 * transcription) or an array of `{field_id, type, title, …}` (textcollection).
 */
export function parseFields(raw: unknown): FieldSpec[] {
  if (Array.isArray(raw)) {
    return raw.flatMap((entry): FieldSpec[] => {
      if (!entry || typeof entry !== 'object') return [];
      const spec = entry as Record<string, unknown>;
      const id = typeof spec.field_id === 'string' ? spec.field_id : typeof spec.key === 'string' ? spec.key : undefined;
      if (!id) return [];
      const type = spec.type === 'number' || spec.type === 'category' || spec.type === 'datetime' ? spec.type : 'text';
      const maxChoices = typeof spec.max_choices === 'number' ? spec.max_choices : 1;
      return [
        {
          id,
          title: typeof spec.title === 'string' ? spec.title : id,
          description: typeof spec.description === 'string' ? spec.description : undefined,
          type,
          required: spec.required !== false,
          choices: flattenLabels(spec.choices),
          multiple: maxChoices > 1 || spec.allow_multiple === true,
          min: typeof spec.min === 'number' ? spec.min : undefined,
          max: typeof spec.max === 'number' ? spec.max : undefined,
          minCharacters: typeof spec.min_characters === 'number' ? spec.min_characters : undefined,
          maxCharacters: typeof spec.max_characters === 'number' ? spec.max_characters : undefined,
        },
      ];
    });
  }
  if (raw && typeof raw === 'object') {
    return Object.entries(raw as Record<string, unknown>).map(([id, description]) => ({
      id,
      title: id,
      description: typeof description === 'string' ? description : undefined,
      type: 'text',
      required: true,
      choices: [],
      multiple: false,
    }));
  }
  return [];
}

function isEmpty(value: FieldValue | undefined): boolean {
  return value === undefined || (Array.isArray(value) ? value.length === 0 : String(value).trim() === '');
}

/** Reasons a set of answers can't be submitted. */
export function validateFields(fields: readonly FieldSpec[], values: Readonly<Record<string, FieldValue>>): string[] {
  const problems: string[] = [];
  for (const field of fields) {
    const value = values[field.id];
    if (isEmpty(value)) {
      if (field.required) problems.push(`Answer “${field.title}”.`);
      continue;
    }
    if (typeof value === 'string' && field.type === 'text') {
      if (field.minCharacters !== undefined && value.length < field.minCharacters) {
        problems.push(`“${field.title}” needs at least ${field.minCharacters} characters.`);
      }
      if (field.maxCharacters !== undefined && value.length > field.maxCharacters) {
        problems.push(`“${field.title}” may have at most ${field.maxCharacters} characters.`);
      }
    }
    if (typeof value === 'number') {
      if (field.min !== undefined && value < field.min) problems.push(`“${field.title}” must be at least ${field.min}.`);
      if (field.max !== undefined && value > field.max) problems.push(`“${field.title}” must be at most ${field.max}.`);
    }
  }
  return problems;
}

/** Answers from a saved draft's `fields` object, keeping only known keys. */
export function readFieldValues(fields: readonly FieldSpec[], saved: unknown): Record<string, FieldValue> {
  const values: Record<string, FieldValue> = {};
  if (!saved || typeof saved !== 'object') return values;
  for (const field of fields) {
    const value = (saved as Record<string, unknown>)[field.id];
    if (typeof value === 'string' || typeof value === 'number') values[field.id] = value;
    else if (Array.isArray(value) && value.every((item) => typeof item === 'string')) values[field.id] = value as string[];
  }
  return values;
}
