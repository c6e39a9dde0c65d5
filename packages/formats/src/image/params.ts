import { requireLabelList } from '../shared/labels.ts';
import { requireAttachment } from '../shared/params.ts';
import { invalid, isPlainObject, missing } from '../shared/problem.ts';
import { GEOMETRY_KINDS } from './types.ts';
import { checkImageOptions } from './options.ts';
import { checkTypedAnnotation, validateImageHypothesis } from './response.ts';

/**
 * Params of an image task: an attachment, and the labels of each geometry it asks for
 * (`geometries` for imageannotation, `objects_to_annotate` for the legacy types; a cuboidannotation
 * task may leave its labels free); for imageannotation, Scale's advanced options when set (options.ts).
 */
export function validateImageParams(type: string, params: Record<string, unknown>): void {
  requireAttachment(params);
  if (type === 'imageannotation') {
    requireGeometries(params);
    checkImageOptions(params, (annotation, path) => checkTypedAnnotation(annotation, path, params));
  }
  else if (type !== 'cuboidannotation') requireLabelList(params, 'objects_to_annotate', 'choice');
  validateImageHypothesis(type, params);
}

function requireGeometries(params: Record<string, unknown>): void {
  const geometries = params.geometries;
  if (geometries === undefined || geometries === null) {
    throw missing('geometries', `an object with at least one of ${GEOMETRY_KINDS.join(', ')}`);
  }
  if (!isPlainObject(geometries) || Object.keys(geometries).length === 0) {
    throw invalid('geometries', `expected a non-empty object with at least one of ${GEOMETRY_KINDS.join(', ')}`);
  }
  for (const [kind, geometry] of Object.entries(geometries)) {
    if (!(GEOMETRY_KINDS as readonly string[]).includes(kind)) {
      throw invalid('geometries', `"${kind}" is not a geometry. Use ${GEOMETRY_KINDS.join(', ')}`);
    }
    if (!isPlainObject(geometry)) throw invalid(`geometries.${kind}`, 'expected an object');
    requireLabelList(geometry, 'objects_to_annotate', 'choice', `geometries.${kind}.objects_to_annotate`);
  }
}
