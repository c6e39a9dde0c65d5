// Until @tagwright/formats is a workspace package on main, its segmentation module is imported by path.
export * from '../../../../formats/src/segmentation/index-rle.ts';
export * from '../../../../formats/src/segmentation/labels.ts';
export * from '../../../../formats/src/segmentation/label-mapping.ts';
export type { MaskDraft } from '../../../../formats/src/segmentation/types.ts';
