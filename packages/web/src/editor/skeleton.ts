import type { PointConnection } from './config.ts';
import type { PointShape, Shape } from './types.ts';

/** One drawn bone of a keypoint skeleton. */
export interface SkeletonSegment {
  key: string;
  fromId: string;
  toId: string;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/**
 * The lines Scale's `geometries.point.connections` asks for: between every point labelled
 * `pair[0]` and every point labelled `pair[1]`; with a `connection_attribute`, only between points
 * whose linked attribute targets the same annotation (one person's wrist to that person's elbow).
 * A visual aid only: nothing of it is saved (task-types.md §2.1).
 */
export function skeletonSegments(shapes: readonly Shape[], connections: readonly PointConnection[], hidden?: (id: string) => boolean): SkeletonSegment[] {
  if (connections.length === 0) return [];
  const byLabel = new Map<string, PointShape[]>();
  for (const shape of shapes) {
    if (shape.type !== 'point' || hidden?.(shape.id)) continue;
    let list = byLabel.get(shape.label);
    if (!list) byLabel.set(shape.label, (list = []));
    list.push(shape);
  }
  const segments: SkeletonSegment[] = [];
  for (const connection of connections) {
    const [first, second] = connection.pair;
    for (const a of byLabel.get(first) ?? []) {
      for (const b of byLabel.get(second) ?? []) {
        if (a.id === b.id) continue;
        if (connection.connectionAttribute) {
          const target = a.attributes[connection.connectionAttribute];
          if (typeof target !== 'string' || target !== b.attributes[connection.connectionAttribute]) continue;
        }
        segments.push({ key: `${a.id}>${b.id}`, fromId: a.id, toId: b.id, x1: a.x, y1: a.y, x2: b.x, y2: b.y });
      }
    }
  }
  return segments;
}
