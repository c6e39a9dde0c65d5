import { familyOf } from '../families/index.ts';
import { canonical } from '../families/shared/agreement.ts';

/**
 * Agreement between labelers' responses, and the merged response of a consensus round
 * (docs/work-queue.md). Pure functions of (task type, task params, responses): no I/O.
 *
 * The engine is generic; the task's family measures (families/<id>/: `agreement`, `merge`):
 * shapes by IoU matching, categories and choices exactly, named entities and text by token F1,
 * fields per field. A type whose family measures nothing agrees on exactly equal JSON.
 *
 * A round's merged response is the family's merge of the attempts (by default the most central
 * attempt: the one agreeing best with the others), and its agreement is the mean, over its
 * attempts, of each attempt's agreement with the merged response.
 */

export { canonical };
export { MATCH_THRESHOLD } from '../families/shared/shapes.ts';
export { polygonIou, shapeSimilarity, type Geometry, type Point } from '../families/shared/geometry.ts';

type Params = Record<string, unknown>;

export interface ConsensusResult {
  /** 0..1: how well the attempts agree with the merged response. */
  agreement: number;
  /** The consensus response, in the task type's response shape. */
  merged: unknown;
}

/** Agreement of two responses to the same task, 0..1 (also the gold score of `response` against `expected`). */
export function pairAgreement(type: string, params: Params, a: unknown, b: unknown): number {
  const family = familyOf(type);
  if (family?.agreement) return family.agreement(type, params, a, b);
  return canonical(a) === canonical(b) ? 1 : 0;
}

/** Merges a round's responses and says how well they agree. `responses` must not be empty. */
export function consensus(type: string, params: Params, responses: readonly unknown[]): ConsensusResult {
  if (responses.length === 0) throw new Error('consensus needs at least one response');
  const order = medoidOrder(type, params, responses);
  const family = familyOf(type);
  const merged = family?.merge ? family.merge(type, params, responses, order) : responses[order[0]];
  const agreement = responses.reduce<number>((sum, response) => sum + pairAgreement(type, params, response, merged), 0) / responses.length;
  return { agreement, merged };
}

/** Response indexes, most central first (highest total agreement with the others; ties keep submission order). */
function medoidOrder(type: string, params: Params, responses: readonly unknown[]): number[] {
  const totals = responses.map((response, i) => responses.reduce<number>((sum, other, j) => (i === j ? sum : sum + pairAgreement(type, params, response, other)), 0));
  return responses.map((_, index) => index).sort((a, b) => totals[b] - totals[a] || a - b);
}
