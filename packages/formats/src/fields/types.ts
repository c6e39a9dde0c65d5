import type { CommonTaskParams } from '../shared/params.ts';

/** Field tasks: answers keyed by field. textcollection holds them in `annotations`, the others in `fields`. */
export const FIELD_TASK_TYPES = ['textcollection', 'datacollection', 'transcription'] as const;
export type FieldTaskType = (typeof FIELD_TASK_TYPES)[number];

/** Where a field task's response keeps its answers: `annotations` for textcollection (as Scale returns it), else `fields`. */
export function answersKeyOf(type: string): 'annotations' | 'fields' {
  return type === 'textcollection' ? 'annotations' : 'fields';
}

/** One textcollection field definition (TextField, NumberField, CategoryField, FieldSet, …). */
export interface TextCollectionField {
  type: string;
  field_id: string;
  title?: string;
  description?: string;
  required?: boolean;
  choices?: Array<{ label?: string; value: string; [key: string]: unknown }>;
  [option: string]: unknown;
}
export interface TextCollectionParams extends CommonTaskParams {
  attachments?: Array<{ type: string; content: string; [key: string]: unknown }>;
  fields: TextCollectionField[];
}

/** transcription and datacollection. */
export interface TranscriptionParams extends CommonTaskParams {
  /** Field key to its description. */
  fields: Record<string, string>;
  repeatable_fields?: Record<string, string>;
}

/** One textcollection answer: a string, number or boolean; a list of chosen choice values; a FieldSet's object; or a list of these. */
export type TextCollectionAnswer = string | number | boolean | Array<string | number | boolean> | TextCollectionAnswer[] | { [field_id: string]: TextCollectionAnswer };
export interface TextCollectionResponse {
  /** Test mode only (contract 5.10). */
  responses?: unknown[];
  /** Each field's answer keyed by its `field_id`, as Scale returns it. */
  annotations?: Record<string, TextCollectionAnswer>;
  [key: string]: unknown;
}
export interface TranscriptionResponse {
  fields: Record<string, string>;
  repeatable_fields?: Array<Record<string, string>>;
  [key: string]: unknown;
}
