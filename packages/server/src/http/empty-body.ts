import type { FastifyRequest } from 'fastify';

/**
 * A `preValidation` hook that reads an absent body as `value` (contract 2.1: the client drops empty
 * dict and list bodies, so an empty setMetadata body means `{}` and an empty tags body means `[]`).
 * Runs before schema validation, so a body schema never rejects the empty form.
 */
export function emptyBodyAs(value: () => unknown) {
  return async (request: FastifyRequest): Promise<void> => {
    if (request.body === undefined || request.body === null) request.body = value();
  };
}
