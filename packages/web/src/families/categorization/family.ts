import type { FamilyInfo } from '../types.ts';

/** One category (or several, with allow_multiple) for the attachment. Loaded with the first page; the editor and preview (index.ts) load when first shown. */
export const categorizationFamily: FamilyInfo = { id: 'categorization', taskTypes: ['categorization'] };
