import { TASK_TYPES, type TaskType } from '../domain/task-types.ts';
import type { TaskFamily } from './types.ts';
import { imageFamily } from './image/index.ts';
import { categorizationFamily } from './categorization/index.ts';
import { fieldsFamily } from './fields/index.ts';
import { documentsFamily } from './documents/index.ts';
import { comparisonFamily } from './comparison/index.ts';
import { nerFamily } from './ner/index.ts';
import { chatFamily } from './chat/index.ts';
import { videoFamily } from './video/index.ts';
import { segmentationFamily } from './segmentation/index.ts';
import { unlabelableFamily } from './unlabelable/index.ts';

/**
 * Every task family, one line each (docs/task-families.md). A new family is a folder
 * `families/<id>/` whose index.ts exports its TaskFamily, plus one line here (and its types taken
 * out of `unlabelable`). Every type of the contract (domain/task-types.ts) belongs to exactly one
 * family; the server refuses to start otherwise.
 */
export const FAMILIES: readonly TaskFamily[] = [
  imageFamily,
  categorizationFamily,
  fieldsFamily,
  documentsFamily,
  comparisonFamily,
  nerFamily,
  chatFamily,
  videoFamily,
  segmentationFamily,
  unlabelableFamily,
];

/** Type → family, checked once at start-up: a type claimed twice, by no family, or not in the contract is a programming error. */
export function indexFamilies(families: readonly TaskFamily[]): Map<string, TaskFamily> {
  const byType = new Map<string, TaskFamily>();
  for (const family of families) {
    for (const type of family.taskTypes) {
      if (!(TASK_TYPES as readonly string[]).includes(type)) throw new Error(`Family "${family.id}" claims "${type}", which is not a task type of the contract (domain/task-types.ts).`);
      const taken = byType.get(type);
      if (taken) throw new Error(`Task type "${type}" is claimed by two families: ${taken.id} and ${family.id}.`);
      byType.set(type, family);
    }
    for (const type of [...family.labelable, ...(family.templateTypes ?? [])]) {
      if (!family.taskTypes.includes(type)) throw new Error(`Family "${family.id}" lists "${type}" (labelable or with templates) but does not own it.`);
    }
  }
  const orphans = TASK_TYPES.filter((type) => !byType.has(type));
  if (orphans.length > 0) throw new Error(`No family owns the task type(s) ${orphans.join(', ')}: add them to a family (families/index.ts).`);
  return byType;
}

const BY_TYPE = indexFamilies(FAMILIES);

/** The family that owns a task type; undefined only for a name that is not a task type. */
export function familyOf(type: string): TaskFamily | undefined {
  return BY_TYPE.get(type);
}

/** The task types a person can finish in the workbench; a live task of any other type answers 402. */
export const LABELABLE_TASK_TYPES: readonly TaskType[] = FAMILIES.flatMap((family) => family.labelable);

/** The types whose projects may carry a task template. */
export const TEMPLATE_TASK_TYPES: readonly TaskType[] = FAMILIES.flatMap((family) => family.templateTypes ?? []);

/** The template types in words, by family: `textcollection and chat-family` (a whole family by its id). */
export const TEMPLATE_TYPES_IN_WORDS = FAMILIES.filter((family) => family.templateTypes && family.templateTypes.length > 0)
  .map((family) => (family.templateTypes!.length === family.taskTypes.length ? `${family.id}-family` : family.templateTypes!.join(', ')))
  .join(' and ');

/** Whether the workbench can label tasks of this type. */
export function isLabelable(type: string): boolean {
  return (LABELABLE_TASK_TYPES as readonly string[]).includes(type);
}
