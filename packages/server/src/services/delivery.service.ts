import type { Db } from '../db/connect.ts';
import type { TaskStatus } from '../db/tables/tasks.ts';
import type { Caller } from './account.service.ts';
import { DeliveryRepository, type Delivery, type DeliveryTaskEntry } from '../repositories/delivery.repository.ts';
import { TaskRepository, type Task } from '../repositories/task.repository.ts';
import { InvalidRequest, NotFound } from '../domain/errors.ts';
import { decodePageToken, encodePageToken } from './v2-page.ts';
import type { V2Ref, V2References } from './v2-references.ts';
import type { V2TaskStatus } from './v2-task.service.ts';

/**
 * v2 deliveries (contract 9.2, 9.3). A delivery is an immutable, named set of completed tasks of
 * one project. Tagwright creates one in the transaction in which a batch becomes completed,
 * holding the batch's completed tasks not yet delivered with their current completion; it is
 * named after the batch (`<batch>`, then `<batch> #2`, ... when a reopened batch completes again).
 * The set never changes; its tasks are shown as they are now.
 */
export class DeliveryService {
  private readonly deliveries: DeliveryRepository;
  private readonly tasks: TaskRepository;

  constructor(
    db: Db,
    private readonly references: V2References,
  ) {
    this.deliveries = new DeliveryRepository(db.kysely);
    this.tasks = new TaskRepository(db.kysely, db.dialect);
  }

  /** `GET /v2/deliveries`: every delivery (of a project when one is named), newest first; unpaginated. */
  async list(caller: Caller, query: { project: V2Ref; deliveredFrom?: number; deliveredTo?: number }): Promise<Delivery[]> {
    const project = await this.references.optionalProject(caller, query.project);
    return this.deliveries.list(caller.account.id, caller.environment, {
      projectId: project?.id,
      deliveredFrom: query.deliveredFrom,
      deliveredTo: query.deliveredTo,
    });
  }

  /** A delivery by `delivery_id`, or by `delivery_name` with its project; 404 when unknown. */
  async get(caller: Caller, query: { deliveryId?: string; deliveryName?: string; project: V2Ref }): Promise<Delivery> {
    if (query.deliveryId !== undefined) {
      const delivery = await this.deliveries.findById(caller.account.id, caller.environment, query.deliveryId);
      if (!delivery) throw new NotFound(`No delivery with id "${query.deliveryId}" exists.`);
      return delivery;
    }
    if (query.deliveryName === undefined) {
      throw new InvalidRequest("Missing required parameter: give 'delivery_id', or 'delivery_name' with 'project_id' or 'project_name'.");
    }
    if (query.project.id === undefined && query.project.name === undefined) {
      throw new InvalidRequest("Missing required parameter: 'delivery_name' needs 'project_id' or 'project_name' (delivery names are per project).");
    }
    const project = await this.references.project(caller, query.project);
    const delivery = await this.deliveries.findByName(caller.account.id, caller.environment, project.id, query.deliveryName);
    if (!delivery) throw new NotFound(`No delivery named "${query.deliveryName}" exists in project "${project.name}".`);
    return delivery;
  }

  /** `GET /v2/delivery`: the delivery and one page of its tasks (task id descending), by keyset. */
  async tasksOf(caller: Caller, delivery: Delivery, page: { limit: number; nextToken?: string }): Promise<{ tasks: Task[]; nextToken?: string }> {
    const { entries, nextToken } = await this.entries(caller, { deliveryId: delivery.id }, {}, page);
    const found = await this.tasks.findByIds(caller.account.id, caller.environment, entries.map((entry) => entry.task_id));
    return { tasks: entries.map((entry) => found.get(entry.task_id)).filter((task): task is Task => task !== undefined), nextToken };
  }

  /**
   * `GET /v2/delivery/tasks`: delivered tasks of one delivery or of every delivery of a project
   * (one is required), newest delivery first, by keyset. `status` is the task's current status;
   * the completion range applies to the completion that was delivered.
   */
  async deliveredTasks(
    caller: Caller,
    query: { deliveryId?: string; project: V2Ref; status?: V2TaskStatus; completedFrom?: number; completedTo?: number; limit: number; nextToken?: string },
  ): Promise<{ entries: Array<{ entry: DeliveryTaskEntry; task?: Task }>; nextToken?: string }> {
    let deliveryId: string | undefined;
    let projectId: string | undefined;
    if (query.deliveryId !== undefined) {
      deliveryId = (await this.get(caller, { deliveryId: query.deliveryId, project: {} })).id;
    }
    const project = await this.references.optionalProject(caller, query.project);
    if (project) projectId = project.id;
    if (deliveryId === undefined && projectId === undefined) {
      throw new InvalidRequest("Missing required parameter: give 'delivery_id', 'project_id' or 'project_name'.");
    }
    if (query.status === 'deleted') return { entries: [] };
    const { entries, nextToken } = await this.entries(
      caller,
      { deliveryId, projectId },
      { status: query.status as TaskStatus | undefined, completedFrom: query.completedFrom, completedTo: query.completedTo },
      query,
    );
    const found = await this.tasks.findByIds(caller.account.id, caller.environment, entries.map((entry) => entry.task_id));
    return { entries: entries.map((entry) => ({ entry, task: found.get(entry.task_id) })), nextToken };
  }

  private async entries(
    caller: Caller,
    scope: { deliveryId?: string; projectId?: string },
    filters: { status?: TaskStatus; completedFrom?: number; completedTo?: number },
    page: { limit: number; nextToken?: string },
  ): Promise<{ entries: DeliveryTaskEntry[]; nextToken?: string }> {
    const token = decodePageToken(page.nextToken, { d: 'id', t: 'id' });
    const rows = await this.deliveries.listTasks(caller.account.id, caller.environment, scope, filters, {
      limit: page.limit + 1,
      after: token && { deliveryId: token.d as string, taskId: token.t as string },
    });
    const entries = rows.slice(0, page.limit);
    const last = entries.at(-1);
    const nextToken = rows.length > page.limit && last ? encodePageToken({ d: last.delivery_id, t: last.task_id }) : undefined;
    return { entries, nextToken };
  }
}
