import { DOCUMENT_TASK_TYPES, LABELABLE_DOCUMENT_TASK_TYPES, validateDocumentParams, validateDocumentResponse } from '@tagwright/formats';
import { canonical, f1 } from '../shared/agreement.ts';
import type { TaskFamily } from '../types.ts';
import { transcriptionTokens } from './agreement.ts';

/** The document type with a Tagwright response shape (labeled text entries); documentmodel has none yet. */
const TRANSCRIPTION = 'documenttranscription';

/**
 * Documents: documenttranscription (labeled text entries, compared by word F1) and documentmodel
 * (no editor yet: any object, equal JSON agrees).
 */
export const documentsFamily: TaskFamily = {
  id: 'documents',
  taskTypes: DOCUMENT_TASK_TYPES,
  labelable: LABELABLE_DOCUMENT_TASK_TYPES,
  validateParams: validateDocumentParams,
  validateResponse: validateDocumentResponse,
  testResponse: (type) => (type === TRANSCRIPTION ? { annotations: [] } : {}),
  agreement: (type, _params, a, b) => (type === TRANSCRIPTION ? f1(transcriptionTokens(a), transcriptionTokens(b)) : canonical(a) === canonical(b) ? 1 : 0),
};
