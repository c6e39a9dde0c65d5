import { checkLabel, labelNames, requireLabelList } from '../shared/labels.ts';
import { requireNonEmptyString, type CommonTaskParams } from '../shared/params.ts';
import { annotationList } from '../shared/response.ts';
import { invalid, isPlainObject } from '../shared/problem.ts';

export const NER_TASK_TYPES = ['namedentityrecognition'] as const;

export interface NamedEntityRecognitionParams extends CommonTaskParams {
  text: string;
  labels: Array<{ name: string; description?: string; parent?: string; [key: string]: unknown }>;
  allow_overlap?: boolean;
}

/** One entity: a labeled span of the task's text, `start` inclusive, `end` exclusive, in characters. */
export interface EntityAnnotation {
  label: string;
  start: number;
  end: number;
  /** When present, exactly the text between start and end. */
  text?: string;
  [key: string]: unknown;
}

export interface NamedEntityRecognitionResponse {
  annotations: EntityAnnotation[];
  [key: string]: unknown;
}

/** The `text` to annotate (it is the attachment: no attachment needed) and the `labels` to mark it with. */
export function validateNerParams(_type: string, params: Record<string, unknown>): void {
  requireNonEmptyString(params, 'text', 'the text to annotate');
  requireLabelList(params, 'labels', 'name');
}

/** Entities with whole-character offsets inside the text, labels the task offers, and `text` matching the span. */
export function validateNerResponse(_type: string, params: Record<string, unknown>, response: Record<string, unknown>): void {
  const text = typeof params.text === 'string' ? params.text : '';
  const labels = labelNames(params.labels, 'name');
  annotationList(response).forEach((annotation, index) => {
    const path = `response.annotations[${index}]`;
    if (!isPlainObject(annotation)) throw invalid(path, 'expected an entity object');
    const { start, end } = annotation;
    if (!Number.isInteger(start) || !Number.isInteger(end)) throw invalid(path, 'start and end must be whole character offsets');
    if ((start as number) < 0 || (end as number) <= (start as number) || (end as number) > text.length) {
      throw invalid(path, `needs 0 ≤ start < end ≤ ${text.length} (the length of the text)`);
    }
    checkLabel(annotation, path, labels);
    if (annotation.text !== undefined && annotation.text !== text.slice(start as number, end as number)) {
      throw invalid(`${path}.text`, `must equal the text between start and end ("${text.slice(start as number, end as number)}")`);
    }
  });
}
