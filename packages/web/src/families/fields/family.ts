import type { FamilyInfo } from '../types.ts';

/** Answers keyed by field: textcollection's typed fields, datacollection's and transcription's field maps. Loaded with the first page; the editor and preview (index.ts) load when first shown. */
export const fieldsFamily: FamilyInfo = { id: 'fields', taskTypes: ['textcollection', 'datacollection', 'transcription'] };
