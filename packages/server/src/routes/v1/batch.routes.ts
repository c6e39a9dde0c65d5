import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { objectBody } from '../../domain/lenient.ts';
import { readQuery } from '../../http/query.ts';
import { emptyBodyAs } from '../../http/empty-body.ts';
import { presentBatch, presentBatchList, presentBatchStatus } from '../../presenters/batch.presenter.ts';
import { BATCH_STATUSES } from '../../services/batch.service.ts';

const tags = ['v1 batches'];
const NameParams = Type.Object({ name: Type.String({ description: 'Batch name, percent-encoded as one path segment (`/` as %2F).' }) });
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 100;

const CreateBatchBody = Type.Object(
  {
    project: Type.String({ description: 'Name of an existing project.' }),
    name: Type.String({ description: 'Batch name, unique per account and environment.' }),
    callback: Type.Optional(Type.Union([Type.Null(), Type.String({ description: 'URL or email address notified when the batch completes; "" means none.' })])),
    calibration_batch: Type.Optional(Type.Unknown({ description: 'Rapid only; stored as sent (boolean).' })),
    self_label_batch: Type.Optional(Type.Unknown({ description: 'Rapid only; stored as sent (boolean).' })),
    metadata: Type.Optional(Type.Union([Type.Null(), Type.Record(Type.String(), Type.Unknown())])),
  },
  { additionalProperties: true },
);

// setMetadata takes the metadata object itself; an empty body means {} (contract 2.1), so no body schema rejects it.
const MetadataBody = Type.Record(Type.String(), Type.Unknown(), { description: 'The whole metadata object (replaces the stored one); an empty body clears it.' });
const PrioritizeBody = Type.Object({ priority: Type.Unknown({ description: 'Whole number from 10 (lowest) to 30 (highest).' }) }, { additionalProperties: true });

/** v1 batches (contract 4.2): create, get, status, finalize, setMetadata, list, prioritize. */
/** Bodies the client may drop when empty are read as {}. */
const emptyObject = emptyBodyAs(() => ({}));

export async function registerBatchRoutes(app: FastifyInstance): Promise<void> {
  const { batches } = app.services;

  app.post('/batches', { preValidation: emptyObject, schema: { summary: 'Create a batch', tags, body: CreateBatchBody } }, async (request) => {
    return presentBatch(await batches.create(request.caller, objectBody(request.body)));
  });

  app.get('/batches', { schema: { summary: 'List batches (offset pagination, newest first)', tags } }, async (request) => {
    const query = readQuery(request.query);
    const result = await batches.list(request.caller, {
      project: query.string('project'),
      status: query.oneOf('status', BATCH_STATUSES),
      createdFrom: query.timestamp('start_time'),
      createdTo: query.timestamp('end_time'),
      excludeArchived: query.boolean('exclude_archived') ?? false,
      detailed: query.boolean('detailed') ?? false,
      limit: query.integer('limit', { min: 1, max: MAX_LIMIT, clampMax: true }) ?? DEFAULT_LIMIT,
      offset: query.integer('offset', { min: 0 }) ?? 0,
    });
    return presentBatchList(result);
  });

  app.get('/batches/:name', { schema: { summary: 'Get a batch by name', tags, params: NameParams } }, async (request) => {
    const { name } = request.params as { name: string };
    return presentBatch(await batches.get(request.caller, name));
  });

  app.get('/batches/:name/status', { schema: { summary: 'Batch status and task counts by status', tags, params: NameParams } }, async (request) => {
    const { name } = request.params as { name: string };
    const { batch, counts } = await batches.status(request.caller, name);
    return presentBatchStatus(batch, counts);
  });

  app.post('/batches/:name/finalize', { preValidation: emptyObject, schema: { summary: 'Finalize a staging batch (no-op otherwise)', tags, params: NameParams } }, async (request) => {
    const { name } = request.params as { name: string };
    return presentBatch(await batches.finalize(request.caller, name));
  });

  app.post('/batches/:name/setMetadata', { preValidation: emptyObject, schema: { summary: 'Replace the batch metadata', tags, params: NameParams, body: MetadataBody } }, async (request) => {
    const { name } = request.params as { name: string };
    return presentBatch(await batches.setMetadata(request.caller, name, objectBody(request.body)));
  });

  app.post('/batches/:name/prioritize', { preValidation: emptyObject, schema: { summary: 'Set the batch priority (10 to 30)', tags, params: NameParams, body: PrioritizeBody } }, async (request) => {
    const { name } = request.params as { name: string };
    await batches.prioritize(request.caller, name, objectBody(request.body).priority);
    return { result: 'success' };
  });
}
