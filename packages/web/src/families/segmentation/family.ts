import type { FamilyInfo } from '../types.ts';

/** Segmentation masks painted over one image. Loaded with the first page; the editor and preview (index.ts) load when first shown. */
export const segmentationFamily: FamilyInfo = { id: 'segmentation', taskTypes: ['segmentannotation'] };
