import { IMAGE_TASK_TYPES } from '@tagwright/formats';
import type { FamilyInfo } from '../types.ts';

/** Boxes, polygons, lines, points, ellipses and cuboids on one image. Loaded with the first page; the editor and preview (index.ts) load when first shown. */
export const imageFamily: FamilyInfo = { id: 'image', taskTypes: IMAGE_TASK_TYPES };
