/** A selectable leaf of a segmentation task's `labels` tree. */
export interface SegmentLabel {
  value: string;
  display: string;
  /** Parent headings, for the picker. */
  path: string[];
  /** `instance_label: true`: each object gets its own index (panoptic). */
  instance: boolean;
  /** Leaf order: decides output indexes and the default colour (task-types §3.4). */
  position: number;
}

/** The 20 label colours of task-types §3.4, in order. */
export const SEGMENT_PALETTE = [
  '#e6194b', '#3cb44b', '#ffe119', '#4363d8', '#f58231', '#911eb4', '#46f0f0', '#f032e6', '#bcf60c', '#fabebe',
  '#008080', '#e6beff', '#9a6324', '#fffac8', '#800000', '#aaffc3', '#808000', '#ffd8b1', '#000075', '#808080',
];

/** The colour of the label at this leaf position. */
export const labelColorAt = (position: number): string => SEGMENT_PALETTE[position % SEGMENT_PALETTE.length];

/** Instance `ordinal` (0-based) of a label: its colour, darkened a step per instance (cycling after 6). */
export function instanceColor(base: string, ordinal: number): string {
  const factor = 1 - 0.08 * (ordinal % 6);
  const channel = (offset: number) => Math.round(parseInt(base.slice(offset, offset + 2), 16) * factor).toString(16).padStart(2, '0');
  return `#${channel(1)}${channel(3)}${channel(5)}`;
}

/**
 * The selectable leaves of `labels` (strings or LabelDescriptions) in depth-first order; legacy
 * `instance_labels` strings count as instance labels after them (task-types §3.1).
 */
export function segmentLabels(labels: unknown, instanceLabels?: unknown): SegmentLabel[] {
  const leaves: SegmentLabel[] = [];
  const walk = (inputs: unknown, path: string[], inheritedInstance: boolean) => {
    if (!Array.isArray(inputs)) return;
    for (const input of inputs) {
      if (typeof input === 'string') {
        leaves.push({ value: input, display: input, path, instance: inheritedInstance, position: leaves.length });
      } else if (input && typeof input === 'object' && typeof (input as { choice?: unknown }).choice === 'string') {
        const node = input as { choice: string; display?: string; subchoices?: unknown[]; instance_label?: boolean };
        const display = node.display ?? node.choice;
        const instance = inheritedInstance || node.instance_label === true;
        if (Array.isArray(node.subchoices) && node.subchoices.length > 0) walk(node.subchoices, [...path, display], instance);
        else leaves.push({ value: node.choice, display, path, instance, position: leaves.length });
      }
    }
  };
  walk(labels, [], false);
  walk(instanceLabels, [], true);
  return leaves;
}
