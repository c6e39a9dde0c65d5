import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { readQuery } from '../../http/query.ts';
import { requireRole } from '../../http/app-auth.ts';
import { presentAttemptList, presentQueuedDelivery } from '../../presenters/delivery.presenter.ts';
import { MAX_ATTEMPT_PAGE } from '../../services/callback.service.ts';
import type { CallbackSubject } from '../../repositories/callback-subject.repository.ts';

const tags = ['app callbacks'];

/**
 * The callback delivery log and manual redelivery, for tasks and batches by id (docs/callbacks.md).
 * Registered inside the authenticated /app/api scope; scoped to the caller's account and environment.
 * Customer-side roles only (member, manager, admin, or an API key): labelers never see callback targets.
 */
export async function registerDeliveryRoutes(app: FastifyInstance): Promise<void> {
  const { services } = app;
  const customerSide = requireRole('member', 'manager');
  const subjects = [
    { type: 'task', path: '/tasks/:taskId', param: 'taskId' },
    { type: 'batch', path: '/batches/:batchId', param: 'batchId' },
  ] as const;

  for (const { type, path, param } of subjects) {
    const params = Type.Object({ [param]: Type.String({ description: `The ${type} id.` }) });
    const subjectOf = (request: { params: unknown }): CallbackSubject => ({ type, id: (request.params as Record<string, string>)[param] });

    app.get(
      `${path}/deliveries`,
      {
        schema: {
          summary: `List the callback delivery attempts of a ${type}, newest first (query: limit up to ${MAX_ATTEMPT_PAGE}, next_token)`,
          tags,
          params,
        },
        preHandler: customerSide,
      },
      async (request) => {
        const query = readQuery(request.query);
        const list = await services.callbacks.listAttempts(request.caller, subjectOf(request), {
          limit: query.integer('limit', { min: 1, max: MAX_ATTEMPT_PAGE, clampMax: true }),
          nextToken: query.string('next_token'),
        });
        return presentAttemptList(list);
      },
    );

    app.post(
      `${path}/deliveries/redeliver`,
      { schema: { summary: `Queue a fresh delivery of the ${type}'s latest callback event`, tags, params }, preHandler: customerSide },
      async (request) => {
        const queued = await services.callbacks.redeliver(request.caller, subjectOf(request));
        return { delivery: presentQueuedDelivery(queued) };
      },
    );
  }
}
