/**
 * Scale's label lists (`objects_to_annotate`, `categories`, attribute `choices`): a mix of strings
 * and `{choice, subchoices?, display?}` objects. Only leaves can be chosen; parents are headings.
 */
export interface LabelDescription {
  choice: string;
  display?: string;
  subchoices?: Array<string | LabelDescription>;
}

export type LabelInput = string | LabelDescription;

/** A label as the picker shows it: what is saved (`value`), what is shown, and its parent headings. */
export interface LabelOption {
  value: string;
  display: string;
  path: string[];
}

/** Flattens nested label descriptions into their selectable leaves, in order. */
export function flattenLabels(inputs: unknown, path: string[] = []): LabelOption[] {
  if (!Array.isArray(inputs)) return [];
  const options: LabelOption[] = [];
  for (const input of inputs) {
    if (typeof input === 'string') {
      options.push({ value: input, display: input, path });
    } else if (input && typeof input === 'object' && typeof (input as LabelDescription).choice === 'string') {
      const description = input as LabelDescription;
      const display = description.display ?? description.choice;
      if (Array.isArray(description.subchoices) && description.subchoices.length > 0) {
        options.push(...flattenLabels(description.subchoices, [...path, display]));
      } else {
        options.push({ value: description.choice, display, path });
      }
    } else if (input && typeof input === 'object' && typeof (input as { value?: unknown }).value === 'string') {
      // Text-collection style choices: {label, value}.
      const choice = input as { value: string; label?: string };
      options.push({ value: choice.value, display: choice.label ?? choice.value, path });
    }
  }
  return options;
}

/** The picker's text for an option: "vehicle › truck or SUV". */
export function labelCaption(option: Pick<LabelOption, 'path' | 'display'>): string {
  return [...option.path, option.display].join(' › ');
}

/** Distinct colours for a task's labels, in the order the task lists them. */
const PALETTE = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#42d4f4', '#f032e6', '#bfef45', '#469990', '#9a6324', '#800000', '#000075'];

/** Colours by position in the task's label list (distinct for up to 12 labels), else by hash. */
export function labelPalette(labels: readonly string[]): (label: string) => string {
  const colors = new Map<string, string>();
  for (const label of labels) if (!colors.has(label) && colors.size < PALETTE.length) colors.set(label, PALETTE[colors.size]);
  return (label) => colors.get(label) ?? labelColor(label);
}

/** A stable colour per label, so the same class looks the same across tasks. */
export function labelColor(label: string): string {
  // FNV-1a, then spread hues by the golden angle so similar names still get distinct colours.
  let hash = 0x811c9dc5;
  for (let index = 0; index < label.length; index++) {
    hash ^= label.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  const hue = Math.round(((hash >>> 0) * 137.508) % 360);
  return `hsl(${hue} 80% 45%)`;
}
