import type { FamilyUI } from '../types.ts';
import { imageFamily } from './family.ts';
import { ImageAnnotator } from './ImageAnnotator.tsx';
import { ImagePreview } from './ImagePreview.tsx';

/** Boxes, polygons, lines, points, ellipses and cuboids on one image, drawn with the editor engine (src/editor/). */
export const imageFamilyUi: FamilyUI = {
  ...imageFamily,
  Editor: ImageAnnotator,
  Preview: ImagePreview,
};
