import { isMaskDraft, readMaskDraft, segmentLabels, validateSegmentationParams, type CheckedMask } from '@tagwright/formats';
import type { TaskFamily } from '../types.ts';
import { InvalidRequest } from '../../domain/errors.ts';
import { maskAgreement, mergeMasks } from './mask-consensus.ts';
import { blankDraft, draftOf, renderSegmentationResponse } from './segmentation-response.ts';
import { segmentationExportRows } from './export-rows.ts';

type Params = Record<string, unknown>;

/**
 * Decoded masks by response object: a submitted mask is checked (decoded) once and rendered from
 * the same decode; a consensus round decodes each attempt once for all its pairings.
 */
const decoded = new WeakMap<object, CheckedMask>();

function checkedMask(params: Params, response: Record<string, unknown>, options?: { everyLabel: boolean }): CheckedMask {
  let mask = decoded.get(response);
  if (!mask) {
    mask = readMaskDraft(params, response, undefined, options);
    decoded.set(response, mask);
  }
  return mask;
}

const canonical = (value: unknown) => JSON.stringify(value);

/**
 * Segmentation (`segmentannotation`, task-types §3): the workbench paints an index mask and sends
 * it inline (labelMapping plus runs); attempts, drafts and consensus work on that form. When the
 * task completes (or a reviewer fixes it) the mask is rendered to Scale's PNGs in the file store and
 * the stored response holds their URLs. Masks agree by mean IoU per label and merge by per-pixel
 * majority.
 */
export const segmentationFamily: TaskFamily = {
  id: 'segmentation',
  taskTypes: ['segmentannotation'],
  labelable: ['segmentannotation'],
  validateParams: (_type, params) => validateSegmentationParams(params),
  validateResponse(_type, params, response, context) {
    const mask = checkedMask(params, response);
    // All PNGs have the attachment's size (task-types §3.3). The server knows it only when the
    // task's metadata states it: it never downloads attachments (the workbench sizes the mask from the image it shows).
    const image = context?.imageSize;
    if (image && (mask.width !== image.width || mask.height !== image.height)) {
      throw new InvalidRequest(`Invalid value for 'response.mask': the mask is ${mask.width}×${mask.height}, but the image is ${image.width}×${image.height} (the task's metadata width and height). Paint the mask over the whole image.`);
    }
  },
  // Test mode (task-types §9): a blank mask with no labels, rendered to blank PNGs on completion.
  testResponse: () => ({ ...blankDraft() }),
  agreement(_type, params, a, b) {
    if (!isMaskDraft(a) || !isMaskDraft(b)) return canonical(a) === canonical(b) ? 1 : 0;
    const labels = segmentLabels(params.labels, params.instance_labels).map((label) => label.value);
    return maskAgreement(checkedMask(params, a), checkedMask(params, b), labels);
  },
  merge(_type, params, responses, order) {
    if (!responses.every(isMaskDraft)) return responses[order[0]];
    const masks = responses.map((response) => checkedMask(params, response as Record<string, unknown>));
    return draftOf(mergeMasks(masks, order, segmentLabels(params.labels, params.instance_labels)));
  },
  exportRows: segmentationExportRows,
  async renderResults(context, _type, params, response) {
    if (!isMaskDraft(response)) return response;
    return { ...(await renderSegmentationResponse(context, checkedMask(params, response, { everyLabel: false }))) };
  },
};
