import { GenericPreview } from '../../dashboard/GenericPreview.tsx';
import type { FamilyUI } from '../types.ts';
import { comparisonFamily } from './family.ts';
import { Comparison } from './Comparison.tsx';

/** Two or more attachments side by side, answered with a choice and/or fields. */
export const comparisonFamilyUi: FamilyUI = {
  ...comparisonFamily,
  Editor: Comparison,
  Preview: GenericPreview,
};
