import crypto from 'node:crypto';
import { isPlainObject } from '../../domain/lenient.ts';

/**
 * Gives each base annotation without a `uuid` one (task-types.md §1.1: a missing one is generated).
 * The `can_*` locks follow base annotations by uuid, in the editor across draft reloads and on the
 * server when it checks a submission, so every base annotation needs one from the start.
 */
export function withBaseAnnotationUuids(_type: string, params: Record<string, unknown>): Record<string, unknown> {
  const base = params.base_annotations;
  if (!isPlainObject(base) || !Array.isArray(base.annotations)) return params;
  if (base.annotations.every((annotation) => !isPlainObject(annotation) || typeof annotation.uuid === 'string')) return params;
  const annotations = base.annotations.map((annotation) => (isPlainObject(annotation) && annotation.uuid === undefined ? { ...annotation, uuid: crypto.randomUUID() } : annotation));
  return { ...params, base_annotations: { ...base, annotations } };
}
