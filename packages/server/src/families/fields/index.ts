import { FIELD_TASK_TYPES, answersKeyOf, validateFieldsParams, validateFieldsResponse } from '@tagwright/formats';
import { isPlainObject } from '../../domain/lenient.ts';
import { fieldKeys } from '../shared/test-mode.ts';
import type { TaskFamily } from '../types.ts';
import { fieldValues, fieldsAgreement, mergeFields } from './agreement.ts';

/** A transcription or datacollection test response: every field blank, and no rows when the task has repeatable fields. */
function blankFieldsResponse(params: Record<string, unknown>): Record<string, unknown> {
  const response: Record<string, unknown> = { fields: Object.fromEntries(fieldKeys(params.fields).map((key) => [key, ''])) };
  if (params.repeatable_fields !== undefined && params.repeatable_fields !== null) response.repeatable_fields = [];
  return response;
}

/**
 * Answers keyed by field: textcollection's typed fields (`annotations`), datacollection's and
 * transcription's field maps (`fields`, transcription's rows in `repeatable_fields`).
 */
export const fieldsFamily: TaskFamily = {
  id: 'fields',
  taskTypes: FIELD_TASK_TYPES,
  labelable: FIELD_TASK_TYPES,
  templateTypes: ['textcollection'],
  validateParams: validateFieldsParams,
  validateResponse: validateFieldsResponse,
  // textcollection answers in its live shape (contract 5.10): answers keyed by field id.
  testResponse: (type, params) => (type === 'textcollection' ? { annotations: {} } : blankFieldsResponse(params)),
  agreement: (_type, _params, a, b) => fieldsAgreement(fieldValues(a), fieldValues(b)),
  merge: (_type, _params, responses, order) => mergeFields(responses, responses[order[0]]),
  csvCells(type, response) {
    const answers = response[answersKeyOf(type)];
    return { answers: isPlainObject(answers) ? answers : undefined };
  },
};
