/** A labelled character range of the task text; `end` is exclusive (as in `text.slice(start, end)`). */
export interface EntitySpan {
  start: number;
  end: number;
  label: string;
}

export interface NerLabel {
  name: string;
  display: string;
  description?: string;
}

/** Reads NER `labels`: strings, `{name, display_name?, description?}`, or `{choice}` objects. */
export function parseNerLabels(raw: unknown): NerLabel[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((entry): NerLabel[] => {
    if (typeof entry === 'string') return [{ name: entry, display: entry }];
    if (!entry || typeof entry !== 'object') return [];
    const spec = entry as Record<string, unknown>;
    const name = typeof spec.name === 'string' ? spec.name : typeof spec.choice === 'string' ? spec.choice : undefined;
    if (!name) return [];
    const display = typeof spec.display_name === 'string' ? spec.display_name : typeof spec.display === 'string' ? spec.display : name;
    return [{ name, display, description: typeof spec.description === 'string' ? spec.description : undefined }];
  });
}

/** Trims whitespace off both ends of a selection, so "  Paris " saves as "Paris". */
export function trimSpan(text: string, start: number, end: number): { start: number; end: number } {
  let from = Math.max(0, Math.min(start, end));
  let to = Math.min(text.length, Math.max(start, end));
  while (from < to && /\s/.test(text[from])) from++;
  while (to > from && /\s/.test(text[to - 1])) to--;
  return { start: from, end: to };
}

/** Adds a span, or explains why not (empty, or overlapping one already there). Keeps spans sorted. */
export function addSpan(spans: readonly EntitySpan[], span: EntitySpan): EntitySpan[] | string {
  if (span.end <= span.start) return 'Select some text first.';
  const clash = spans.find((other) => span.start < other.end && other.start < span.end);
  if (clash) return 'That text overlaps an entity already labelled; remove it first.';
  return [...spans, span].sort((a, b) => a.start - b.start);
}

/** The text cut into plain and labelled pieces, in order, for rendering. */
export function segments(text: string, spans: readonly EntitySpan[]): Array<{ start: number; end: number; span?: EntitySpan }> {
  const pieces: Array<{ start: number; end: number; span?: EntitySpan }> = [];
  let cursor = 0;
  for (const span of spans) {
    if (span.start > cursor) pieces.push({ start: cursor, end: span.start });
    pieces.push({ start: span.start, end: span.end, span });
    cursor = span.end;
  }
  if (cursor < text.length) pieces.push({ start: cursor, end: text.length });
  return pieces;
}

/** The Scale response: `{annotations: [{start, end, label, text}]}`. */
export function toNerResponse(text: string, spans: readonly EntitySpan[]) {
  return { annotations: spans.map((span) => ({ start: span.start, end: span.end, label: span.label, text: text.slice(span.start, span.end) })) };
}

/** Reads saved spans, dropping any that don't fit the text or overlap. */
export function readSpans(text: string, saved: unknown): EntitySpan[] {
  const annotations = (saved as { annotations?: unknown } | undefined)?.annotations;
  let spans: EntitySpan[] = [];
  if (!Array.isArray(annotations)) return spans;
  for (const entry of annotations) {
    const { start, end, label } = (entry ?? {}) as Record<string, unknown>;
    if (typeof start !== 'number' || typeof end !== 'number' || typeof label !== 'string' || start < 0 || end > text.length) continue;
    const next = addSpan(spans, { start, end, label });
    if (typeof next !== 'string') spans = next;
  }
  return spans;
}
