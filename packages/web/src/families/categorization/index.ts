import type { FamilyUI } from '../types.ts';
import { categorizationFamily } from './family.ts';
import { Categorizer } from './Categorizer.tsx';
import { CategoryPreview } from './CategoryPreview.tsx';

/** One category (or several, with allow_multiple) for the attachment. */
export const categorizationFamilyUi: FamilyUI = {
  ...categorizationFamily,
  Editor: Categorizer,
  Preview: CategoryPreview,
};
