import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { objectBody, readBoolean } from '../../domain/lenient.ts';
import { readQuery } from '../../http/query.ts';
import { emptyBodyAs } from '../../http/empty-body.ts';
import { presentBatchOperation, presentV2Batch, presentV2BatchPage } from '../../presenters/v2/batch.presenter.ts';
import { BATCH_STATUSES } from '../../services/batch.service.ts';
import { V2_EXPANDABLE, readBatchRef, readExpand } from '../../services/v2-references.ts';
import { readMetadata } from '../../services/v2-task.service.ts';
import { batchRefOf, expandValues, pageOf, projectRefOf } from './common.ts';

const tags = ['v2 batches'];
const field = (description: string) => Type.Optional(Type.Unknown({ description }));

const CreateBatchBody = Type.Object(
  {
    name: Type.String({ description: 'Batch name, unique per account and environment.' }),
    project_id: field('Id of the project (or give project_name).'),
    project_name: field('Name of the project.'),
    callback: field('URL or email address notified when the batch completes.'),
    staging_batch: field('true: the batch starts in staging until finalized (Studio and Rapid projects always do).'),
    metadata: field('Object, default {}.'),
  },
  { additionalProperties: true },
);
// The client may send these with an empty body; a missing batch is reported by the service.
const BatchOperationBody = Type.Object({ batch_id: field('The batch id (or give batch_name).'), batch_name: field('The batch name.') }, { additionalProperties: true });
const BatchMetadataBody = Type.Object(
  {
    batch_id: field('The batch id (or give batch_name).'),
    batch_name: field('The batch name.'),
    metadata: Type.Unknown({ description: 'The metadata object.' }),
    merge: field('true deep-merges into the stored metadata; false (default) replaces it.'),
  },
  { additionalProperties: true },
);
const emptyObject = emptyBodyAs(() => ({}));

/** v2 batches (contract 9.2, 9.4): get, list, create, finalize, pause, resume, cancel, metadata. */
export async function registerV2BatchRoutes(app: FastifyInstance): Promise<void> {
  const { v2 } = app.services;

  app.get('/batch', { schema: { summary: 'Get a batch by id or name (v2)', tags } }, async (request) => {
    const query = readQuery(request.query);
    const expand = readExpand(expandValues(query), V2_EXPANDABLE.batch);
    const batch = await v2.batches.get(request.caller, batchRefOf(query));
    return presentV2Batch(batch, await v2.references.expansion(request.caller, expand, { projectIds: [batch.project_id] }));
  });

  app.get('/batches', { schema: { summary: 'List batches (v2, next_token pages, newest first)', tags } }, async (request) => {
    const query = readQuery(request.query);
    const expand = readExpand(expandValues(query), V2_EXPANDABLE.batch);
    const page = await v2.batches.list(request.caller, {
      project: projectRefOf(query),
      status: query.oneOf('status', BATCH_STATUSES),
      createdFrom: query.timestamp('created_after'),
      createdTo: query.timestamp('created_before'),
      completedFrom: query.timestamp('completed_after'),
      completedTo: query.timestamp('completed_before'),
      ...pageOf(query),
    });
    const expansion = await v2.references.expansion(request.caller, expand, { projectIds: page.batches.map((batch) => batch.project_id) });
    return presentV2BatchPage(page.batches, page.nextToken, expansion);
  });

  app.post('/batch', { schema: { summary: 'Create a batch (v2)', tags, body: CreateBatchBody } }, async (request) => {
    return presentV2Batch(await v2.batches.create(request.caller, objectBody(request.body)));
  });

  app.post('/batch/finalize', { preValidation: emptyObject, schema: { summary: 'Finalize a staging batch (v2; 400 from any other state)', tags, body: BatchOperationBody } }, async (request) => {
    return presentV2Batch(await v2.batches.finalize(request.caller, readBatchRef(objectBody(request.body))));
  });

  app.post('/batch/pause', { preValidation: emptyObject, schema: { summary: 'Pause an in_progress batch (v2)', tags, body: BatchOperationBody } }, async (request) => {
    const result = await v2.batches.pause(request.caller, readBatchRef(objectBody(request.body)));
    return presentBatchOperation(result.batch, result.message);
  });

  app.post('/batch/resume', { preValidation: emptyObject, schema: { summary: 'Resume a paused batch (v2)', tags, body: BatchOperationBody } }, async (request) => {
    const result = await v2.batches.resume(request.caller, readBatchRef(objectBody(request.body)));
    return presentBatchOperation(result.batch, result.message);
  });

  app.post('/batch/cancel', { preValidation: emptyObject, schema: { summary: 'Cancel a batch and its tasks that have not started (v2)', tags, body: BatchOperationBody } }, async (request) => {
    const result = await v2.batches.cancel(request.caller, readBatchRef(objectBody(request.body)));
    return presentBatchOperation(result.batch, result.message);
  });

  app.post('/batch/metadata', { schema: { summary: 'Set or merge batch metadata (v2)', tags, body: BatchMetadataBody } }, async (request) => {
    const body = objectBody(request.body);
    const batch = await v2.batches.setMetadata(request.caller, readBatchRef(body), readMetadata(body.metadata), readBoolean(body.merge, 'merge') ?? false);
    return presentV2Batch(batch);
  });
}
