import { requireAttachment, type CommonTaskParams } from '../shared/params.ts';
import { annotationList } from '../shared/response.ts';
import { invalid, isPlainObject } from '../shared/problem.ts';

/** Document tasks: documenttranscription (labeled text entries) and documentmodel (no workbench editor yet). */
export const DOCUMENT_TASK_TYPES = ['documenttranscription', 'documentmodel'] as const;
/** The document types the workbench can label. */
export const LABELABLE_DOCUMENT_TASK_TYPES = ['documenttranscription'] as const;

export interface DocumentTranscriptionParams extends CommonTaskParams {
  /** Suggested entry labels: field key to description. */
  fields?: Record<string, string>;
  /** Suggested entry labels. */
  labels?: string[];
}

/** One transcribed entry (a Tagwright shape; Scale's is not public). */
export interface DocumentTranscriptionEntry {
  uuid?: string;
  label?: string;
  text: string;
  [key: string]: unknown;
}

export interface DocumentTranscriptionResponse {
  annotations: DocumentTranscriptionEntry[];
  [key: string]: unknown;
}

/** A document to read: the attachment rule only. */
export function validateDocumentParams(_type: string, params: Record<string, unknown>): void {
  requireAttachment(params);
}

/** documenttranscription: `annotations`, each with its transcribed `text`; documentmodel: any object. */
export function validateDocumentResponse(type: string, _params: Record<string, unknown>, response: Record<string, unknown>): void {
  if (type !== 'documenttranscription') return;
  annotationList(response).forEach((annotation, index) => {
    const path = `response.annotations[${index}]`;
    if (!isPlainObject(annotation)) throw invalid(path, 'expected an annotation object');
    if (typeof annotation.text !== 'string') throw invalid(`${path}.text`, 'expected the transcribed text');
  });
}
