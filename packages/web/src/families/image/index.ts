import { IMAGE_TASK_TYPES } from '../../editor/config.ts';
import type { FamilyUI } from '../types.ts';
import { ImageAnnotator } from './ImageAnnotator.tsx';
import { ImagePreview } from './ImagePreview.tsx';

/** Boxes, polygons, lines, points, ellipses and cuboids on one image, drawn with the editor engine (src/editor/). */
export const imageFamilyUi: FamilyUI = {
  id: 'image',
  taskTypes: IMAGE_TASK_TYPES,
  Editor: ImageAnnotator,
  Preview: ImagePreview,
};
