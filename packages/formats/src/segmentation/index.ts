export * from './types.ts';
export * from './index-rle.ts';
export * from './labels.ts';
export * from './label-mapping.ts';
export { validateSegmentationParams, MAX_SEGMENTATION_LABELS } from './params.ts';
export { readMaskDraft, isMaskDraft, MAX_MASK_PIXELS, type CheckedIndex, type CheckedMask } from './response.ts';
