import { checkLabel, labelNames } from '../shared/labels.ts';
import { annotationList, requireNumbers } from '../shared/response.ts';
import { invalid, isPlainObject, missing } from '../shared/problem.ts';
import { attributeApplies } from '../shared/attribute-conditions.ts';
import { LEGACY_IMAGE_TASK_GEOMETRY, type LegacyImageTaskType, type Vertex } from './types.ts';
import { rotatedBoxCorners } from './geometry.ts';
import { checkBaseAnnotationEdits } from './base-annotations.ts';

/**
 * An image task's response: `annotations` of the geometries and labels the task offers (each
 * imageannotation annotation names its geometry in `type`; a legacy type's all have its one
 * geometry), shapes well formed, and an optional `global_attributes` object.
 */
export function validateImageResponse(type: string, params: Record<string, unknown>, response: Record<string, unknown>): void {
  checkImageShapes(type, params, response, { root: 'response', complete: true });
}

/**
 * An image task's `hypothesis` (pre-labels, task-types.md §2.1), checked at creation against the
 * task's own params in the response's shape, with paths under `hypothesis`. Pre-labels may leave
 * required answers open (the labeler completes them) and are no edits of base annotations.
 */
export function validateImageHypothesis(type: string, params: Record<string, unknown>): void {
  const hypothesis = params.hypothesis;
  if (hypothesis === undefined) return;
  if (!isPlainObject(hypothesis)) throw invalid('hypothesis', 'expected {"annotations": [...], "global_attributes"?: {...}}, in the shape of this task\'s response');
  checkImageShapes(type, params, hypothesis, { root: 'hypothesis', complete: false });
}

/** Where a response-shaped value sits (`response`, `hypothesis`) and whether it must be complete (a labeler's final answer). */
interface ShapeCheck {
  root: string;
  complete: boolean;
}

function checkImageShapes(type: string, params: Record<string, unknown>, value: Record<string, unknown>, check: ShapeCheck): void {
  if (type === 'imageannotation') checkImageAnnotation(value, params, check);
  else checkLegacyShapes(value, params, LEGACY_IMAGE_TASK_GEOMETRY[type as LegacyImageTaskType], check.root);
}

function checkVertices(annotation: Record<string, unknown>, path: string, minimum: number, maximum?: number): void {
  const vertices = annotation.vertices;
  if (!Array.isArray(vertices)) throw invalid(`${path}.vertices`, 'expected an array of {x, y} points');
  vertices.forEach((vertex, index) => {
    if (!isPlainObject(vertex)) throw invalid(`${path}.vertices[${index}]`, 'expected an {x, y} point');
    requireNumbers(vertex, `${path}.vertices[${index}]`, ['x', 'y']);
  });
  if (vertices.length < minimum) throw invalid(`${path}.vertices`, `needs at least ${minimum} points, got ${vertices.length}`);
  if (maximum !== undefined && vertices.length > maximum) throw invalid(`${path}.vertices`, `allows at most ${maximum} points, got ${vertices.length}`);
}

/** Checks one shape's geometry fields (video keyframes use it too). */
export function checkGeometry(annotation: Record<string, unknown>, path: string, geometry: string, settings: Record<string, unknown>): void {
  const limit = (key: string) => (typeof settings[key] === 'number' ? (settings[key] as number) : undefined);
  switch (geometry) {
    case 'box':
      requireNumbers(annotation, path, ['left', 'top', 'width', 'height']);
      if ((annotation.width as number) < 0 || (annotation.height as number) < 0) throw invalid(path, 'a box needs a non-negative width and height');
      return;
    case 'polygon':
      return checkVertices(annotation, path, Math.max(3, limit('min_vertices') ?? 3), limit('max_vertices'));
    case 'line':
      return checkVertices(annotation, path, Math.max(2, limit('min_vertices') ?? 2), limit('max_vertices'));
    case 'ellipse':
      return checkVertices(annotation, path, 4, 4);
    case 'point':
      return requireNumbers(annotation, path, ['x', 'y']);
    case 'cuboid':
      checkVertices(annotation, path, 1);
      if (annotation.edges !== undefined && !Array.isArray(annotation.edges)) throw invalid(`${path}.edges`, 'expected an array of edges');
      return;
  }
}

/** One imageannotation annotation: a geometry the task asks for, one of its labels, well-formed coordinates (a response's, or a pre-label's at creation). */
export function checkTypedAnnotation(annotation: unknown, path: string, params: Record<string, unknown>): void {
  const geometries = isPlainObject(params.geometries) ? params.geometries : {};
  if (!isPlainObject(annotation)) throw invalid(path, 'expected an annotation object');
  const geometry = annotation.type;
  if (typeof geometry !== 'string') throw invalid(`${path}.type`, `expected the geometry (${Object.keys(geometries).join(', ') || 'box'})`);
  const settings = geometries[geometry];
  if (!isPlainObject(settings)) throw invalid(`${path}.type`, `"${geometry}" is not a geometry this task asks for (${Object.keys(geometries).join(', ')})`);
  checkLabel(annotation, path, labelNames(settings.objects_to_annotate));
  checkGeometry(annotation, path, geometry, settings);
  if (geometry === 'box') checkRotation(annotation, path, settings.can_rotate === true);
  if (annotation.uuid !== undefined && (typeof annotation.uuid !== 'string' || annotation.uuid === '')) throw invalid(`${path}.uuid`, 'expected a non-empty string');
}

/**
 * A box of a `can_rotate` task may carry `rotation` (radians, [0, 2π)) and `vertices` (its four
 * corners TL, TR, BR, BL turned about the centre, within a pixel); other boxes carry neither.
 */
function checkRotation(box: Record<string, unknown>, path: string, canRotate: boolean): void {
  if (!canRotate) {
    if (box.rotation !== undefined && box.rotation !== 0) throw invalid(`${path}.rotation`, "this task's boxes cannot rotate (geometries.box.can_rotate is not true)");
    if (box.vertices !== undefined) throw invalid(`${path}.vertices`, "only rotated boxes have vertices, and this task's boxes cannot rotate (geometries.box.can_rotate is not true)");
    return;
  }
  const rotation = box.rotation ?? 0;
  if (typeof rotation !== 'number' || !Number.isFinite(rotation) || rotation < 0 || rotation >= 2 * Math.PI) {
    throw invalid(`${path}.rotation`, 'expected the clockwise rotation in radians, at least 0 and below 2π');
  }
  if (box.vertices === undefined) return;
  checkVertices(box, path, 4, 4);
  const expected = rotatedBoxCorners({ left: box.left as number, top: box.top as number, width: box.width as number, height: box.height as number, rotation });
  (box.vertices as Vertex[]).forEach((vertex, index) => {
    if (Math.hypot(vertex.x - expected[index].x, vertex.y - expected[index].y) > 1) {
      throw invalid(`${path}.vertices[${index}]`, `is not corner ${['TL', 'TR', 'BR', 'BL'][index]} of the box turned by its rotation (expected about ${Math.round(expected[index].x * 100) / 100}, ${Math.round(expected[index].y * 100) / 100})`);
    }
  });
}

function checkImageAnnotation(response: Record<string, unknown>, params: Record<string, unknown>, check: ShapeCheck): void {
  const { root } = check;
  const annotations = annotationList(response, root);
  const labels = new Map<string, string>();
  annotations.forEach((annotation, index) => {
    const path = `${root}.annotations[${index}]`;
    checkTypedAnnotation(annotation, path, params);
    const { uuid, label } = annotation as Record<string, unknown>;
    if (typeof uuid !== 'string') return;
    if (labels.has(uuid)) throw invalid(`${path}.uuid`, `"${uuid}" is used by two annotations`);
    labels.set(uuid, label as string);
  });
  annotations.forEach((annotation, index) => checkLinkedAnswers(annotation as Record<string, unknown>, `${root}.annotations[${index}]`, params, labels, check.complete));
  checkLinks(response.links, params, labels, root);
  if (response.global_attributes !== undefined && !isPlainObject(response.global_attributes)) throw invalid(`${root}.global_attributes`, 'expected an object');
  if (!check.complete) return;
  const attributeKeys = isPlainObject(params.annotation_attributes) ? Object.keys(params.annotation_attributes) : [];
  const box = isPlainObject(params.geometries) && isPlainObject(params.geometries.box) ? params.geometries.box : {};
  checkBaseAnnotationEdits(params, annotations, attributeKeys, box.integer_pixels === true);
}

/**
 * A `linked` attribute's answer is the uuid of another annotation of this response whose label it
 * allows (task-types.md §1.5); one marked `required: true` must be answered on every annotation it
 * applies to (its conditions), as the editor asks.
 */
export function checkLinkedAnswers(annotation: Record<string, unknown>, path: string, params: Record<string, unknown>, labels: Map<string, string>, complete: boolean, noun = 'annotation'): void {
  if (!isPlainObject(params.annotation_attributes)) return;
  const answers = isPlainObject(annotation.attributes) ? annotation.attributes : {};
  for (const [key, definition] of Object.entries(params.annotation_attributes)) {
    if (!isPlainObject(definition) || definition.type !== 'linked') continue;
    const target = answers[key];
    const at = `${path}.attributes.${key}`;
    if (target === undefined) {
      if (complete && definition.required === true && definition.global !== true && attributeApplies(definition, annotation.label, answers)) {
        const allowed = Array.isArray(definition.allowed_labels) && definition.allowed_labels.length > 0 ? ` (a ${definition.allowed_labels.join(' or ')})` : '';
        throw missing(at, `this "${String(annotation.label)}" must be linked to another ${noun}${allowed}: the task marks the linked attribute "${key}" required`);
      }
      continue;
    }
    if (typeof target !== 'string' || !labels.has(target)) throw invalid(at, `expected the uuid of another ${noun} of this response (leave the key out when nothing is linked)`);
    if (target === annotation.uuid) throw invalid(at, `${noun === 'annotation' ? 'an annotation' : `a ${noun}`} cannot link to itself`);
    const allowed = Array.isArray(definition.allowed_labels) ? definition.allowed_labels : [];
    if (allowed.length > 0 && !allowed.includes(labels.get(target))) throw invalid(at, `links to a "${labels.get(target)}"; allowed are ${allowed.join(', ')}`);
  }
}

/**
 * `response.links`: `{uuid, label, from, to}` entries (task-types.md §2.2) of the task's link types,
 * between annotations (`noun`: tracks, for video) of this response, in an allowed direction.
 */
export function checkLinks(links: unknown, params: Record<string, unknown>, labels: Map<string, string>, root: string, noun = 'annotation'): void {
  if (links === undefined) return;
  if (!Array.isArray(links)) throw invalid(`${root}.links`, 'expected an array of {uuid, label, from, to}');
  const types = linkTypesOf(params.links);
  links.forEach((link, index) => {
    const path = `${root}.links[${index}]`;
    if (!isPlainObject(link)) throw invalid(path, 'expected {uuid, label, from, to}');
    if (link.uuid !== undefined && typeof link.uuid !== 'string') throw invalid(`${path}.uuid`, 'expected a string');
    const kinds = typeof link.label === 'string' ? types.filter((type) => type.label === link.label) : [];
    if (kinds.length === 0) throw invalid(`${path}.label`, types.length === 0 ? 'this task defines no links (params.links)' : `expected one of the task's link types (${[...new Set(types.map((type) => type.label))].join(', ')})`);
    for (const end of ['from', 'to'] as const) {
      if (typeof link[end] !== 'string' || !labels.has(link[end] as string)) throw invalid(`${path}.${end}`, `expected the uuid of ${noun === 'annotation' ? 'an annotation' : `a ${noun}`} of this ${root}`);
    }
    if (link.from === link.to) throw invalid(`${path}.to`, `a link joins two different ${noun}s`);
    const fromLabel = labels.get(link.from as string)!;
    const toLabel = labels.get(link.to as string)!;
    if (!kinds.some((type) => linkAllowed(type, fromLabel, toLabel))) throw invalid(path, `a "${link.label}" link may not go from a "${fromLabel}" to a "${toLabel}"`);
  });
}

interface LinkType {
  label: string;
  bidirectional: boolean;
  from: unknown[];
  to: unknown[];
}

/** The link types of `params.links` (one object, or an array of alternatives). */
function linkTypesOf(raw: unknown): LinkType[] {
  const maps = Array.isArray(raw) ? raw.filter(isPlainObject) : isPlainObject(raw) ? [raw] : [];
  return maps.flatMap((map) =>
    Object.entries(map).flatMap(([label, type]) =>
      isPlainObject(type)
        ? [{ label, bidirectional: type.is_bidirectional === true, from: Array.isArray(type.from_allowed_labels) ? type.from_allowed_labels : [], to: Array.isArray(type.to_allowed_labels) ? type.to_allowed_labels : [] }]
        : [],
    ),
  );
}

/** An empty allowed list allows every label, as the editor reads it. */
function linkAllowed(type: LinkType, from: string, to: string): boolean {
  const allows = (labels: unknown[], label: string) => labels.length === 0 || labels.includes(label);
  return (allows(type.from, from) && allows(type.to, to)) || (type.bidirectional && allows(type.from, to) && allows(type.to, from));
}

function checkLegacyShapes(response: Record<string, unknown>, params: Record<string, unknown>, geometry: string, root: string): void {
  const labels = labelNames(params.objects_to_annotate);
  annotationList(response, root).forEach((annotation, index) => {
    const path = `${root}.annotations[${index}]`;
    if (!isPlainObject(annotation)) throw invalid(path, 'expected an annotation object');
    checkLabel(annotation, path, labels);
    checkGeometry(annotation, path, geometry, params);
  });
}
