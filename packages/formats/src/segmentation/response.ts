import { invalid, isPlainObject, missing } from '../shared/problem.ts';
import { decodeIndexRle, MaskDecodeError } from './index-rle.ts';
import { segmentLabels } from './labels.ts';
import type { AttributeAnswer } from './label-mapping.ts';

/** One index of a checked mask. */
export interface CheckedIndex {
  label: string;
  index: number;
  color: string;
  instance: boolean;
  attributes?: Record<string, AttributeAnswer>;
}

/** A submitted mask after every check: the raster and what each of its indexes is. */
export interface CheckedMask {
  width: number;
  height: number;
  /** Row-major labelMapping indexes, 0 = unlabeled. */
  values: Uint16Array;
  /** In labelMapping order (instances of a label in their array order). */
  indexes: CheckedIndex[];
  /** The labelMapping's labels in order, an instance label also when it has no instances (it maps to []). */
  labels: Array<{ label: string; instance: boolean }>;
}

/** The largest mask accepted (pixels): 64 megapixels, an 8K×8K image. */
export const MAX_MASK_PIXELS = 64 * 1024 * 1024;

const COLOR = /^#[0-9a-fA-F]{6}$/;

/** Whether a response is the workbench's inline form (a `mask` to render), not Scale's rendered form. */
export function isMaskDraft(response: unknown): response is { labelMapping: unknown; mask: unknown } {
  return isPlainObject(response) && 'mask' in response;
}

function readEntry(value: unknown, path: string, label: string, instance: boolean): CheckedIndex {
  if (!isPlainObject(value)) throw invalid(path, 'expected an object with index and color');
  const { index, color } = value;
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 1 || index > 0xffff) throw invalid(`${path}.index`, 'expected an integer from 1 to 65535');
  if (typeof color !== 'string' || !COLOR.test(color)) throw invalid(`${path}.color`, 'expected a colour as #rrggbb');
  const entry: CheckedIndex = { label, index, color: color.toLowerCase(), instance };
  if (value.attributes !== undefined) {
    if (!instance) throw invalid(`${path}.attributes`, 'only instance labels carry attributes');
    if (!isPlainObject(value.attributes)) throw invalid(`${path}.attributes`, 'expected an object');
    entry.attributes = value.attributes as Record<string, AttributeAnswer>;
  }
  return entry;
}

/**
 * Checks a submitted mask (the workbench's inline form) against the task's labels and decodes it:
 * labelMapping names only the task's leaf labels (every non-instance label once, instance labels
 * as arrays; `everyLabel: false` lets labels be missing, as in a test-mode blank), indexes are unique, the mask is at most MAX_MASK_PIXELS and uses only listed
 * indexes. Throws a FormatError naming the first problem.
 */
export function readMaskDraft(
  params: Record<string, unknown>,
  response: Record<string, unknown>,
  maxPixels = MAX_MASK_PIXELS,
  options: { everyLabel: boolean } = { everyLabel: true },
): CheckedMask {
  const leaves = segmentLabels(params.labels, params.instance_labels);
  const mapping = response.labelMapping;
  if (mapping === undefined) throw missing('response.labelMapping', 'the label and colour of each index of the mask');
  if (!isPlainObject(mapping)) throw invalid('response.labelMapping', 'expected an object of label → {index, color}');
  const indexes: CheckedIndex[] = [];
  const labels: CheckedMask['labels'] = [];
  for (const [label, value] of Object.entries(mapping)) {
    const leaf = leaves.find((candidate) => candidate.value === label);
    const path = `response.labelMapping.${label}`;
    if (!leaf) throw invalid(path, `"${label}" is not one of the task's labels (${leaves.map((candidate) => candidate.value).join(', ')})`);
    labels.push({ label, instance: leaf.instance });
    if (leaf.instance) {
      if (!Array.isArray(value)) throw invalid(path, `"${label}" is an instance label: expected an array with one {index, color} per instance`);
      value.forEach((entry, ordinal) => indexes.push(readEntry(entry, `${path}[${ordinal}]`, label, true)));
    } else {
      indexes.push(readEntry(value, path, label, false));
    }
  }
  for (const leaf of options.everyLabel ? leaves : []) {
    if (!leaf.instance && !(leaf.value in mapping)) throw missing(`response.labelMapping.${leaf.value}`, 'every label of the task, also one with no pixels');
  }
  const used = new Map<number, string>();
  for (const entry of indexes) {
    const other = used.get(entry.index);
    if (other !== undefined) throw invalid('response.labelMapping', `index ${entry.index} is given to both "${other}" and "${entry.label}"`);
    used.set(entry.index, entry.label);
  }

  const mask = response.mask;
  if (!isPlainObject(mask)) throw missing('response.mask', 'the mask as {width, height, rle}');
  for (const key of ['width', 'height'] as const) {
    const size = mask[key];
    if (typeof size !== 'number' || !Number.isInteger(size) || size < 1) throw invalid(`response.mask.${key}`, 'expected a positive integer');
  }
  const width = mask.width as number;
  const height = mask.height as number;
  if (width * height > maxPixels) throw invalid('response.mask', `${width}×${height} is larger than the ${maxPixels}-pixel limit`);
  if (typeof mask.rle !== 'string') throw invalid('response.mask.rle', 'expected the runs as a base64 string');
  const maxIndex = indexes.reduce((max, entry) => Math.max(max, entry.index), 0);
  let values: Uint16Array;
  try {
    values = decodeIndexRle({ width, height, rle: mask.rle }, maxIndex);
  } catch (error) {
    if (error instanceof MaskDecodeError) throw invalid('response.mask', error.message);
    throw error;
  }
  const listed = new Uint8Array(maxIndex + 1);
  listed[0] = 1;
  for (const entry of indexes) listed[entry.index] = 1;
  for (let offset = 0; offset < values.length; offset++) {
    if (!listed[values[offset]]) {
      throw invalid('response.mask', `pixel (${offset % width}, ${Math.floor(offset / width)}) has index ${values[offset]}, which labelMapping does not list`);
    }
  }
  return { width, height, values, indexes, labels };
}


