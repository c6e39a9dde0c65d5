import type { EncodedMask } from './index-rle.ts';
import type { LabelMapping } from './label-mapping.ts';

/** `segmentannotation` create params (task-types §3.1), beyond the common ones. */
export interface SegmentationParams {
  attachment: string;
  attachment_type?: 'image';
  /** Strings or LabelDescriptions; `instance_label: true` makes a label per-instance. */
  labels: unknown[];
  /** Legacy spelling: labels that are all instance labels. */
  instance_labels?: string[];
  allow_unlabeled?: boolean;
  annotation_attributes?: Record<string, unknown>;
  /** `{labelMapping, annotations: {combined: {indexedImage}}}`, both keys mandatory. */
  hypothesis?: { labelMapping: LabelMapping; annotations: { combined: { indexedImage: string; extendedIndexedImage?: string } } };
}

/** The completed `segmentannotation` response (task-types §3.2): PNG URLs. */
export interface SegmentationResponse {
  labelMapping: LabelMapping;
  annotations: {
    unlabeled: string;
    labeled: Record<string, string | string[]>;
    combined: { image: string; indexedImage: string; extendedIndexedImage: string };
  };
}

/**
 * What the workbench submits and saves as a draft: Scale's labelMapping and the index raster
 * inline (runs of labelMapping indexes). The server checks it and renders the PNGs on completion,
 * storing a SegmentationResponse in its place.
 */
export interface MaskDraft {
  labelMapping: LabelMapping;
  mask: EncodedMask;
}
