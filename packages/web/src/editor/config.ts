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
}

/**
 * How a response is written: `imageannotation` (typed annotations with uuid) or one of the legacy
 * single-geometry task types (`annotation`, `polygonannotation`, …) with their leaner shapes.
 */
export type ResponseFormat = 'imageannotation' | 'annotation' | 'polygonannotation' | 'lineannotation' | 'pointannotation' | 'cuboidannotation';

export interface EditorConfig {
  format: ResponseFormat;
  geometries: Partial<Record<GeometryType, GeometryConfig>>;
  attributes: AttributeDefinition[];
  /** Box coordinates saved as integers (Scale's `integer_pixels`). */
  integerPixels: boolean;
}

const LEGACY_GEOMETRY: Record<Exclude<ResponseFormat, 'imageannotation'>, GeometryType> = {
  annotation: 'box',
  polygonannotation: 'polygon',
  lineannotation: 'line',
  pointannotation: 'point',
  cuboidannotation: 'cuboid',
};

/** Task types the image editor can label. */
export const IMAGE_TASK_TYPES: readonly ResponseFormat[] = ['imageannotation', ...(Object.keys(LEGACY_GEOMETRY) as ResponseFormat[])];

const number = (value: unknown, fallback: number): number => (typeof value === 'number' && Number.isFinite(value) ? value : fallback);

function geometryConfig(geometry: GeometryType, raw: Record<string, unknown>): GeometryConfig {
  const inherentMinimum = geometry === 'polygon' ? 3 : geometry === 'line' ? 2 : 1;
  return {
    labels: flattenLabels(raw.objects_to_annotate),
    minWidth: number(raw.min_width, 0),
    minHeight: number(raw.min_height, 0),
    minVertices: Math.max(inherentMinimum, number(raw.min_vertices, inherentMinimum)),
    maxVertices: typeof raw.max_vertices === 'number' && raw.max_vertices >= inherentMinimum ? raw.max_vertices : undefined,
  };
}

/** Builds the editor's rules from a task's type and params. */
export function editorConfigFromTask(taskType: string, params: Record<string, unknown>): EditorConfig {
  const format = (IMAGE_TASK_TYPES.includes(taskType as ResponseFormat) ? taskType : 'imageannotation') as ResponseFormat;
  const geometries: EditorConfig['geometries'] = {};
  let integerPixels = false;
  if (format === 'imageannotation') {
    const raw = params.geometries && typeof params.geometries === 'object' ? (params.geometries as Record<string, unknown>) : {};
    for (const geometry of GEOMETRY_TYPES) {
      const entry = raw[geometry];
      if (entry && typeof entry === 'object') {
        geometries[geometry] = geometryConfig(geometry, entry as Record<string, unknown>);
        if (geometry === 'box' && (entry as Record<string, unknown>).integer_pixels === true) integerPixels = true;
      }
    }
  } else {
    geometries[LEGACY_GEOMETRY[format]] = geometryConfig(LEGACY_GEOMETRY[format], params);
  }
  return { format, geometries, attributes: parseAttributeDefinitions(params.annotation_attributes), integerPixels };
}
