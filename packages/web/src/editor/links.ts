import type { LinkType } from './config.ts';
import type { LinkRecord } from './types.ts';
import { newId } from './ids.ts';

/** Whether a link of this type may go from an annotation labelled `fromLabel` to one labelled `toLabel`. */
export function linkAllowed(type: LinkType, fromLabel: string, toLabel: string): boolean {
  const allows = (labels: string[], label: string) => labels.length === 0 || labels.includes(label);
  if (allows(type.fromLabels, fromLabel) && allows(type.toLabels, toLabel)) return true;
  return type.bidirectional && allows(type.fromLabels, toLabel) && allows(type.toLabels, fromLabel);
}

/** Whether an annotation with this label can start a link of this type at all. */
export function canStartLink(type: LinkType, label: string): boolean {
  const allows = (labels: string[]) => labels.length === 0 || labels.includes(label);
  return allows(type.fromLabels) || (type.bidirectional && allows(type.toLabels));
}

/** Scale's (undocumented, Tagwright-decided) link entry: `{uuid, label, from, to}` (§2.2 U). */
export interface ScaleLink {
  uuid: string;
  label: string;
  from: string;
  to: string;
}

export const serialiseLink = (link: LinkRecord): ScaleLink => ({ uuid: link.id, label: link.label, from: link.from, to: link.to });

/** Reads `response.links`, keeping only entries between annotations that exist. */
export function loadLinks(raw: unknown, annotationIds: ReadonlySet<string>): LinkRecord[] {
  if (!Array.isArray(raw)) return [];
  const links: LinkRecord[] = [];
  const seen = new Set<string>();
  for (const entry of raw) {
    if (!entry || typeof entry !== 'object') continue;
    const { uuid, label, from, to } = entry as Record<string, unknown>;
    if (typeof label !== 'string' || typeof from !== 'string' || typeof to !== 'string') continue;
    if (!annotationIds.has(from) || !annotationIds.has(to)) continue;
    let id = typeof uuid === 'string' && uuid ? uuid : newId();
    if (seen.has(id)) id = newId();
    seen.add(id);
    links.push({ id, label, from, to, index: links.length });
  }
  return links;
}
