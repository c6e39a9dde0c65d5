import { checkLabel, labelNames } from '../shared/labels.ts';
import { annotationList, requireNumbers } from '../shared/response.ts';
import { invalid, isPlainObject } from '../shared/problem.ts';
import { LEGACY_IMAGE_TASK_GEOMETRY, type LegacyImageTaskType } from './types.ts';

/**
 * An image task's response: `annotations` of the geometries and labels the task offers (each
 * imageannotation annotation names its geometry in `type`; a legacy type's all have its one
 * geometry), shapes well formed, and an optional `global_attributes` object.
 */
export function validateImageResponse(type: string, params: Record<string, unknown>, response: Record<string, unknown>): void {
  if (type === 'imageannotation') checkImageAnnotation(response, params);
  else checkLegacyShapes(response, params, LEGACY_IMAGE_TASK_GEOMETRY[type as LegacyImageTaskType]);
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

function checkImageAnnotation(response: Record<string, unknown>, params: Record<string, unknown>): void {
  const geometries = isPlainObject(params.geometries) ? params.geometries : {};
  annotationList(response).forEach((annotation, index) => {
    const path = `response.annotations[${index}]`;
    if (!isPlainObject(annotation)) throw invalid(path, 'expected an annotation object');
    const geometry = annotation.type;
    if (typeof geometry !== 'string') throw invalid(`${path}.type`, `expected the geometry (${Object.keys(geometries).join(', ') || 'box'})`);
    const settings = geometries[geometry];
    if (!isPlainObject(settings)) throw invalid(`${path}.type`, `"${geometry}" is not a geometry this task asks for (${Object.keys(geometries).join(', ')})`);
    checkLabel(annotation, path, labelNames(settings.objects_to_annotate));
    checkGeometry(annotation, path, geometry, settings);
  });
  if (response.global_attributes !== undefined && !isPlainObject(response.global_attributes)) throw invalid('response.global_attributes', 'expected an object');
}

function checkLegacyShapes(response: Record<string, unknown>, params: Record<string, unknown>, geometry: string): void {
  const labels = labelNames(params.objects_to_annotate);
  annotationList(response).forEach((annotation, index) => {
    const path = `response.annotations[${index}]`;
    if (!isPlainObject(annotation)) throw invalid(path, 'expected an annotation object');
    checkLabel(annotation, path, labels);
    checkGeometry(annotation, path, geometry, params);
  });
}
