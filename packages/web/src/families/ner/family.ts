import type { FamilyInfo } from '../types.ts';

/** Named entities: labeled character spans of the task's text. Loaded with the first page; the editor and preview (index.ts) load when first shown. */
export const nerFamily: FamilyInfo = { id: 'ner', taskTypes: ['namedentityrecognition'] };
