import type { FastifyInstance } from 'fastify';
import { readQuery } from '../../http/query.ts';
import { InvalidRequest, NotFound } from '../../domain/errors.ts';
import { V2_EXPANDABLE, readExpand } from '../../services/v2-references.ts';
import { expandValues, pageOf } from './common.ts';

const tags = ['v2 datasets (optional)'];

/**
 * The optional v2 dataset and schema endpoints (contract 9.2). Tagwright has no datasets or
 * response schemas, so lists are empty and lookups by id are a JSON 404 (never HTML).
 */
export async function registerV2DatasetRoutes(app: FastifyInstance): Promise<void> {
  app.get('/datasets', { schema: { summary: 'List datasets (always empty)', tags } }, async () => ({ datasets: [] }));

  app.get('/datasets/deliveries', { schema: { summary: 'List dataset deliveries (always empty)', tags } }, async (request) => {
    const query = readQuery(request.query);
    readExpand(expandValues(query), V2_EXPANDABLE.datasetDeliveries);
    query.timestamp('delivered_after');
    query.timestamp('delivered_before');
    const datasetId = query.string('dataset_id');
    if (datasetId !== undefined) throw new NotFound(`No dataset with id "${datasetId}" exists; this deployment has no datasets.`);
    return { deliveries: [] };
  });

  app.get('/datasets/delivery', { schema: { summary: 'A dataset delivery and its tasks (none exist)', tags } }, async (request) => {
    const query = readQuery(request.query);
    readExpand(expandValues(query), V2_EXPANDABLE.datasetTask);
    pageOf(query);
    const deliveryId = query.string('delivery_id');
    if (deliveryId !== undefined) throw new NotFound(`No dataset delivery with id "${deliveryId}" exists; this deployment has no datasets.`);
    return { tasks: [] };
  });

  app.get('/datasets/task', { schema: { summary: 'A dataset task (none exist)', tags } }, async (request) => {
    const query = readQuery(request.query);
    readExpand(expandValues(query), V2_EXPANDABLE.datasetTask);
    const taskId = query.string('task_id');
    if (!taskId) throw new InvalidRequest("Missing required parameter 'task_id'.");
    throw new NotFound(`No dataset task with id "${taskId}" exists; this deployment has no datasets.`);
  });

  app.get('/datasets/tasks', { schema: { summary: 'List dataset tasks (always empty)', tags } }, async (request) => {
    const query = readQuery(request.query);
    readExpand(expandValues(query), V2_EXPANDABLE.datasetTask);
    query.timestamp('delivered_after');
    query.timestamp('delivered_before');
    pageOf(query);
    const datasetId = query.string('dataset_id');
    if (datasetId !== undefined) throw new NotFound(`No dataset with id "${datasetId}" exists; this deployment has no datasets.`);
    const deliveryId = query.string('delivery_id');
    if (deliveryId !== undefined) throw new NotFound(`No dataset delivery with id "${deliveryId}" exists; this deployment has no datasets.`);
    return { tasks: [] };
  });

  app.get('/datasets/task/:taskId/response_url/:attachmentId', { schema: { summary: 'Redirect to a dataset task response file (none exist)', tags } }, async (request) => {
    const { taskId } = request.params as { taskId: string; attachmentId: string };
    throw new NotFound(`No dataset task with id "${taskId}" exists; this deployment has no datasets.`);
  });

  app.get('/schema', { schema: { summary: 'A response schema (none exist)', tags } }, async (request) => {
    const schemaId = readQuery(request.query).string('schema_id');
    if (!schemaId) throw new InvalidRequest("Missing required parameter 'schema_id'.");
    throw new NotFound(`No schema with id "${schemaId}" exists; this deployment has no response schemas.`);
  });
}
