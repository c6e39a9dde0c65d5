import { IMAGE_TASK_TYPES, LEGACY_IMAGE_TASK_GEOMETRY, validateImageParams, validateImageResponse } from '@tagwright/formats';
import { annotationsOf } from '../shared/agreement.ts';
import { mergeShapes, shapeAgreement } from '../shared/shapes.ts';
import { isPlainObject } from '../../domain/lenient.ts';
import type { TaskFamily } from '../types.ts';
import { imageExportRows } from './export-rows.ts';
import { withBaseAnnotationUuids } from './prepare-params.ts';

/** The geometry of a legacy single-geometry type (its annotations carry no `type`); undefined for imageannotation. */
function legacyGeometry(type: string): string | undefined {
  return (LEGACY_IMAGE_TASK_GEOMETRY as Record<string, string>)[type];
}

/**
 * Image annotation: boxes, polygons, lines, points, ellipses and cuboids on one image
 * (imageannotation, and the older single-geometry types annotation, polygonannotation, …).
 * Shapes agree by IoU matching (shared/shapes.ts); COCO, YOLO and VOC export them.
 */
export const imageFamily: TaskFamily = {
  id: 'image',
  taskTypes: IMAGE_TASK_TYPES,
  labelable: IMAGE_TASK_TYPES,
  validateParams: validateImageParams,
  prepareParams: withBaseAnnotationUuids,
  validateResponse: validateImageResponse,
  testResponse: () => ({ annotations: [] }),
  agreement: (type, _params, a, b) => shapeAgreement(legacyGeometry(type), annotationsOf(a), annotationsOf(b)),
  merge(type, _params, responses, order) {
    const reference = responses[order[0]];
    const annotations = mergeShapes(legacyGeometry(type), order.map((index) => annotationsOf(responses[index])), responses.length);
    return { ...(isPlainObject(reference) ? reference : {}), annotations };
  },
  exportRows: (task) => imageExportRows(task, legacyGeometry(task.type)),
};
