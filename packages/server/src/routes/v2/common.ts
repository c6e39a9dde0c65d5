import type { FastifyRequest } from 'fastify';
import type { QueryReader } from '../../http/query.ts';
import type { V2Ref } from '../../services/v2-references.ts';
import { V2_DEFAULT_LIMIT, V2_MAX_LIMIT } from '../../services/v2-page.ts';

/** `expand` values: repeated `expand` keys (what the client sends), and `expand[]` as some tools write it. */
export function expandValues(query: QueryReader): string[] {
  return [...(query.list('expand') ?? []), ...(query.list('expand[]') ?? [])];
}

/** `opts` values (repeated keys, or `opts[]`); unknown values are ignored (contract 9.1). */
export function optsValues(query: QueryReader): Set<string> {
  return new Set([...(query.list('opts') ?? []), ...(query.list('opts[]') ?? [])]);
}

/** `limit` (1 to 100, default 100; above 100 is clamped, as on v1) and `next_token` (contract 6.3). */
export function pageOf(query: QueryReader): { limit: number; nextToken?: string } {
  return { limit: query.integer('limit', { min: 1, max: V2_MAX_LIMIT, clampMax: true }) ?? V2_DEFAULT_LIMIT, nextToken: query.string('next_token') };
}

export function projectRefOf(query: QueryReader): V2Ref {
  return { id: query.string('project_id'), name: query.string('project_name') };
}

export function batchRefOf(query: QueryReader): V2Ref {
  return { id: query.string('batch_id'), name: query.string('batch_name') };
}

/** The Idempotency-Key header, when sent (contract 7.3). */
export function idempotencyKeyOf(request: FastifyRequest): string | undefined {
  const header = request.headers['idempotency-key'];
  const value = Array.isArray(header) ? header[0] : header;
  return value?.trim() || undefined;
}
