import { encodeIndexRle, type CheckedMask, type LabelMapping, type LabelMappingEntry, type MaskDraft, type SegmentationResponse } from '@tagwright/formats';
import { newResultFolder, putResultFile, safeFileStem } from '../../storage/result-files.ts';
import type { RenderContext } from '../types.ts';
import type { ConsensusMask } from './mask-consensus.ts';
import { renderMaskPngs } from './render-masks.ts';

/** The test-mode mask: one unlabeled pixel and no labels (rendered like any other). */
export function blankDraft(): MaskDraft {
  return { labelMapping: {}, mask: encodeIndexRle(1, 1, [0]) };
}

/** A merged mask back in the inline form, so review and completion treat it like a labeler's. */
export function draftOf(mask: ConsensusMask): MaskDraft {
  const labelMapping: LabelMapping = {};
  for (const entry of mask.indexes) {
    const value: LabelMappingEntry = { index: entry.index, color: entry.color };
    if (entry.instance) ((labelMapping[entry.label] ??= []) as LabelMappingEntry[]).push(value);
    else labelMapping[entry.label] = value;
  }
  return { labelMapping, mask: encodeIndexRle(mask.width, mask.height, mask.values) };
}

/**
 * Renders a checked mask to Scale's PNGs in a fresh result folder and builds the response of
 * task-types §3.2: labelMapping (instance entries with their pixel counts) and the files' URLs.
 */
export async function renderSegmentationResponse(context: RenderContext, mask: CheckedMask): Promise<SegmentationResponse> {
  const folder = newResultFolder();
  const rendered = await renderMaskPngs(
    mask,
    (name, png) => putResultFile(context.files, context.publicBase, folder, name, png),
    (entry) => `${safeFileStem(entry.label)}-${entry.index}`,
  );
  const labelMapping: LabelMapping = {};
  const labeled: Record<string, string | string[]> = {};
  // Keys in the mapping's (leaf) order; an instance label with no instances still maps to [] (task-types §3.4).
  for (const { label, instance } of mask.labels) {
    labelMapping[label] = instance ? [] : { index: 0, color: '' };
    labeled[label] = instance ? [] : '';
  }
  for (const entry of mask.indexes) {
    const url = rendered.labeled.get(entry.index)!;
    if (!entry.instance) {
      labelMapping[entry.label] = { index: entry.index, color: entry.color };
      labeled[entry.label] = url;
      continue;
    }
    const mapped: LabelMappingEntry = { index: entry.index, color: entry.color, numPixels: rendered.pixelCounts.get(entry.index) ?? 0 };
    if (entry.attributes) mapped.attributes = entry.attributes;
    ((labelMapping[entry.label] ??= []) as LabelMappingEntry[]).push(mapped);
    ((labeled[entry.label] ??= []) as string[]).push(url);
  }
  return { labelMapping, annotations: { unlabeled: rendered.unlabeled, labeled, combined: rendered.combined } };
}
