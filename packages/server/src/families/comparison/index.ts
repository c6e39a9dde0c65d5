import { COMPARISON_TASK_TYPES, validateComparisonParams, validateComparisonResponse } from '@tagwright/formats';
import { fieldValues, fieldsAgreement, mergeFields } from '../fields/agreement.ts';
import type { TaskFamily } from '../types.ts';

/** Two or more attachments compared: a `choice` and/or `fields`, agreeing and merging as field answers do. */
export const comparisonFamily: TaskFamily = {
  id: 'comparison',
  taskTypes: COMPARISON_TASK_TYPES,
  labelable: COMPARISON_TASK_TYPES,
  validateParams: validateComparisonParams,
  validateResponse: validateComparisonResponse,
  testResponse: () => ({}),
  agreement: (_type, _params, a, b) => fieldsAgreement(fieldValues(a), fieldValues(b)),
  merge: (_type, _params, responses, order) => mergeFields(responses, responses[order[0]]),
};
