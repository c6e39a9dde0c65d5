import { isPlainObject } from '../domain/lenient.ts';

/**
 * Agreement between labelers' responses, and the merged response of a consensus round
 * (docs/work-queue.md). Pure functions of (task type, task params, responses): no I/O.
 *
 * - Shapes (boxes, polygons, lines, points, cuboids, ellipses): greedy matching by label on
 *   IoU (points and lines: a distance-based similarity); two shapes agree when their similarity is
 *   at least 0.5. Agreement of two responses = F1 of the matching.
 * - Categories and comparison choices: exact match (a multi-category answer is compared as a set).
 * - Named entities: token-level F1 over (token, label) pairs.
 * - Text fields (`annotations` of textcollection, `fields` of the others): token-level F1 per field
 *   (numbers exactly, lists as sets, a FieldSet's object by its own fields), averaged over fields.
 * - Anything else: exact equality of the JSON.
 *
 * A round's agreement is the mean, over its attempts, of each attempt's agreement with the merged
 * response. Merging keeps what at least half the attempts agree on.
 */

/** Two shapes with at least this similarity (IoU for regions) are the same object. */
export const MATCH_THRESHOLD = 0.5;

type Params = Record<string, unknown>;

export interface ConsensusResult {
  /** 0..1: how well the attempts agree with the merged response. */
  agreement: number;
  /** The consensus response, in the task type's response shape. */
  merged: unknown;
}

const SHAPE_TYPES = new Set(['imageannotation', 'annotation', 'polygonannotation', 'lineannotation', 'pointannotation', 'cuboidannotation']);
const FIELD_TYPES = new Set(['textcollection', 'datacollection', 'transcription', 'comparison']);

/** Agreement of two responses to the same task, 0..1 (also the gold score of `response` against `expected`). */
export function pairAgreement(type: string, params: Params, a: unknown, b: unknown): number {
  if (type === 'categorization') return canonical(readCategory(a)) === canonical(readCategory(b)) ? 1 : 0;
  if (SHAPE_TYPES.has(type)) return shapeAgreement(type, annotationsOf(a), annotationsOf(b));
  if (type === 'namedentityrecognition') return f1(nerTokens(params, a), nerTokens(params, b));
  if (type === 'documenttranscription') return f1(transcriptionTokens(a), transcriptionTokens(b));
  if (FIELD_TYPES.has(type)) return fieldsAgreement(fieldValues(a), fieldValues(b));
  return canonical(a) === canonical(b) ? 1 : 0;
}

/** Merges a round's responses and says how well they agree. `responses` must not be empty. */
export function consensus(type: string, params: Params, responses: readonly unknown[]): ConsensusResult {
  if (responses.length === 0) throw new Error('consensus needs at least one response');
  if (type === 'categorization') {
    const answers = responses.map((response) => canonical(readCategory(response)));
    const { index, votes } = plurality(answers);
    return { agreement: votes / responses.length, merged: responses[index] };
  }
  const merged = mergeResponses(type, params, responses);
  const agreement = responses.reduce<number>((sum, response) => sum + pairAgreement(type, params, response, merged), 0) / responses.length;
  return { agreement, merged };
}

function mergeResponses(type: string, params: Params, responses: readonly unknown[]): unknown {
  const order = medoidOrder(type, params, responses);
  const reference = responses[order[0]];
  if (SHAPE_TYPES.has(type)) {
    const annotations = mergeShapes(type, order.map((index) => annotationsOf(responses[index])), responses.length);
    return { ...(isPlainObject(reference) ? reference : {}), annotations };
  }
  if (type === 'namedentityrecognition') return { ...(isPlainObject(reference) ? reference : {}), annotations: mergeEntities(params, responses) };
  if (FIELD_TYPES.has(type)) return mergeFields(responses, reference);
  return reference;
}

/** Response indexes, most central first (highest total agreement with the others; ties keep submission order). */
function medoidOrder(type: string, params: Params, responses: readonly unknown[]): number[] {
  const totals = responses.map((response, i) => responses.reduce<number>((sum, other, j) => (i === j ? sum : sum + pairAgreement(type, params, response, other)), 0));
  return responses.map((_, index) => index).sort((a, b) => totals[b] - totals[a] || a - b);
}

// ---------------------------------------------------------------------------------------------
// Shapes.

export type Point = { x: number; y: number };
export type Geometry =
  | { kind: 'box'; left: number; top: number; width: number; height: number }
  | { kind: 'region'; vertices: Point[] }
  | { kind: 'line'; vertices: Point[] }
  | { kind: 'point'; x: number; y: number };

interface Shape {
  label: string;
  geometry: Geometry;
  source: Record<string, unknown>;
}

function annotationsOf(response: unknown): unknown[] {
  return isPlainObject(response) && Array.isArray(response.annotations) ? response.annotations : [];
}

function toShape(type: string, annotation: unknown): Shape | undefined {
  if (!isPlainObject(annotation)) return undefined;
  const label = typeof annotation.label === 'string' ? annotation.label : '';
  const geometry = geometryOf(type, annotation);
  return geometry && { label, geometry, source: annotation };
}

function geometryOf(type: string, a: Record<string, unknown>): Geometry | undefined {
  const kind = typeof a.type === 'string' ? a.type : undefined;
  if ([a.left, a.top, a.width, a.height].every(isNumber)) {
    return { kind: 'box', left: a.left as number, top: a.top as number, width: a.width as number, height: a.height as number };
  }
  const vertices = Array.isArray(a.vertices) ? a.vertices.filter((v): v is Point => isPlainObject(v) && isNumber(v.x) && isNumber(v.y)).map((v) => ({ x: v.x, y: v.y })) : [];
  if (vertices.length > 0) {
    if (kind === 'line' || (kind === undefined && type === 'lineannotation')) return { kind: 'line', vertices };
    // Cuboids compare by the box around their vertices; polygons and ellipses (4 extremal points) as polygons.
    if (kind === 'cuboid' || type === 'cuboidannotation') return boxAround(vertices);
    return vertices.length >= 3 ? { kind: 'region', vertices } : boxAround(vertices);
  }
  if (isNumber(a.x) && isNumber(a.y)) return { kind: 'point', x: a.x, y: a.y };
  return undefined;
}

function boxAround(points: readonly Point[]): Geometry {
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const left = Math.min(...xs);
  const top = Math.min(...ys);
  return { kind: 'box', left, top, width: Math.max(...xs) - left, height: Math.max(...ys) - top };
}

/** Similarity of two shapes, 0..1: IoU for regions, distance-based for points and lines; 0 across kinds or labels. */
export function shapeSimilarity(a: Geometry, b: Geometry): number {
  const regionA = a.kind === 'box' || a.kind === 'region';
  const regionB = b.kind === 'box' || b.kind === 'region';
  if (regionA && regionB) {
    if (a.kind === 'box' && b.kind === 'box') return boxIou(a, b);
    return polygonIou(asPolygon(a), asPolygon(b));
  }
  if (a.kind === 'point' && b.kind === 'point') return Math.max(0, 1 - Math.hypot(a.x - b.x, a.y - b.y) / POINT_TOLERANCE);
  if (a.kind === 'line' && b.kind === 'line') return lineSimilarity(a.vertices, b.vertices);
  return 0;
}

/** Points further apart than this (pixels) are different points. */
const POINT_TOLERANCE = 20;

function boxIou(a: { left: number; top: number; width: number; height: number }, b: typeof a): number {
  const width = Math.min(a.left + a.width, b.left + b.width) - Math.max(a.left, b.left);
  const height = Math.min(a.top + a.height, b.top + b.height) - Math.max(a.top, b.top);
  const intersection = width > 0 && height > 0 ? width * height : 0;
  const union = a.width * a.height + b.width * b.height - intersection;
  if (union <= 0) return a.left === b.left && a.top === b.top && a.width === b.width && a.height === b.height ? 1 : 0;
  return intersection / union;
}

function asPolygon(geometry: Geometry): Point[] {
  if (geometry.kind === 'region') return geometry.vertices;
  if (geometry.kind === 'box') {
    const { left, top, width, height } = geometry;
    return [
      { x: left, y: top },
      { x: left + width, y: top },
      { x: left + width, y: top + height },
      { x: left, y: top + height },
    ];
  }
  return [];
}

/** Scanlines across the union's height; enough for IoU within about a percent on ordinary shapes. */
const SCANLINES = 128;

/**
 * IoU of two simple polygons (convex or not), integrated over horizontal scanlines: on each line the
 * inside intervals of both polygons (even-odd rule) are intersected and united exactly.
 */
export function polygonIou(a: readonly Point[], b: readonly Point[]): number {
  if (a.length < 3 || b.length < 3) return 0;
  const top = Math.min(...a.map((p) => p.y), ...b.map((p) => p.y));
  const bottom = Math.max(...a.map((p) => p.y), ...b.map((p) => p.y));
  if (!(bottom > top)) return 0;
  const step = (bottom - top) / SCANLINES;
  let intersection = 0;
  let union = 0;
  for (let line = 0; line < SCANLINES; line++) {
    const y = top + (line + 0.5) * step;
    const inA = insideIntervals(a, y);
    const inB = insideIntervals(b, y);
    const both = intersectIntervals(inA, inB);
    const lengthA = totalLength(inA);
    const lengthB = totalLength(inB);
    const lengthBoth = totalLength(both);
    intersection += lengthBoth;
    union += lengthA + lengthB - lengthBoth;
  }
  return union > 0 ? intersection / union : 0;
}

function insideIntervals(polygon: readonly Point[], y: number): Array<[number, number]> {
  const crossings: number[] = [];
  for (let i = 0; i < polygon.length; i++) {
    const p = polygon[i];
    const q = polygon[(i + 1) % polygon.length];
    if (p.y <= y !== q.y <= y) crossings.push(p.x + ((y - p.y) / (q.y - p.y)) * (q.x - p.x));
  }
  crossings.sort((m, n) => m - n);
  const intervals: Array<[number, number]> = [];
  for (let i = 0; i + 1 < crossings.length; i += 2) intervals.push([crossings[i], crossings[i + 1]]);
  return intervals;
}

function intersectIntervals(a: Array<[number, number]>, b: Array<[number, number]>): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const start = Math.max(a[i][0], b[j][0]);
    const end = Math.min(a[i][1], b[j][1]);
    if (end > start) out.push([start, end]);
    if (a[i][1] < b[j][1]) i++;
    else j++;
  }
  return out;
}

function totalLength(intervals: Array<[number, number]>): number {
  return intervals.reduce((sum, [start, end]) => sum + (end - start), 0);
}

/** Lines agree when each one's vertices lie near the other: 1 − mean distance / (10 % of the larger extent). */
function lineSimilarity(a: readonly Point[], b: readonly Point[]): number {
  const extent = (points: readonly Point[]) => {
    const box = boxAround(points) as { width: number; height: number };
    return Math.hypot(box.width, box.height);
  };
  const tolerance = Math.max(2, 0.1 * Math.max(extent(a), extent(b)));
  const meanDistance = (from: readonly Point[], to: readonly Point[]) => from.reduce((sum, p) => sum + distanceToPolyline(p, to), 0) / from.length;
  const distance = (meanDistance(a, b) + meanDistance(b, a)) / 2;
  return Math.max(0, 1 - distance / tolerance);
}

function distanceToPolyline(p: Point, line: readonly Point[]): number {
  if (line.length === 1) return Math.hypot(p.x - line[0].x, p.y - line[0].y);
  let best = Infinity;
  for (let i = 0; i + 1 < line.length; i++) {
    const a = line[i];
    const b = line[i + 1];
    const dx = b.x - a.x;
    const dy = b.y - a.y;
    const length2 = dx * dx + dy * dy;
    const t = length2 === 0 ? 0 : Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / length2));
    best = Math.min(best, Math.hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy)));
  }
  return best;
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

function shapesOf(type: string, annotations: readonly unknown[]): Shape[] {
  return annotations.map((annotation) => toShape(type, annotation)).filter((shape): shape is Shape => shape !== undefined);
}

function shapeAgreement(type: string, a: readonly unknown[], b: readonly unknown[]): number {
  const shapesA = shapesOf(type, a);
  const shapesB = shapesOf(type, b);
  if (shapesA.length + shapesB.length === 0) return 1;
  return (2 * matchShapes(shapesA, shapesB).length) / (shapesA.length + shapesB.length);
}

/**
 * Clusters the shapes of all responses (most central response first): each response's shapes join
 * the clusters they match, or start new ones. Clusters found by at least half the responses are
 * kept, in order of first appearance; boxes take the mean of their members, other shapes the
 * first member's geometry.
 */
function mergeShapes(type: string, ordered: readonly unknown[][], attempts: number): unknown[] {
  const clusters: Array<{ members: Shape[]; responses: Set<number> }> = [];
  ordered.forEach((annotations, responseIndex) => {
    const shapes = shapesOf(type, annotations);
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

// ---------------------------------------------------------------------------------------------
// Named entities and text.

interface Token {
  start: number;
  end: number;
}

const WORD = /[\p{L}\p{N}_]+|[^\s\p{L}\p{N}_]/gu;

function tokenize(text: string): Token[] {
  return [...text.matchAll(WORD)].map((match) => ({ start: match.index!, end: match.index! + match[0].length }));
}

interface Entity {
  start: number;
  end: number;
  label: string;
}

function entitiesOf(response: unknown): Entity[] {
  return annotationsOf(response)
    .filter((a): a is Record<string, unknown> => isPlainObject(a) && Number.isInteger(a.start) && Number.isInteger(a.end))
    .map((a) => ({ start: a.start as number, end: a.end as number, label: typeof a.label === 'string' ? a.label : '' }));
}

/** (token, label) pairs a response marks; without the task text, every character offset is a token. */
function nerTokens(params: Params, response: unknown): string[] {
  const tokens = typeof params.text === 'string' ? tokenize(params.text) : undefined;
  const marked: string[] = [];
  for (const entity of entitiesOf(response)) {
    if (tokens) tokens.forEach((token, index) => token.start < entity.end && entity.start < token.end && marked.push(`${index}\u0000${entity.label}`));
    else for (let offset = entity.start; offset < entity.end; offset++) marked.push(`${offset}\u0000${entity.label}`);
  }
  return [...new Set(marked)];
}

/** Token-level majority: a token keeps a label when at least half the responses give it; runs of one label become entities. */
function mergeEntities(params: Params, responses: readonly unknown[]): unknown[] {
  const text = typeof params.text === 'string' ? params.text : '';
  const tokens = tokenize(text);
  const needed = Math.ceil(responses.length / 2);
  // Per token: label → votes; and per token whether a vote starts an entity there (keeps adjacent entities apart).
  const votes = tokens.map(() => new Map<string, { votes: number; starts: number }>());
  for (const response of responses) {
    for (const entity of entitiesOf(response)) {
      let first = true;
      tokens.forEach((token, index) => {
        if (!(token.start < entity.end && entity.start < token.end)) return;
        const entry = votes[index].get(entity.label) ?? { votes: 0, starts: 0 };
        entry.votes += 1;
        if (first) entry.starts += 1;
        first = false;
        votes[index].set(entity.label, entry);
      });
    }
  }
  const merged: Array<{ start: number; end: number; label: string; text: string }> = [];
  let open: { start: number; end: number; label: string } | undefined;
  tokens.forEach((token, index) => {
    let best: { label: string; votes: number; starts: number } | undefined;
    for (const [label, entry] of votes[index]) if (entry.votes >= needed && (!best || entry.votes > best.votes)) best = { label, ...entry };
    const continues = open && best && open.label === best.label && best.starts < needed;
    if (open && !continues) {
      merged.push({ ...open, text: text.slice(open.start, open.end) });
      open = undefined;
    }
    if (!best) return;
    if (open) open.end = token.end;
    else open = { start: token.start, end: token.end, label: best.label };
  });
  if (open) merged.push({ ...open, text: text.slice(open.start, open.end) });
  return merged;
}

function words(value: string): string[] {
  return value.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** F1 of two multisets of tokens; 1 when both are empty. */
function f1(a: readonly string[], b: readonly string[]): number {
  if (a.length + b.length === 0) return 1;
  const counts = new Map<string, number>();
  for (const token of a) counts.set(token, (counts.get(token) ?? 0) + 1);
  let common = 0;
  for (const token of b) {
    const left = counts.get(token) ?? 0;
    if (left > 0) {
      common += 1;
      counts.set(token, left - 1);
    }
  }
  return (2 * common) / (a.length + b.length);
}

function transcriptionTokens(response: unknown): string[] {
  return annotationsOf(response).flatMap((a) => (isPlainObject(a) && typeof a.text === 'string' ? words(a.text).map((word) => `${a.label ?? ''}\u0000${word}`) : []));
}

/** Where a field-shaped response keeps its answers: `annotations` (textcollection, as Scale returns it) or `fields` (the others). */
const ANSWER_CONTAINERS = ['annotations', 'fields'] as const;

/**
 * The answers of a field-shaped response: each entry of `annotations` (textcollection) or `fields`
 * as `<container>.<field_id>`, `choice` (comparison) and `repeatable_fields` as one value.
 */
function fieldValues(response: unknown): Map<string, unknown> {
  const values = new Map<string, unknown>();
  if (!isPlainObject(response)) return values;
  for (const container of ANSWER_CONTAINERS) {
    const answers = response[container];
    if (isPlainObject(answers)) for (const [key, value] of Object.entries(answers)) values.set(`${container}.${key}`, value);
  }
  if (response.choice !== undefined) values.set('choice', response.choice);
  if (response.repeatable_fields !== undefined) values.set('repeatable_fields', response.repeatable_fields);
  return values;
}

function isEmptyValue(value: unknown): boolean {
  return value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);
}

function valueAgreement(key: string, a: unknown, b: unknown): number {
  if (isEmptyValue(a) && isEmptyValue(b)) return 1;
  if (key === 'choice') return canonical(a) === canonical(b) ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') {
    const tokensA = words(a);
    const tokensB = words(b);
    return tokensA.length + tokensB.length === 0 ? (a.trim() === b.trim() ? 1 : 0) : f1(tokensA, tokensB);
  }
  if (Array.isArray(a) && Array.isArray(b) && a.every(isScalar) && b.every(isScalar)) {
    const setA = new Set(a.map(canonical));
    const setB = new Set(b.map(canonical));
    const common = [...setA].filter((value) => setB.has(value)).length;
    return common / (setA.size + setB.size - common);
  }
  // A FieldSet answer: its child answers, compared as fields are.
  if (isPlainObject(a) && isPlainObject(b) && key !== 'choice') {
    return fieldsAgreement(new Map(Object.entries(a)), new Map(Object.entries(b)));
  }
  return canonical(a) === canonical(b) ? 1 : 0;
}

function isScalar(value: unknown): boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function fieldsAgreement(a: Map<string, unknown>, b: Map<string, unknown>): number {
  const keys = new Set([...a.keys(), ...b.keys()]);
  if (keys.size === 0) return 1;
  let sum = 0;
  for (const key of keys) sum += valueAgreement(key, a.get(key), b.get(key));
  return sum / keys.size;
}

/** Per field, the answer that agrees best with the other attempts' answers (a plurality for `choice`). */
function mergeFields(responses: readonly unknown[], reference: unknown): unknown {
  const all = responses.map(fieldValues);
  const keys = [...new Set(all.flatMap((values) => [...values.keys()]))];
  const merged: Record<string, unknown> = isPlainObject(reference) ? { ...reference } : {};
  const containers = new Map<string, Record<string, unknown>>();
  for (const container of ANSWER_CONTAINERS) if (isPlainObject(merged[container])) containers.set(container, {});
  for (const key of keys) {
    const answers = all.map((values) => values.get(key));
    let best = 0;
    let bestScore = -1;
    answers.forEach((answer, i) => {
      const score = answers.reduce<number>((sum, other, j) => (i === j ? sum : sum + valueAgreement(key, answer, other)), 0);
      if (score > bestScore) {
        best = i;
        bestScore = score;
      }
    });
    const value = answers[best];
    if (value === undefined) continue;
    const container = ANSWER_CONTAINERS.find((name) => key.startsWith(`${name}.`));
    if (container) {
      const answersOf = containers.get(container) ?? {};
      answersOf[key.slice(container.length + 1)] = value;
      containers.set(container, answersOf);
    } else merged[key] = value;
  }
  for (const [container, answers] of containers) merged[container] = answers;
  return merged;
}

// ---------------------------------------------------------------------------------------------
// Helpers.

function readCategory(response: unknown): unknown {
  if (!isPlainObject(response)) return response;
  const category = response.category;
  return Array.isArray(category) ? [...category].map(String).sort() : category;
}

function plurality(answers: readonly string[]): { index: number; votes: number } {
  const counts = new Map<string, { first: number; votes: number }>();
  answers.forEach((answer, index) => {
    const entry = counts.get(answer) ?? { first: index, votes: 0 };
    entry.votes += 1;
    counts.set(answer, entry);
  });
  let best = { index: 0, votes: 0 };
  for (const entry of counts.values()) if (entry.votes > best.votes) best = { index: entry.first, votes: entry.votes };
  return best;
}

/** JSON with object keys sorted, so equal values compare equal whatever their key order. */
export function canonical(value: unknown): string {
  return JSON.stringify(sortKeys(value)) ?? 'undefined';
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (isPlainObject(value)) return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortKeys(value[key])]));
  return value;
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
