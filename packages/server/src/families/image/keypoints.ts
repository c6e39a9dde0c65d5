import { leafLabelNames } from '@tagwright/formats';
import { isPlainObject } from '../../domain/lenient.ts';
import type { ExportRow, KeypointInstance, Point } from '../types.ts';

/** The category of keypoint instances that are linked to no annotation. */
export const UNLINKED_KEYPOINTS = 'keypoints';

/**
 * The keypoint skeletons of an imageannotation response, for formats with a keypoint form (COCO).
 * Only a task whose `geometries.point.connections` joins points has them: the names are the point
 * labels it declares, the skeleton its pairs. Points linked (through the connections'
 * `connection_attribute`) to one annotation are one instance, of that annotation's label; the other
 * points are dealt out by label, the nth of each label to instance n, in the order drawn.
 */
export function keypointInstances(params: Record<string, unknown>, rows: readonly ExportRow[]): KeypointInstance[] {
  const point = isPlainObject(params.geometries) && isPlainObject(params.geometries.point) ? params.geometries.point : undefined;
  const connections = point && Array.isArray(point.connections) ? point.connections.filter(isPlainObject) : [];
  if (!point || connections.length === 0) return [];
  const names = [...leafLabelNames(point.objects_to_annotate)];
  const index = new Map(names.map((name, position) => [name, position]));
  const skeleton: Array<[number, number]> = [];
  for (const connection of connections) {
    const pair = Array.isArray(connection.pair) ? connection.pair.map((label) => index.get(label as string)) : [];
    if (pair.length === 2 && pair[0] !== undefined && pair[1] !== undefined) skeleton.push([pair[0], pair[1]]);
  }
  const attribute = connections.map((connection) => connection.connection_attribute).find((key): key is string => typeof key === 'string');
  const labelOf = new Map(rows.flatMap((row) => (row.uuid ? [[row.uuid, row.label] as const] : [])));

  const linked = new Map<string, KeypointInstance>();
  const unlinked: KeypointInstance[] = [];
  const fresh = (category: string, target?: string): KeypointInstance => ({ category, ...(target ? { target } : {}), names, skeleton, points: names.map(() => undefined) });
  for (const row of rows) {
    const slot = index.get(row.label);
    if (row.geometry.kind !== 'point' || slot === undefined) continue;
    const position: Point = { x: row.geometry.x, y: row.geometry.y };
    const target = attribute && row.attributes ? row.attributes[attribute] : undefined;
    if (typeof target === 'string' && labelOf.has(target)) {
      let instance = linked.get(target);
      if (!instance) linked.set(target, (instance = fresh(labelOf.get(target)!, target)));
      if (!instance.points[slot]) instance.points[slot] = position;
      continue;
    }
    let instance = unlinked.find((candidate) => !candidate.points[slot]);
    if (!instance) unlinked.push((instance = fresh(UNLINKED_KEYPOINTS)));
    instance.points[slot] = position;
  }
  return [...linked.values(), ...unlinked];
}
