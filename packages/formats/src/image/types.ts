import type { LabelDescription } from '../shared/labels.ts';
import type { CommonTaskParams } from '../shared/params.ts';

/** The geometries an image task may ask for (`params.geometries` keys, an annotation's `type`). */
export const GEOMETRY_KINDS = ['box', 'polygon', 'line', 'point', 'cuboid', 'ellipse'] as const;
export type GeometryKind = (typeof GEOMETRY_KINDS)[number];

/**
 * The older single-geometry task types and the geometry each one's annotations have (their
 * annotations carry no `type`; their label list and options sit at the top level of params).
 */
export const LEGACY_IMAGE_TASK_GEOMETRY = {
  annotation: 'box',
  polygonannotation: 'polygon',
  lineannotation: 'line',
  pointannotation: 'point',
  cuboidannotation: 'cuboid',
} as const satisfies Record<string, GeometryKind>;
export type LegacyImageTaskType = keyof typeof LEGACY_IMAGE_TASK_GEOMETRY;

/** The image task type whose annotations name their geometry (`type`) and carry a `uuid`. */
export const TYPED_IMAGE_TASK_TYPE = 'imageannotation';

/** Every image task type: `imageannotation` (typed annotations of several geometries) and the legacy ones. */
export const IMAGE_TASK_TYPES = [TYPED_IMAGE_TASK_TYPE, ...(Object.keys(LEGACY_IMAGE_TASK_GEOMETRY) as LegacyImageTaskType[])] as const;
export type ImageTaskType = typeof TYPED_IMAGE_TASK_TYPE | LegacyImageTaskType;

export interface GeometryOptions {
  objects_to_annotate: LabelDescription[];
  [option: string]: unknown;
}
export interface BoxGeometryOptions extends GeometryOptions {
  min_width?: number;
  min_height?: number;
  can_rotate?: boolean;
  /** Box coordinates saved as whole pixels. */
  integer_pixels?: boolean;
}
export interface LineGeometryOptions extends GeometryOptions {
  min_vertices?: number;
  max_vertices?: number;
}
export interface ImageAnnotationGeometries {
  box?: BoxGeometryOptions;
  polygon?: LineGeometryOptions;
  line?: LineGeometryOptions;
  point?: GeometryOptions;
  ellipse?: GeometryOptions;
  cuboid?: GeometryOptions;
  [geometry: string]: GeometryOptions | undefined;
}

export interface ImageAnnotationParams extends CommonTaskParams {
  attachment_type?: 'image';
  geometries: ImageAnnotationGeometries;
  annotation_attributes?: Record<string, unknown>;
  hypothesis?: Record<string, unknown>;
}

/** annotation, polygonannotation, …: one geometry, its options at the top level. */
export interface LegacyImageParams extends CommonTaskParams, Partial<LineGeometryOptions>, Partial<BoxGeometryOptions> {
  objects_to_annotate: LabelDescription[];
}

export interface Vertex {
  x: number;
  y: number;
}

export interface BoxAnnotation {
  type: 'box';
  uuid?: string;
  label: string;
  left: number;
  top: number;
  width: number;
  height: number;
  rotation?: number;
  attributes?: Record<string, unknown>;
}
export interface VertexAnnotation {
  type: 'polygon' | 'line';
  uuid?: string;
  label: string;
  vertices: Vertex[];
  attributes?: Record<string, unknown>;
}
export interface PointAnnotation {
  type: 'point';
  uuid?: string;
  label: string;
  x: number;
  y: number;
  attributes?: Record<string, unknown>;
}
export interface EllipseAnnotation {
  type: 'ellipse';
  uuid?: string;
  label: string;
  x: number;
  y: number;
  rx: number;
  ry: number;
  rotation?: number;
  attributes?: Record<string, unknown>;
}
export type ImageAnnotationShape = BoxAnnotation | VertexAnnotation | PointAnnotation | EllipseAnnotation | (Record<string, unknown> & { type: string });

export interface ImageAnnotationResponse {
  annotations: ImageAnnotationShape[];
  global_attributes?: Record<string, unknown>;
  [key: string]: unknown;
}
