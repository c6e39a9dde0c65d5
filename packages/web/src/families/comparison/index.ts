import { GenericPreview } from '../../dashboard/GenericPreview.tsx';
import type { FamilyUI } from '../types.ts';
import { Comparison } from './Comparison.tsx';

/** Two or more attachments side by side, answered with a choice and/or fields. */
export const comparisonFamilyUi: FamilyUI = {
  id: 'comparison',
  taskTypes: ['comparison'],
  Editor: Comparison,
  Preview: GenericPreview,
};
