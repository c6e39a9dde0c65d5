import { isPlainObject } from '../domain/lenient.ts';
import { CHAT_TASK_TYPES } from '../domain/task-types.ts';

/** Types whose test response is an empty annotation list (contract 5.10). */
const ANNOTATION_TYPES = new Set([
  'imageannotation', 'annotation', 'polygonannotation', 'lineannotation', 'pointannotation', 'cuboidannotation',
  'segmentannotation', 'laneannotation', 'videoannotation', 'videoboxannotation', 'videoplaybackannotation',
  'videocuboidannotation', 'federal2dvideoannotation', 'lidarannotation', 'lidarlinking', 'lidarsegmentation',
  'lidartopdown', 'sensorfusion', 'documenttranscription', 'namedentityrecognition',
]);

const RESPONSES_TYPES = new Set(['textcollection', 'multistage', ...CHAT_TASK_TYPES]);

/**
 * The synthetic response a test-mode task is completed with (contract 5.10). Only the shape is
 * meaningful: Scale documents test responses as placeholders.
 */
export function syntheticResponse(type: string, params: Record<string, unknown>): Record<string, unknown> {
  if (type === 'categorization') return { category: firstCategory(params.categories) };
  if (ANNOTATION_TYPES.has(type)) return { annotations: [] };
  if (type === 'transcription' || type === 'datacollection') {
    const response: Record<string, unknown> = { fields: Object.fromEntries(fieldKeys(params.fields).map((key) => [key, ''])) };
    if (params.repeatable_fields !== undefined && params.repeatable_fields !== null) response.repeatable_fields = [];
    return response;
  }
  if (RESPONSES_TYPES.has(type)) return { responses: [] };
  return {};
}

/** The first category's label: a string entry as it is, a LabelDescription by its `choice` (or `label`). */
function firstCategory(categories: unknown): unknown {
  const first = Array.isArray(categories) ? categories[0] : undefined;
  if (isPlainObject(first)) return first.choice ?? first.label ?? first;
  return first ?? null;
}

/** Field keys of an object of key → description, or of an array of field definitions (`field_id` or `key`). */
function fieldKeys(fields: unknown): string[] {
  if (isPlainObject(fields)) return Object.keys(fields);
  if (Array.isArray(fields)) {
    return fields
      .map((field) => (typeof field === 'string' ? field : isPlainObject(field) ? (field.field_id ?? field.key) : undefined))
      .filter((key): key is string => typeof key === 'string');
  }
  return [];
}
