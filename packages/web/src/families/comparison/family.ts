import type { FamilyInfo } from '../types.ts';

/** Two or more attachments side by side, answered with a choice and/or fields. Loaded with the first page; the editor and preview (index.ts) load when first shown. */
export const comparisonFamily: FamilyInfo = { id: 'comparison', taskTypes: ['comparison'] };
