import { invalid, isPlainObject, missing } from '../shared/problem.ts';
import { segmentLabels } from './labels.ts';

/** Scale accepts at most this many entries in `labels` (task-types §3.1). */
export const MAX_SEGMENTATION_LABELS = 50;

/** Checks `segmentannotation` params (task-types §3.1). */
export function validateSegmentationParams(params: Record<string, unknown>): void {
  if (typeof params.attachment !== 'string' || params.attachment === '') throw missing('attachment', 'the URL of the image to segment');
  if (params.attachment_type !== undefined && params.attachment_type !== 'image') throw invalid('attachment_type', 'segmentannotation accepts only "image"');
  const { labels } = params;
  if (labels === undefined || labels === null) throw missing('labels', 'a non-empty array of labels');
  if (!Array.isArray(labels) || labels.length === 0) throw invalid('labels', 'expected a non-empty array of labels');
  if (labels.length > MAX_SEGMENTATION_LABELS) throw invalid('labels', `at most ${MAX_SEGMENTATION_LABELS} entries are allowed, got ${labels.length}`);
  labels.forEach((entry, index) => {
    if (typeof entry === 'string' ? entry === '' : !isPlainObject(entry) || typeof entry.choice !== 'string' || entry.choice === '') {
      throw invalid(`labels[${index}]`, "expected a non-empty string or a LabelDescription with a 'choice' string");
    }
  });
  if (params.instance_labels !== undefined && (!Array.isArray(params.instance_labels) || params.instance_labels.some((entry) => typeof entry !== 'string'))) {
    throw invalid('instance_labels', 'expected an array of strings');
  }
  const leaves = segmentLabels(labels, params.instance_labels);
  const seen = new Set<string>();
  for (const leaf of leaves) {
    if (seen.has(leaf.value)) throw invalid('labels', `"${leaf.value}" appears twice; each label needs its own name`);
    seen.add(leaf.value);
  }
  if (params.allow_unlabeled !== undefined && typeof params.allow_unlabeled !== 'boolean') throw invalid('allow_unlabeled', 'expected a boolean');
  if (params.hypothesis !== undefined) {
    const hypothesis = params.hypothesis;
    if (!isPlainObject(hypothesis)) throw invalid('hypothesis', 'expected an object with labelMapping and annotations');
    if (!isPlainObject(hypothesis.labelMapping)) throw missing('hypothesis.labelMapping', 'the label of each index of the hypothesis mask');
    const combined = isPlainObject(hypothesis.annotations) ? hypothesis.annotations.combined : undefined;
    if (!isPlainObject(combined) || typeof combined.indexedImage !== 'string') {
      throw missing('hypothesis.annotations.combined.indexedImage', 'the URL of the hypothesis index PNG');
    }
  }
}
