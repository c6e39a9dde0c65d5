import { TYPED_IMAGE_TASK_TYPE } from '@tagwright/formats';
import type { EditorConfig } from './config.ts';
import { prunedAttributeValues } from './attributes.ts';
import { utilFor, utilOf } from './shapes/index.ts';
import { GEOMETRY_TYPES, type AttributeValue, type GeometryType, type LinkRecord, type Shape } from './types.ts';
import { newId } from './ids.ts';
import { serialiseLink, type ScaleLink } from './links.ts';

/**
 * The `response` a finished image task sends back, in the Scale shape for its task type. An
 * imageannotation response always has all three keys (task-types.md §2.2).
 */
export interface ImageResponse {
  annotations: Array<Record<string, unknown>>;
  links?: ScaleLink[];
  global_attributes?: Record<string, AttributeValue>;
}

/** Writes the shapes as the Scale response for the task's type. */
export function serialiseResponse(
  shapes: readonly Shape[],
  config: EditorConfig,
  globalAttributes: Readonly<Record<string, AttributeValue>> = {},
  links: readonly LinkRecord[] = [],
): ImageResponse {
  const perAnnotation = config.attributes.filter((definition) => !definition.global);
  const options = { integerPixels: config.integerPixels, canRotate: config.geometries.box?.canRotate === true };
  const annotations = shapes.map((shape) => {
    const fields = utilOf(shape).toScaleFields(shape, options);
    const attributes = prunedAttributeValues(perAnnotation, shape.label, shape.attributes);
    if (config.format === TYPED_IMAGE_TASK_TYPE) {
      return { uuid: shape.id, type: shape.type, label: shape.label, attributes, ...fields };
    }
    // Legacy task types: no uuid or type; attributes only when the task asked for some.
    return { ...fields, label: shape.label, ...(perAnnotation.length > 0 ? { attributes } : {}) };
  });
  if (config.format !== TYPED_IMAGE_TASK_TYPE) return { annotations };
  const globals = config.attributes.filter((definition) => definition.global);
  return { annotations, links: links.map(serialiseLink), global_attributes: prunedAttributeValues(globals, '', globalAttributes) };
}

/** The geometry of a Scale annotation: its `type`, or the legacy task's single geometry. */
function geometryOf(annotation: Record<string, unknown>, config: EditorConfig): GeometryType | null {
  if (typeof annotation.type === 'string' && GEOMETRY_TYPES.includes(annotation.type as GeometryType)) {
    return annotation.type as GeometryType;
  }
  const enabled = Object.keys(config.geometries) as GeometryType[];
  return enabled.length === 1 ? enabled[0] : null;
}

export interface LoadResult {
  shapes: Shape[];
  globalAttributes: Record<string, AttributeValue>;
  /** How many annotations could not be read (unknown geometry or malformed coordinates). */
  skipped: number;
}

/**
 * Reads a Scale response (a `hypothesis`, a saved draft, or a completed response being reviewed)
 * into shapes. Ids are kept when present so uuids survive a round trip.
 */
export function loadAnnotations(response: unknown, config: EditorConfig, firstIndex = 0): LoadResult {
  const result: LoadResult = { shapes: [], globalAttributes: {}, skipped: 0 };
  if (!response || typeof response !== 'object') return result;
  const body = response as Record<string, unknown>;
  const annotations = Array.isArray(body.annotations) ? body.annotations : [];
  const seen = new Set<string>();
  for (const raw of annotations) {
    if (!raw || typeof raw !== 'object') {
      result.skipped++;
      continue;
    }
    const annotation = raw as Record<string, unknown>;
    const geometry = geometryOf(annotation, config);
    let id = typeof annotation.uuid === 'string' && annotation.uuid ? annotation.uuid : newId();
    if (seen.has(id)) id = newId();
    const base = {
      id,
      label: typeof annotation.label === 'string' ? annotation.label : '',
      attributes: readAttributes(annotation.attributes),
      index: firstIndex + result.shapes.length,
    };
    const shape = geometry ? utilFor(geometry).fromScaleFields(annotation, base as never) : null;
    if (shape) {
      seen.add(id);
      result.shapes.push(shape);
    } else {
      result.skipped++;
    }
  }
  result.globalAttributes = readAttributes(body.global_attributes);
  return result;
}

/** Reads `{key: value}` attribute answers, dropping values of the wrong type. */
export function readAttributes(value: unknown): Record<string, AttributeValue> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
  const attributes: Record<string, AttributeValue> = {};
  for (const [key, entry] of Object.entries(value as Record<string, unknown>)) {
    if (typeof entry === 'string' || (typeof entry === 'number' && Number.isFinite(entry))) attributes[key] = entry;
    else if (Array.isArray(entry) && entry.every((item) => typeof item === 'string')) attributes[key] = entry as string[];
  }
  return attributes;
}
