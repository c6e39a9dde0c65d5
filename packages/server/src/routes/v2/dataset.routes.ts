import type { FastifyInstance } from 'fastify';
import { readQuery } from '../../http/query.ts';
import { InvalidRequest, NotFound } from '../../domain/errors.ts';
import { V2_EXPANDABLE, readExpand } from '../../services/v2-references.ts';
import { presentDataset, presentDatasetDelivery, presentDatasetTask } from '../../presenters/v2/dataset.presenter.ts';
import type { DatasetTaskPage } from '../../services/dataset.service.ts';
import { expandValues, pageOf } from './common.ts';

const tags = ['v2 datasets'];
/** Dataset tasks carry the v2 task with everything a reader may want (task-types.md §7.4); attachments stay out (§7.6). */
const DATASET_OPTS = new Set(['annotation_details', 'model_parameters', 'submissions']);

/**
 * The v2 dataset and schema endpoints (contract 9.2, task-types.md §7.4, docs/chat.md "Datasets"):
 * a project created with `datasetId` is in that dataset; its deliveries and delivered tasks are the
 * dataset's, each task carrying the v2 task JSON as `response`.
 */
export async function registerV2DatasetRoutes(app: FastifyInstance): Promise<void> {
  const { v2, chat } = app.services;

  const presentTasks = async (page: DatasetTaskPage, expand: ReadonlySet<string>) => {
    const threads = await chat.threadsOf(page.entries.map(({ task }) => task), DATASET_OPTS);
    return page.entries.map(({ entry, task }) => presentDatasetTask(entry, task, { deliveries: page.deliveries, expand, threads }));
  };

  app.get('/datasets', { schema: { summary: 'List datasets (projects created with a datasetId)', tags } }, async (request) => {
    return { datasets: (await v2.datasets.list(request.caller)).map((dataset) => presentDataset(dataset.id)) };
  });

  app.get('/datasets/deliveries', { schema: { summary: 'List dataset deliveries, newest first', tags } }, async (request) => {
    const query = readQuery(request.query);
    const expand = readExpand(expandValues(query), V2_EXPANDABLE.datasetDeliveries);
    const deliveries = await v2.datasets.deliveries(request.caller, {
      datasetId: query.string('dataset_id'),
      deliveredFrom: query.timestamp('delivered_after'),
      deliveredTo: query.timestamp('delivered_before'),
    });
    return { deliveries: deliveries.map((delivery) => presentDatasetDelivery(delivery, expand.has('dataset'))) };
  });

  app.get('/datasets/delivery', { schema: { summary: 'A dataset delivery and a page of its tasks', tags } }, async (request) => {
    const query = readQuery(request.query);
    const expand = readExpand(expandValues(query), V2_EXPANDABLE.datasetTask);
    const deliveryId = query.string('delivery_id');
    // No delivery named: nothing to list (the client's delivery_id is optional).
    if (!deliveryId) return { tasks: [] };
    const delivery = await v2.datasets.delivery(request.caller, deliveryId);
    const page = await v2.datasets.tasksPage(request.caller, { deliveryId }, pageOf(query));
    const wire: Record<string, unknown> = {
      delivery: expand.has('delivery') ? presentDatasetDelivery(delivery, expand.has('dataset')) : delivery.id,
      tasks: await presentTasks(page, expand),
    };
    if (page.nextToken) wire.next_token = page.nextToken;
    return wire;
  });

  app.get('/datasets/task', { schema: { summary: 'A dataset task (its latest dataset delivery)', tags } }, async (request) => {
    const query = readQuery(request.query);
    const expand = readExpand(expandValues(query), V2_EXPANDABLE.datasetTask);
    const taskId = query.string('task_id');
    if (!taskId) throw new InvalidRequest("Missing required parameter 'task_id'.");
    const [task] = await presentTasks(await v2.datasets.task(request.caller, taskId), expand);
    return task;
  });

  app.get('/datasets/tasks', { schema: { summary: 'List dataset tasks (next_token pages)', tags } }, async (request) => {
    const query = readQuery(request.query);
    const expand = readExpand(expandValues(query), V2_EXPANDABLE.datasetTask);
    const page = await v2.datasets.tasksPage(
      request.caller,
      {
        datasetId: query.string('dataset_id'),
        deliveryId: query.string('delivery_id'),
        deliveredFrom: query.timestamp('delivered_after'),
        deliveredTo: query.timestamp('delivered_before'),
      },
      pageOf(query),
    );
    const wire: Record<string, unknown> = { tasks: await presentTasks(page, expand) };
    if (page.nextToken) wire.next_token = page.nextToken;
    return wire;
  });

  app.get('/datasets/task/:taskId/response_url/:attachmentId', { schema: { summary: 'Redirect to a dataset task response file (none exist)', tags } }, async (request) => {
    const { taskId, attachmentId } = request.params as { taskId: string; attachmentId: string };
    throw new NotFound(`Dataset task "${taskId}" has no response file "${attachmentId}": Tagwright dataset responses are JSON, with no files.`);
  });

  app.get('/schema', { schema: { summary: 'A response schema (JSON Schema of a project response format)', tags } }, async (request) => {
    const schemaId = readQuery(request.query).string('schema_id');
    if (!schemaId) throw new InvalidRequest("Missing required parameter 'schema_id'.");
    return { schema: await v2.schemas.get(request.caller, schemaId) };
  });
}
