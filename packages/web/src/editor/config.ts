import { IMAGE_TASK_TYPES as FORMAT_IMAGE_TASK_TYPES, LEGACY_IMAGE_TASK_GEOMETRY, TYPED_IMAGE_TASK_TYPE, baseAnnotationRules, type BaseAnnotationRules, type ImageTaskType } from '@tagwright/formats';
import { flattenLabels, type LabelOption } from './labels.ts';
import { parseAttributeDefinitions, type AttributeDefinition } from './attributes.ts';
import { GEOMETRY_TYPES, type GeometryType } from './types.ts';

/** The rules for one geometry, read from `params.geometries[geometry]` (or a legacy task's top level). */
export interface GeometryConfig {
  labels: LabelOption[];
  minWidth: number;
  minHeight: number;
  minVertices: number;
  maxVertices?: number;
  /** Boxes only: Scale's `can_rotate`. */
  canRotate: boolean;
}

/** A `geometries.point.connections` entry: draw a skeleton line between points labelled `pair`. */
export interface PointConnection {
  pair: [string, string];
  /** A `linked` attribute: connect only points whose attribute targets the same annotation. */
  connectionAttribute?: string;
}

/** A link type from `params.links`: which labels may be linked, from → to (either way when bidirectional). */
export interface LinkType {
  label: string;
  bidirectional: boolean;
  fromLabels: string[];
  toLabels: string[];
}

/** The four `can_*` flags of `base_annotations` (read as the server checks them: @tagwright/formats). */
export type { BaseAnnotationRules };

/**
 * How a response is written: the typed image task type (annotations with `type` and `uuid`) or one
 * of the legacy single-geometry task types with their leaner shapes (@tagwright/formats, image).
 */
export type ResponseFormat = ImageTaskType;

export interface EditorConfig {
  format: ResponseFormat;
  geometries: Partial<Record<GeometryType, GeometryConfig>>;
  attributes: AttributeDefinition[];
  /** Box coordinates saved as integers (Scale's `integer_pixels`). */
  integerPixels: boolean;
  connections: PointConnection[];
  linkTypes: LinkType[];
  /** Drawable margin around the image, in image pixels (`padding`, `paddingX`, `paddingY`). */
  padding: { x: number; y: number };
  base: BaseAnnotationRules;
}

const LEGACY_GEOMETRY: Record<Exclude<ResponseFormat, typeof TYPED_IMAGE_TASK_TYPE>, GeometryType> = LEGACY_IMAGE_TASK_GEOMETRY;

/** Task types the image editor can label. */
export const IMAGE_TASK_TYPES: readonly ResponseFormat[] = FORMAT_IMAGE_TASK_TYPES;

const number = (value: unknown, fallback: number): number => (typeof value === 'number' && Number.isFinite(value) ? value : fallback);

function geometryConfig(geometry: GeometryType, raw: Record<string, unknown>): GeometryConfig {
  const inherentMinimum = geometry === 'polygon' ? 3 : geometry === 'line' ? 2 : 1;
  return {
    labels: flattenLabels(raw.objects_to_annotate),
    minWidth: number(raw.min_width, 0),
    minHeight: number(raw.min_height, 0),
    minVertices: Math.max(inherentMinimum, number(raw.min_vertices, inherentMinimum)),
    maxVertices: typeof raw.max_vertices === 'number' && raw.max_vertices >= inherentMinimum ? raw.max_vertices : undefined,
    canRotate: geometry === 'box' && raw.can_rotate === true,
  };
}

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []);
const isObject = (value: unknown): value is Record<string, unknown> => !!value && typeof value === 'object' && !Array.isArray(value);

function parseConnections(raw: unknown): PointConnection[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((entry) => {
    if (!isObject(entry)) return [];
    const pair = strings(entry.pair);
    if (pair.length !== 2) return [];
    const attribute = typeof entry.connection_attribute === 'string' ? entry.connection_attribute : undefined;
    return [{ pair: [pair[0], pair[1]] as [string, string], ...(attribute ? { connectionAttribute: attribute } : {}) }];
  });
}

/**
 * `params.links` is one object of link types (the Fern SDK) or an array of such objects (Scale's
 * docs example); the array's entries are alternatives, so they are simply all offered (§2.1 U).
 */
export function parseLinkTypes(raw: unknown): LinkType[] {
  const maps = Array.isArray(raw) ? raw.filter(isObject) : isObject(raw) ? [raw] : [];
  return maps.flatMap((map) =>
    Object.entries(map).flatMap(([label, entry]) =>
      isObject(entry)
        ? [{ label, bidirectional: entry.is_bidirectional === true, fromLabels: strings(entry.from_allowed_labels), toLabels: strings(entry.to_allowed_labels) }]
        : [],
    ),
  );
}

function parsePadding(params: Record<string, unknown>): { x: number; y: number } {
  const whole = Math.max(0, number(params.padding, 0));
  return { x: Math.max(0, number(params.paddingX, whole)), y: Math.max(0, number(params.paddingY, whole)) };
}

/** Builds the editor's rules from a task's type and params. */
export function editorConfigFromTask(taskType: string, params: Record<string, unknown>): EditorConfig {
  const format = (IMAGE_TASK_TYPES.includes(taskType as ResponseFormat) ? taskType : TYPED_IMAGE_TASK_TYPE) as ResponseFormat;
  const geometries: EditorConfig['geometries'] = {};
  let integerPixels = false;
  let connections: PointConnection[] = [];
  if (format === TYPED_IMAGE_TASK_TYPE) {
    const raw = params.geometries && typeof params.geometries === 'object' ? (params.geometries as Record<string, unknown>) : {};
    for (const geometry of GEOMETRY_TYPES) {
      const entry = raw[geometry];
      if (entry && typeof entry === 'object') {
        geometries[geometry] = geometryConfig(geometry, entry as Record<string, unknown>);
        if (geometry === 'box' && (entry as Record<string, unknown>).integer_pixels === true) integerPixels = true;
        if (geometry === 'point') connections = parseConnections((entry as Record<string, unknown>).connections);
      }
    }
  } else {
    geometries[LEGACY_GEOMETRY[format]] = geometryConfig(LEGACY_GEOMETRY[format], params);
  }
  return {
    format,
    geometries,
    attributes: parseAttributeDefinitions(params.annotation_attributes),
    integerPixels,
    connections,
    linkTypes: format === TYPED_IMAGE_TASK_TYPE ? parseLinkTypes(params.links) : [],
    padding: parsePadding(params),
    base: baseAnnotationRules(params),
  };
}
