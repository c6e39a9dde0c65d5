import { lazyPart, type LazyPart } from '../lazy-part.tsx';
import type { TaskEditorProps } from '../workbench/task-editor.ts';
import type { FamilyInfo, FamilyUI, PreviewProps } from './types.ts';
import { imageFamily } from './image/family.ts';
import { categorizationFamily } from './categorization/family.ts';
import { fieldsFamily } from './fields/family.ts';
import { documentsFamily } from './documents/family.ts';
import { comparisonFamily } from './comparison/family.ts';
import { nerFamily } from './ner/family.ts';
import { videoFamily } from './video/family.ts';
import { chatFamily } from './chat/family.ts';
import { segmentationFamily } from './segmentation/family.ts';

/**
 * Every task family the workbench can label, one line each (docs/task-families.md): its id and
 * task types (`families/<id>/family.ts`, small) and how to load its editor and preview
 * (`families/<id>/index.ts`, which the build puts in a chunk of its own, fetched the first time a
 * task of the family is shown). A new family is a folder `families/<id>/` plus one line here.
 */
const FAMILIES: readonly (FamilyInfo & { load: () => Promise<FamilyUI> })[] = [
  { ...imageFamily, load: () => import('./image/index.ts').then((family) => family.imageFamilyUi) },
  { ...categorizationFamily, load: () => import('./categorization/index.ts').then((family) => family.categorizationFamilyUi) },
  { ...fieldsFamily, load: () => import('./fields/index.ts').then((family) => family.fieldsFamilyUi) },
  { ...documentsFamily, load: () => import('./documents/index.ts').then((family) => family.documentsFamilyUi) },
  { ...comparisonFamily, load: () => import('./comparison/index.ts').then((family) => family.comparisonFamilyUi) },
  { ...nerFamily, load: () => import('./ner/index.ts').then((family) => family.nerFamilyUi) },
  { ...videoFamily, load: () => import('./video/index.ts').then((family) => family.videoFamilyUi) },
  { ...chatFamily, load: () => import('./chat/index.ts').then((family) => family.chatFamilyUi) },
  { ...segmentationFamily, load: () => import('./segmentation/index.ts').then((family) => family.segmentationFamilyUi) },
];

/** A family's editor and preview, checked to be the family the registry line names. */
async function loadFamily(id: string, load: () => Promise<FamilyUI>): Promise<FamilyUI> {
  const family = await load();
  if (family.id !== id) throw new Error(`families/index.ts loads family "${family.id}" for "${id}".`);
  return family;
}

/** A family as the registry hands it out: its editor and preview load their code on first render (or preload()). */
export interface LazyFamilyUI extends FamilyUI {
  readonly Editor: LazyPart<TaskEditorProps>;
  readonly Preview: LazyPart<PreviewProps>;
}

export const FAMILY_UIS: readonly LazyFamilyUI[] = FAMILIES.map(({ id, taskTypes, load }) => ({
  id,
  taskTypes,
  Editor: lazyPart(() => loadFamily(id, load).then((family) => family.Editor), 'editor'),
  Preview: lazyPart(() => loadFamily(id, load).then((family) => family.Preview), 'preview'),
}));

const BY_TYPE = new Map<string, LazyFamilyUI>();
for (const family of FAMILY_UIS) {
  for (const type of family.taskTypes) {
    const taken = BY_TYPE.get(type);
    if (taken) throw new Error(`Task type "${type}" is claimed by two web families: ${taken.id} and ${family.id}.`);
    BY_TYPE.set(type, family);
  }
}

/** The family whose editor labels this task type, or undefined when the workbench cannot label it. */
export function familyUiOf(type: string): LazyFamilyUI | undefined {
  return BY_TYPE.get(type);
}
