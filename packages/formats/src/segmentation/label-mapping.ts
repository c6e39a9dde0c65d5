import type { SegmentLabel } from './labels.ts';

/** An attribute answer, as the image family's annotation_attributes hold them. */
export type AttributeAnswer = string | string[] | number;

/** What index assignment needs to know of an editor's segment (one index of the mask). */
export interface SegmentInfo {
  /** Its value in the editor's raster. */
  value: number;
  label: string;
  /** Creation order. */
  index: number;
  color: string;
  attributes: Readonly<Record<string, AttributeAnswer>>;
}

/** One entry of Scale's `labelMapping` (task-types §3.2). */
export interface LabelMappingEntry {
  index: number;
  color: string;
  /** Instance entries only. */
  numPixels?: number;
  /** Instance entries only: the instance's annotation_attributes answers (Tagwright decision). */
  attributes?: Record<string, AttributeAnswer>;
}

/** Leaf label → entry, or → entries (one per instance) for an instance label. */
export type LabelMapping = Record<string, LabelMappingEntry | LabelMappingEntry[]>;

/**
 * Output indexes (task-types §3.4): from 1, in leaf order of `labels`; an instance label takes
 * consecutive indexes for its instances in creation order. Returns the mapping and a table from
 * each segment's raster value to its output index.
 */
export function assignIndexes(
  labels: readonly SegmentLabel[],
  segments: readonly SegmentInfo[],
  pixelCounts?: ReadonlyMap<number, number>,
): { labelMapping: LabelMapping; outputIndexOf: Map<number, number> } {
  const labelMapping: LabelMapping = {};
  const outputIndexOf = new Map<number, number>();
  let next = 1;
  const byCreation = [...segments].sort((a, b) => a.index - b.index);
  for (const label of labels) {
    const mine = byCreation.filter((segment) => segment.label === label.value);
    if (label.instance) {
      labelMapping[label.value] = mine.map((segment) => {
        outputIndexOf.set(segment.value, next);
        const entry: LabelMappingEntry = { index: next++, color: segment.color, numPixels: pixelCounts?.get(segment.value) ?? 0 };
        if (Object.keys(segment.attributes).length > 0) entry.attributes = { ...segment.attributes };
        return entry;
      });
    } else if (mine[0]) {
      outputIndexOf.set(mine[0].value, next);
      labelMapping[label.value] = { index: next++, color: mine[0].color };
    }
  }
  return { labelMapping, outputIndexOf };
}

/** Flattens a labelMapping (object or array entries) into `[label, entry, ordinal]` triples. */
export function mappingEntries(labelMapping: LabelMapping): Array<{ label: string; entry: LabelMappingEntry; instance: boolean; ordinal: number }> {
  const out: Array<{ label: string; entry: LabelMappingEntry; instance: boolean; ordinal: number }> = [];
  for (const [label, value] of Object.entries(labelMapping)) {
    if (Array.isArray(value)) value.forEach((entry, ordinal) => out.push({ label, entry, instance: true, ordinal }));
    else out.push({ label, entry: value, instance: false, ordinal: 0 });
  }
  return out;
}
