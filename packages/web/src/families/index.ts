import type { FamilyUI } from './types.ts';
import { imageFamilyUi } from './image/index.ts';
import { categorizationFamilyUi } from './categorization/index.ts';
import { fieldsFamilyUi } from './fields/index.ts';
import { documentsFamilyUi } from './documents/index.ts';
import { comparisonFamilyUi } from './comparison/index.ts';
import { nerFamilyUi } from './ner/index.ts';
import { videoFamilyUi } from './video/index.ts';
import { chatFamilyUi } from './chat/index.ts';
import { segmentationFamilyUi } from './segmentation/index.ts';

/**
 * Every task family the workbench can label, one line each (docs/task-families.md). A new family is
 * a folder `families/<id>/` whose index.ts exports its FamilyUI, plus one line here.
 */
export const FAMILY_UIS: readonly FamilyUI[] = [
  imageFamilyUi,
  categorizationFamilyUi,
  fieldsFamilyUi,
  documentsFamilyUi,
  comparisonFamilyUi,
  nerFamilyUi,
  videoFamilyUi,
  chatFamilyUi,
  segmentationFamilyUi,
];

const BY_TYPE = new Map<string, FamilyUI>();
for (const family of FAMILY_UIS) {
  for (const type of family.taskTypes) {
    const taken = BY_TYPE.get(type);
    if (taken) throw new Error(`Task type "${type}" is claimed by two web families: ${taken.id} and ${family.id}.`);
    BY_TYPE.set(type, family);
  }
}

/** The family whose editor labels this task type, or undefined when the workbench cannot label it. */
export function familyUiOf(type: string): FamilyUI | undefined {
  return BY_TYPE.get(type);
}
