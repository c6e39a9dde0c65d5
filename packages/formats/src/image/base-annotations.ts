import { invalid, isPlainObject } from '../shared/problem.ts';

/** The four `can_*` flags of `base_annotations` (task-types.md §1.3); a missing flag reads `true`. */
export interface BaseAnnotationRules {
  canAdd: boolean;
  canEdit: boolean;
  canEditLabels: boolean;
  canDelete: boolean;
}

export const BASE_ANNOTATION_FLAGS = {
  canAdd: 'can_add_base_annotations',
  canEdit: 'can_edit_base_annotations',
  canEditLabels: 'can_edit_base_annotation_labels',
  canDelete: 'can_delete_base_annotations',
} as const satisfies Record<keyof BaseAnnotationRules, string>;

/**
 * The flags as a task states them: at the top level of params (where Scale documents them) or
 * inside `base_annotations`; the top level wins. Read by the editor (which locks what they forbid)
 * and by the server (which refuses a response that does it anyway).
 */
export function baseAnnotationRules(params: Record<string, unknown>): BaseAnnotationRules {
  const inner = isPlainObject(params.base_annotations) ? params.base_annotations : {};
  const flag = (key: string) => (typeof params[key] === 'boolean' ? (params[key] as boolean) : inner[key] !== false);
  return {
    canAdd: flag(BASE_ANNOTATION_FLAGS.canAdd),
    canEdit: flag(BASE_ANNOTATION_FLAGS.canEdit),
    canEditLabels: flag(BASE_ANNOTATION_FLAGS.canEditLabels),
    canDelete: flag(BASE_ANNOTATION_FLAGS.canDelete),
  };
}

/** `params.base_annotations.annotations` (objects only). */
export function baseAnnotationsOf(params: Record<string, unknown>): Array<Record<string, unknown>> {
  const base = params.base_annotations;
  return isPlainObject(base) && Array.isArray(base.annotations) ? base.annotations.filter(isPlainObject) : [];
}

/** Keys of an annotation that are not its geometry. */
const NOT_GEOMETRY = new Set(['uuid', 'type', 'label', 'attributes']);

/**
 * Refuses a response that does what the task's `can_*` flags forbid: deletes a base annotation,
 * adds one of its own, moves or reshapes one (or changes its attribute answers), or relabels one.
 * Base annotations are matched by `uuid` (the server gives each one at creation). `attributeKeys`
 * are the task's annotation attributes: only their answers count (the editor drops any other key).
 * Coordinates may differ by the editor's rounding: 0.01 px, or half a pixel for `integer_pixels` boxes.
 */
export function checkBaseAnnotationEdits(params: Record<string, unknown>, annotations: readonly unknown[], attributeKeys: readonly string[], integerPixels: boolean): void {
  const rules = baseAnnotationRules(params);
  if (rules.canAdd && rules.canEdit && rules.canEditLabels && rules.canDelete) return;
  const base = new Map<string, Record<string, unknown>>();
  for (const annotation of baseAnnotationsOf(params)) if (typeof annotation.uuid === 'string') base.set(annotation.uuid, annotation);
  const submitted = new Map<string, { annotation: Record<string, unknown>; index: number }>();
  annotations.forEach((annotation, index) => {
    if (isPlainObject(annotation) && typeof annotation.uuid === 'string') submitted.set(annotation.uuid, { annotation, index });
  });
  const name = (annotation: Record<string, unknown>) => `base annotation ${annotation.uuid}${typeof annotation.label === 'string' ? ` (${annotation.label})` : ''}`;

  if (!rules.canDelete) {
    for (const [uuid, annotation] of base) {
      if (!submitted.has(uuid)) throw invalid('response.annotations', `the ${name(annotation)} is missing, and this task does not allow deleting base annotations (${BASE_ANNOTATION_FLAGS.canDelete} is false)`);
    }
  }
  if (!rules.canAdd) {
    const given = new Set([...base.keys(), ...hypothesisUuids(params)]);
    annotations.forEach((annotation, index) => {
      const uuid = isPlainObject(annotation) ? annotation.uuid : undefined;
      if (typeof uuid !== 'string' || !given.has(uuid)) {
        throw invalid(`response.annotations[${index}]`, `this task does not allow adding annotations (${BASE_ANNOTATION_FLAGS.canAdd} is false); keep to the base annotations`);
      }
    });
  }
  for (const [uuid, original] of base) {
    const entry = submitted.get(uuid);
    if (!entry) continue;
    const path = `response.annotations[${entry.index}]`;
    if (!rules.canEditLabels && entry.annotation.label !== original.label) {
      throw invalid(`${path}.label`, `the ${name(original)} may not be relabelled (${BASE_ANNOTATION_FLAGS.canEditLabels} is false)`);
    }
    if (!rules.canEdit) {
      const tolerance = integerPixels && original.type === 'box' ? 0.51 : 0.011;
      const changed = geometryChange(original, entry.annotation, tolerance) ?? attributeChange(original, entry.annotation, attributeKeys);
      if (changed) throw invalid(`${path}.${changed}`, `the ${name(original)} may not be edited (${BASE_ANNOTATION_FLAGS.canEdit} is false)`);
    }
  }
}

function hypothesisUuids(params: Record<string, unknown>): string[] {
  const hypothesis = params.hypothesis;
  if (!isPlainObject(hypothesis) || !Array.isArray(hypothesis.annotations)) return [];
  return hypothesis.annotations.flatMap((annotation) => (isPlainObject(annotation) && typeof annotation.uuid === 'string' ? [annotation.uuid] : []));
}

/** The first geometry key whose value differs beyond the tolerance, or undefined. A box's rotation counts even when the base left it out (0). */
function geometryChange(original: Record<string, unknown>, submitted: Record<string, unknown>, tolerance: number): string | undefined {
  if (submitted.type !== undefined && original.type !== undefined && submitted.type !== original.type) return 'type';
  for (const [key, value] of Object.entries(original)) {
    if (NOT_GEOMETRY.has(key) || key === 'rotation') continue;
    if (!sameValue(value, submitted[key], tolerance)) return key;
  }
  if (original.type === 'box' || submitted.rotation !== undefined) {
    const turn = (value: unknown) => (typeof value === 'number' ? value : 0);
    const difference = Math.abs(turn(original.rotation) - turn(submitted.rotation)) % (2 * Math.PI);
    if (Math.min(difference, 2 * Math.PI - difference) > 1e-4) return 'rotation';
  }
  return undefined;
}

function sameValue(a: unknown, b: unknown, tolerance: number): boolean {
  if (typeof a === 'number') return typeof b === 'number' && Math.abs(a - b) <= tolerance;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((item, index) => sameValue(item, b[index], tolerance));
  if (isPlainObject(a)) return isPlainObject(b) && Object.keys(a).every((key) => sameValue(a[key], b[key], tolerance));
  return a === b;
}

function attributeChange(original: Record<string, unknown>, submitted: Record<string, unknown>, keys: readonly string[]): string | undefined {
  const answers = (annotation: Record<string, unknown>) => (isPlainObject(annotation.attributes) ? annotation.attributes : {});
  for (const key of keys) {
    if (JSON.stringify(answers(original)[key]) !== JSON.stringify(answers(submitted)[key])) return `attributes.${key}`;
  }
  return undefined;
}
