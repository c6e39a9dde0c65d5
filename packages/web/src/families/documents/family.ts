import type { FamilyInfo } from '../types.ts';

/** Documents: a list of labeled transcribed entries (documenttranscription). Loaded with the first page; the editor and preview (index.ts) load when first shown. */
export const documentsFamily: FamilyInfo = { id: 'documents', taskTypes: ['documenttranscription'] };
