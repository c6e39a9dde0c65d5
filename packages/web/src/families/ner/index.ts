import { GenericPreview } from '../../dashboard/GenericPreview.tsx';
import type { FamilyUI } from '../types.ts';
import { nerFamily } from './family.ts';
import { NerAnnotator } from './NerAnnotator.tsx';

/** Named entities: labeled character spans of the task's text. */
export const nerFamilyUi: FamilyUI = {
  ...nerFamily,
  Editor: NerAnnotator,
  Preview: GenericPreview,
};
