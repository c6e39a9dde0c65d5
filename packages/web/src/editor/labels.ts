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
export function labelCaption(option: LabelOption): string {
  return [...option.path, option.display].join(' › ');
}

/** A stable colour per label, so the same class looks the same across tasks. */
export function labelColor(label: string): string {
  let hash = 0;
  for (let index = 0; index < label.length; index++) hash = (hash * 31 + label.charCodeAt(index)) | 0;
  const hue = Math.abs(hash) % 360;
  return `hsl(${hue} 85% 45%)`;
}
