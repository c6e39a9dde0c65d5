import { NER_TASK_TYPES, validateNerParams, validateNerResponse } from '@tagwright/formats';
import { isPlainObject } from '../../domain/lenient.ts';
import { f1 } from '../shared/agreement.ts';
import type { TaskFamily } from '../types.ts';
import { mergeEntities, nerTokens } from './agreement.ts';

/** Named-entity recognition: labeled character spans of the task's `text`, compared token by token. */
export const nerFamily: TaskFamily = {
  id: 'ner',
  taskTypes: NER_TASK_TYPES,
  labelable: NER_TASK_TYPES,
  validateParams: validateNerParams,
  validateResponse: validateNerResponse,
  testResponse: () => ({ annotations: [] }),
  agreement: (_type, params, a, b) => f1(nerTokens(params, a), nerTokens(params, b)),
  merge(_type, params, responses, order) {
    const reference = responses[order[0]];
    return { ...(isPlainObject(reference) ? reference : {}), annotations: mergeEntities(params, responses) };
  },
};
