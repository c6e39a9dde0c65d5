import type { FamilyUI } from '../types.ts';
import { segmentationFamily } from './family.ts';
import { MaskAnnotator } from './MaskAnnotator.tsx';
import { MaskPreview } from './MaskPreview.tsx';

/** Segmentation masks painted over one image, with the editor engine's raster layer (src/editor/raster/). */
export const segmentationFamilyUi: FamilyUI = {
  ...segmentationFamily,
  Editor: MaskAnnotator,
  Preview: MaskPreview,
};
