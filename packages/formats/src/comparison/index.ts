import { checkFieldMap } from '../fields/response.ts';
import { requireAttachment, type CommonTaskParams } from '../shared/params.ts';
import { FormatError, invalid, isPlainObject, missing } from '../shared/problem.ts';

export const COMPARISON_TASK_TYPES = ['comparison'] as const;

export interface ComparisonParams extends CommonTaskParams {
  /** At least two attachments to compare. */
  attachments: unknown[];
  /** Field key to description: what to answer about them. */
  fields?: Record<string, string>;
  /** The answers to choose one of. */
  choices?: string[];
}

export interface ComparisonResponse {
  choice?: string;
  fields?: Record<string, string>;
  [key: string]: unknown;
}

/** At least two attachments to compare, and `fields` or `choices` to answer with. */
export function validateComparisonParams(_type: string, params: Record<string, unknown>): void {
  requireAttachment(params);
  if (!Array.isArray(params.attachments) || params.attachments.length < 2) {
    throw invalid('attachments', 'a comparison task needs an array of at least two attachments');
  }
  const hasFields = isPlainObject(params.fields) && Object.keys(params.fields).length > 0;
  const hasChoices = Array.isArray(params.choices) && params.choices.length > 0;
  if (params.fields !== undefined && params.fields !== null && !isPlainObject(params.fields)) {
    throw invalid('fields', 'expected an object of field keys to descriptions');
  }
  if (params.choices !== undefined && params.choices !== null && !Array.isArray(params.choices)) {
    throw invalid('choices', 'expected an array');
  }
  if (!hasFields && !hasChoices) throw new FormatError("Missing required parameter 'fields' or 'choices': what the labeler answers about the attachments.");
}

/** `choice` one of the task's choices (when it has any), and `fields` answers for its field keys. */
export function validateComparisonResponse(_type: string, params: Record<string, unknown>, response: Record<string, unknown>): void {
  const choices = Array.isArray(params.choices) ? params.choices.filter((choice): choice is string => typeof choice === 'string') : [];
  if (choices.length > 0) {
    if (response.choice === undefined) throw missing('response.choice', `one of ${choices.join(', ')}`);
    if (typeof response.choice !== 'string' || !choices.includes(response.choice)) throw invalid('response.choice', `expected one of ${choices.join(', ')}`);
  }
  if (isPlainObject(params.fields) && response.fields !== undefined) checkFieldMap(response, params, false);
}
