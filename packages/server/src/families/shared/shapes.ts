import { isPlainObject } from '../../domain/lenient.ts';
import { isNumber } from './agreement.ts';
import { boxAround, shapeSimilarity, type Geometry, type Point } from './geometry.ts';

/**
 * Shapes of annotation responses compared and merged: greedy matching by label on similarity
 * (IoU for regions, distance for points and lines; the same object when at least MATCH_THRESHOLD),
 * agreement as the F1 of the matching, and clustering for a consensus merge. Used by the image
 * family; a family whose units are shapes (per frame, per mask) can use it the same way.
 *
 * `legacy` is the geometry of a single-geometry task type whose annotations carry no `type`
 * (`line`, `cuboid`, …), undefined for typed annotations.
 */

/** Two shapes with at least this similarity (IoU for regions) are the same object. */
export const MATCH_THRESHOLD = 0.5;

interface Shape {
  label: string;
  geometry: Geometry;
  source: Record<string, unknown>;
}

function toShape(legacy: string | undefined, annotation: unknown): Shape | undefined {
  if (!isPlainObject(annotation)) return undefined;
  const label = typeof annotation.label === 'string' ? annotation.label : '';
  const geometry = geometryOf(legacy, annotation);
  return geometry && { label, geometry, source: annotation };
}

/** A Scale annotation's shape as the geometry module compares it (video frames use it too). */
export function geometryOf(legacy: string | undefined, a: Record<string, unknown>): Geometry | undefined {
  const kind = typeof a.type === 'string' ? a.type : undefined;
  if ([a.left, a.top, a.width, a.height].every(isNumber)) {
    return { kind: 'box', left: a.left as number, top: a.top as number, width: a.width as number, height: a.height as number };
  }
  const vertices = Array.isArray(a.vertices) ? a.vertices.filter((v): v is Point => isPlainObject(v) && isNumber(v.x) && isNumber(v.y)).map((v) => ({ x: v.x, y: v.y })) : [];
  if (vertices.length > 0) {
    if (kind === 'line' || (kind === undefined && legacy === 'line')) return { kind: 'line', vertices };
    // Cuboids compare by the box around their vertices; polygons and ellipses (4 extremal points) as polygons.
    if (kind === 'cuboid' || legacy === 'cuboid') return boxAround(vertices);
    return vertices.length >= 3 ? { kind: 'region', vertices } : boxAround(vertices);
  }
  if (isNumber(a.x) && isNumber(a.y)) return { kind: 'point', x: a.x, y: a.y };
  return undefined;
}

/** Greedy one-to-one matching, most similar pairs first, same label only, similarity ≥ MATCH_THRESHOLD. */
function matchShapes(a: readonly Shape[], b: readonly Shape[]): Array<[number, number, number]> {
  const pairs: Array<[number, number, number]> = [];
  a.forEach((shapeA, i) =>
    b.forEach((shapeB, j) => {
      if (shapeA.label !== shapeB.label) return;
      const similarity = shapeSimilarity(shapeA.geometry, shapeB.geometry);
      if (similarity >= MATCH_THRESHOLD) pairs.push([i, j, similarity]);
    }),
  );
  pairs.sort((x, y) => y[2] - x[2] || x[0] - y[0] || x[1] - y[1]);
  const usedA = new Set<number>();
  const usedB = new Set<number>();
  const matches: Array<[number, number, number]> = [];
  for (const pair of pairs) {
    if (usedA.has(pair[0]) || usedB.has(pair[1])) continue;
    usedA.add(pair[0]);
    usedB.add(pair[1]);
    matches.push(pair);
  }
  return matches;
}

function shapesOf(legacy: string | undefined, annotations: readonly unknown[]): Shape[] {
  return annotations.map((annotation) => toShape(legacy, annotation)).filter((shape): shape is Shape => shape !== undefined);
}

export function shapeAgreement(legacy: string | undefined, a: readonly unknown[], b: readonly unknown[]): number {
  const shapesA = shapesOf(legacy, a);
  const shapesB = shapesOf(legacy, b);
  if (shapesA.length + shapesB.length === 0) return 1;
  return (2 * matchShapes(shapesA, shapesB).length) / (shapesA.length + shapesB.length);
}

/**
 * Clusters the shapes of all responses (most central response first): each response's shapes join
 * the clusters they match, or start new ones. Clusters found by at least half the responses are
 * kept, in order of first appearance; boxes take the mean of their members, other shapes the
 * first member's geometry.
 */
export function mergeShapes(legacy: string | undefined, ordered: readonly unknown[][], attempts: number): unknown[] {
  const clusters: Array<{ members: Shape[]; responses: Set<number> }> = [];
  ordered.forEach((annotations, responseIndex) => {
    const shapes = shapesOf(legacy, annotations);
    const open = clusters.filter((cluster) => !cluster.responses.has(responseIndex));
    const matches = matchShapes(
      shapes,
      open.map((cluster) => cluster.members[0]),
    );
    const matched = new Set<number>();
    for (const [shapeIndex, clusterIndex] of matches) {
      open[clusterIndex].members.push(shapes[shapeIndex]);
      open[clusterIndex].responses.add(responseIndex);
      matched.add(shapeIndex);
    }
    shapes.forEach((shape, shapeIndex) => {
      if (!matched.has(shapeIndex)) clusters.push({ members: [shape], responses: new Set([responseIndex]) });
    });
  });
  const needed = Math.ceil(attempts / 2);
  return clusters.filter((cluster) => cluster.responses.size >= needed).map((cluster) => mergedShape(cluster.members));
}

function mergedShape(members: readonly Shape[]): Record<string, unknown> {
  const first = members[0];
  const boxes = members.map((member) => member.geometry).filter((geometry): geometry is Extract<Geometry, { kind: 'box' }> => geometry.kind === 'box');
  if (first.geometry.kind !== 'box' || boxes.length !== members.length || !isNumber(first.source.left)) return first.source;
  const mean = (key: 'left' | 'top' | 'width' | 'height') => round2(boxes.reduce((sum, box) => sum + box[key], 0) / boxes.length);
  return { ...first.source, left: mean('left'), top: mean('top'), width: mean('width'), height: mean('height') };
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
