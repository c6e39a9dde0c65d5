import { isPlainObject } from '../../domain/lenient.ts';
import type { Task } from '../../repositories/task.repository.ts';
import type { ExportGeometry, ExportRows, LabelEntry, Point } from '../types.ts';
import { attachmentOf } from '../../domain/attachment.ts';
import { normaliseRotation } from '@tagwright/formats';
import { keypointInstances } from './keypoints.ts';

/**
 * An image task's labeled shapes as export rows. `legacy` is the geometry of a single-geometry type
 * (its annotations carry no `type`); undefined for imageannotation. An annotation without a label
 * or with malformed coordinates is unreadable; a geometry a format cannot hold is the format's to skip.
 */
export function imageExportRows(task: Task, legacy: string | undefined): ExportRows {
  const response = task.response;
  const annotations = isPlainObject(response) && Array.isArray(response.annotations) ? response.annotations : [];
  const image = attachmentOf(task);
  const rows: ExportRows['rows'] = [];
  let unreadable = 0;
  for (const annotation of annotations) {
    const geometry = isPlainObject(annotation) ? geometryOf(annotation, legacy ?? annotation.type) : undefined;
    const label = isPlainObject(annotation) ? annotation.label : undefined;
    if (!isPlainObject(annotation) || !geometry || typeof label !== 'string' || label === '') {
      unreadable += 1;
      continue;
    }
    const attributes = isPlainObject(annotation.attributes) ? annotation.attributes : undefined;
    const uuid = typeof annotation.uuid === 'string' ? annotation.uuid : undefined;
    rows.push({ image, label, geometry, ...(attributes ? { attributes } : {}), ...(uuid ? { uuid } : {}) });
  }
  const keypoints = legacy === undefined ? keypointInstances(task.params, rows) : [];
  return { labels: declaredLabels(task, legacy), rows, unreadable, ...(keypoints.length > 0 ? { keypoints } : {}) };
}

function geometryOf(annotation: Record<string, unknown>, kind: unknown): ExportGeometry | undefined {
  switch (kind) {
    case 'box': {
      const { left, top, width, height } = annotation;
      if (![left, top, width, height].every(isFiniteNumber)) return undefined;
      const box = { kind: 'box' as const, left: left as number, top: top as number, width: width as number, height: height as number };
      const rotation = isFiniteNumber(annotation.rotation) ? normaliseRotation(annotation.rotation) : 0;
      return rotation === 0 ? box : { ...box, rotation };
    }
    case 'polygon':
    case 'ellipse':
    case 'line':
    case 'cuboid': {
      const points = vertices(annotation.vertices);
      return points ? { kind, vertices: points } : undefined;
    }
    case 'point':
      return isFiniteNumber(annotation.x) && isFiniteNumber(annotation.y) ? { kind: 'point', x: annotation.x, y: annotation.y } : undefined;
  }
  return undefined;
}

function vertices(value: unknown): Point[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const points: Point[] = [];
  for (const vertex of value) {
    if (!isPlainObject(vertex) || !isFiniteNumber(vertex.x) || !isFiniteNumber(vertex.y)) return undefined;
    points.push({ x: vertex.x, y: vertex.y });
  }
  return points;
}

/** The labels the task offers (`objects_to_annotate` of every geometry, or the legacy top-level list), subchoices after their parent. */
function declaredLabels(task: Task, legacy: string | undefined): LabelEntry[] {
  const params = task.params;
  const labels: LabelEntry[] = [];
  const declare = (list: unknown, parent?: string) => {
    if (!Array.isArray(list)) return;
    for (const entry of list) {
      if (typeof entry === 'string') labels.push(parent === undefined ? { name: entry } : { name: entry, parent });
      else if (isPlainObject(entry) && typeof entry.choice === 'string') {
        labels.push(parent === undefined ? { name: entry.choice } : { name: entry.choice, parent });
        declare(entry.subchoices, entry.choice);
      }
    }
  };
  if (legacy === undefined && isPlainObject(params.geometries)) {
    for (const geometry of Object.values(params.geometries)) if (isPlainObject(geometry)) declare(geometry.objects_to_annotate);
  } else {
    declare(params.objects_to_annotate);
  }
  return labels;
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
