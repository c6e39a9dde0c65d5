import { leafLabelNames } from '../shared/labels.ts';
import { invalid, isPlainObject } from '../shared/problem.ts';
import { BASE_ANNOTATION_FLAGS } from './base-annotations.ts';

/**
 * Checks Scale's advanced imageannotation options when a task sets them (task-types.md §2.1):
 * `geometries.box.can_rotate`/`integer_pixels`, `geometries.point.connections`, `linked` attributes'
 * `allowed_labels`, `links`, `context_attachments`, `base_annotations` and its `can_*` flags,
 * `layers`, `padding`/`paddingX`/`paddingY`. Labels named anywhere must be leaf labels the task
 * offers. `checkAnnotation` checks one pre-label annotation the way a response's is checked.
 */
export function checkImageOptions(params: Record<string, unknown>, checkAnnotation: (annotation: unknown, path: string) => void): void {
  const geometries = isPlainObject(params.geometries) ? params.geometries : {};
  const leaves = new Set<string>();
  for (const geometry of Object.values(geometries)) if (isPlainObject(geometry)) for (const label of leafLabelNames(geometry.objects_to_annotate)) leaves.add(label);
  const requireLeaves = (value: unknown, path: string) => {
    if (!Array.isArray(value)) throw invalid(path, 'expected an array of labels');
    value.forEach((label, index) => {
      if (typeof label !== 'string' || !leaves.has(label)) throw invalid(`${path}[${index}]`, `${JSON.stringify(label)} is not a leaf label of this task (${[...leaves].join(', ')})`);
    });
  };

  const box = geometries.box;
  if (isPlainObject(box)) {
    for (const flag of ['can_rotate', 'integer_pixels']) {
      if (box[flag] !== undefined && typeof box[flag] !== 'boolean') throw invalid(`geometries.box.${flag}`, 'expected true or false');
    }
  }
  const linkedAttributes = checkLinkedAttributes(params.annotation_attributes, requireLeaves);
  const point = geometries.point;
  if (isPlainObject(point) && point.connections !== undefined) checkConnections(point.connections, leafLabelNames(point.objects_to_annotate), linkedAttributes);
  if (params.links !== undefined) checkLinkTypes(params.links, requireLeaves);
  if (params.context_attachments !== undefined) checkContextAttachments(params.context_attachments, params.attachment);
  if (params.base_annotations !== undefined) checkBaseAnnotations(params, checkAnnotation);
  if (params.layers !== undefined) checkLayers(params.layers);
  for (const key of ['padding', 'paddingX', 'paddingY']) {
    const value = params[key];
    if (value !== undefined && (typeof value !== 'number' || !Number.isInteger(value) || value < 0)) throw invalid(key, 'expected a whole number of pixels, 0 or more');
  }
}

/** The keys of `linked` annotation attributes, after checking their `allowed_labels`. */
function checkLinkedAttributes(attributes: unknown, requireLeaves: (value: unknown, path: string) => void): Set<string> {
  const linked = new Set<string>();
  if (!isPlainObject(attributes)) return linked;
  for (const [key, definition] of Object.entries(attributes)) {
    if (!isPlainObject(definition) || definition.type !== 'linked') continue;
    linked.add(key);
    if (definition.allowed_labels !== undefined) requireLeaves(definition.allowed_labels, `annotation_attributes.${key}.allowed_labels`);
    if (definition.required !== undefined && typeof definition.required !== 'boolean') throw invalid(`annotation_attributes.${key}.required`, 'expected true or false');
  }
  return linked;
}

function checkConnections(connections: unknown, pointLabels: Set<string>, linkedAttributes: Set<string>): void {
  const path = 'geometries.point.connections';
  if (!Array.isArray(connections)) throw invalid(path, 'expected an array of {"pair": [labelA, labelB]} objects');
  connections.forEach((connection, index) => {
    const at = `${path}[${index}]`;
    if (!isPlainObject(connection)) throw invalid(at, 'expected an object {"pair": [labelA, labelB]}');
    const pair = connection.pair;
    if (!Array.isArray(pair) || pair.length !== 2) throw invalid(`${at}.pair`, 'expected two point labels');
    pair.forEach((label, side) => {
      if (typeof label !== 'string' || !pointLabels.has(label)) {
        throw invalid(`${at}.pair[${side}]`, `${JSON.stringify(label)} is not a label of geometries.point.objects_to_annotate (${[...pointLabels].join(', ')})`);
      }
    });
    const attribute = connection.connection_attribute;
    if (attribute !== undefined && (typeof attribute !== 'string' || !linkedAttributes.has(attribute))) {
      throw invalid(`${at}.connection_attribute`, `${JSON.stringify(attribute)} is not a linked annotation attribute of this task${linkedAttributes.size > 0 ? ` (${[...linkedAttributes].join(', ')})` : ''}`);
    }
  });
}

/** `links`: one object of link types, or an array of such objects (both spellings Scale shows). */
function checkLinkTypes(links: unknown, requireLeaves: (value: unknown, path: string) => void): void {
  const maps = Array.isArray(links) ? links : [links];
  maps.forEach((map, position) => {
    const at = Array.isArray(links) ? `links[${position}]` : 'links';
    if (!isPlainObject(map)) throw invalid(at, 'expected an object of link types: {"<link label>": {"from_allowed_labels": [...], "to_allowed_labels": [...]}}');
    for (const [label, type] of Object.entries(map)) {
      if (!isPlainObject(type)) throw invalid(`${at}.${label}`, 'expected {"is_bidirectional", "from_allowed_labels", "to_allowed_labels"}');
      if (type.is_bidirectional !== undefined && typeof type.is_bidirectional !== 'boolean') throw invalid(`${at}.${label}.is_bidirectional`, 'expected true or false');
      for (const side of ['from_allowed_labels', 'to_allowed_labels']) if (type[side] !== undefined) requireLeaves(type[side], `${at}.${label}.${side}`);
    }
  });
}

function checkContextAttachments(entries: unknown, attachment: unknown): void {
  if (!Array.isArray(entries)) throw invalid('context_attachments', 'expected an array of {"attachment": url}');
  entries.forEach((entry, index) => {
    const at = `context_attachments[${index}]`;
    if (!isPlainObject(entry) || typeof entry.attachment !== 'string' || entry.attachment.trim() === '') throw invalid(at, 'expected {"attachment": url}');
    if (entry.attachment === attachment) throw invalid(`${at}.attachment`, 'is the task\'s own attachment; context attachments are other images shown beside it');
  });
}

function checkBaseAnnotations(params: Record<string, unknown>, checkAnnotation: (annotation: unknown, path: string) => void): void {
  const base = params.base_annotations;
  if (!isPlainObject(base) || !Array.isArray(base.annotations)) throw invalid('base_annotations', 'expected {"annotations": [...]} in the response format');
  base.annotations.forEach((annotation, index) => checkAnnotation(annotation, `base_annotations.annotations[${index}]`));
  const uuids = new Set<string>();
  base.annotations.forEach((annotation, index) => {
    const uuid = isPlainObject(annotation) ? annotation.uuid : undefined;
    if (uuid === undefined) return;
    if (typeof uuid !== 'string' || uuid === '') throw invalid(`base_annotations.annotations[${index}].uuid`, 'expected a non-empty string');
    if (uuids.has(uuid)) throw invalid(`base_annotations.annotations[${index}].uuid`, `"${uuid}" is used twice`);
    uuids.add(uuid);
  });
  for (const flag of Object.values(BASE_ANNOTATION_FLAGS)) {
    for (const [holder, path] of [
      [params, flag],
      [base, `base_annotations.${flag}`],
    ] as const) {
      if (holder[flag] !== undefined && typeof holder[flag] !== 'boolean') throw invalid(path, 'expected true or false');
    }
  }
}

/** `layers`: read-only overlays, `{"boxes": [], "lines": [], "cuboids": [], "polygons": []}` (points and ellipses too). */
export const LAYER_KEYS = ['boxes', 'lines', 'cuboids', 'polygons', 'points', 'ellipses'] as const;

function checkLayers(layers: unknown): void {
  if (!isPlainObject(layers)) throw invalid('layers', `expected an object of ${LAYER_KEYS.join(', ')} arrays`);
  for (const [key, list] of Object.entries(layers)) {
    if (!(LAYER_KEYS as readonly string[]).includes(key)) throw invalid(`layers.${key}`, `is not a layer kind; use ${LAYER_KEYS.join(', ')}`);
    if (!Array.isArray(list) || !list.every(isPlainObject)) throw invalid(`layers.${key}`, 'expected an array of annotation objects');
  }
}
