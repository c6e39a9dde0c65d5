import type { FastifyInstance } from 'fastify';
import { readQuery } from '../../http/query.ts';
import { presentDeliveredTaskPage, presentDeliveryTask, presentDeliveryTaskPage, presentV2Delivery } from '../../presenters/v2/delivery.presenter.ts';
import { V2_EXPANDABLE, readExpand } from '../../services/v2-references.ts';
import { V2_TASK_STATUSES } from '../../services/v2-task.service.ts';
import { expandValues, optsValues, pageOf, projectRefOf } from './common.ts';

const tags = ['v2 deliveries'];

/** v2 deliveries (contract 9.2; what a delivery is: docs/v2.md): list, one delivery with its tasks, delivered tasks. */
export async function registerV2DeliveryRoutes(app: FastifyInstance): Promise<void> {
  const { v2 } = app.services;

  app.get('/deliveries', { schema: { summary: 'List deliveries, newest first (v2)', tags } }, async (request) => {
    const query = readQuery(request.query);
    const expand = readExpand(expandValues(query), V2_EXPANDABLE.deliveries);
    const deliveries = await v2.deliveries.list(request.caller, {
      project: projectRefOf(query),
      deliveredFrom: query.timestamp('delivered_after'),
      deliveredTo: query.timestamp('delivered_before'),
    });
    const expansion = await v2.references.expansion(request.caller, expand, { projectIds: deliveries.map((delivery) => delivery.project_id) });
    return { deliveries: deliveries.map((delivery) => presentV2Delivery(delivery, expansion)) };
  });

  app.get('/delivery', { schema: { summary: 'A delivery and a page of its tasks (v2)', tags } }, async (request) => {
    const query = readQuery(request.query);
    const expand = readExpand(expandValues(query), V2_EXPANDABLE.delivery);
    const delivery = await v2.deliveries.get(request.caller, {
      deliveryId: query.string('delivery_id'),
      deliveryName: query.string('delivery_name'),
      project: projectRefOf(query),
    });
    const page = await v2.deliveries.tasksOf(request.caller, delivery, pageOf(query));
    const [expansion, threads] = await Promise.all([
      v2.references.expansion(request.caller, expand, {
        projectIds: [delivery.project_id, ...page.tasks.map((task) => task.project_id)],
        batchIds: page.tasks.flatMap((task) => (task.batch_id ? [task.batch_id] : [])),
      }),
      app.services.chat.threadsOf(page.tasks, optsValues(query)),
    ]);
    return presentDeliveredTaskPage(delivery, page.tasks, page.nextToken, { expandDelivery: expand.has('delivery'), expansion, threads });
  });

  app.get('/delivery/tasks', { schema: { summary: 'Delivered tasks with their responses (v2)', tags } }, async (request) => {
    const query = readQuery(request.query);
    const page = await v2.deliveries.deliveredTasks(request.caller, {
      deliveryId: query.string('delivery_id'),
      project: projectRefOf(query),
      status: query.oneOf('status', V2_TASK_STATUSES),
      completedFrom: query.timestamp('completed_after'),
      completedTo: query.timestamp('completed_before'),
      ...pageOf(query),
    });
    return presentDeliveryTaskPage(page.entries.map(({ entry, task }) => presentDeliveryTask(entry, task)), page.nextToken);
  });
}
