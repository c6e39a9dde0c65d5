import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { DeliveriesTable } from '../db/tables/deliveries.ts';
import type { Environment } from '../db/tables/projects_batches.ts';
import type { TaskStatus } from '../db/tables/tasks.ts';
import { newId } from '../domain/ids.ts';

export type Delivery = Selectable<DeliveriesTable>;

/** The batch fields a delivery is made from. */
export interface DeliveredBatch {
  id: string;
  account_id: string;
  environment: Environment;
  project_id: string;
  name: string;
}

export interface DeliveryListFilters {
  projectId?: string;
  /** Inclusive bounds on delivered_at (epoch ms). */
  deliveredFrom?: number;
  deliveredTo?: number;
}

/** Which delivered tasks to page through: one delivery, or every delivery of a project. */
export interface DeliveryTaskScope {
  deliveryId?: string;
  projectId?: string;
}

export interface DeliveryTaskFilters {
  /** The task's current status. */
  status?: TaskStatus;
  /** Inclusive bounds on the completion time that was delivered. */
  completedFrom?: number;
  completedTo?: number;
}

/** A position in the (delivery_id desc, task_id desc) order: the last entry of the previous page. */
export interface DeliveryTaskCursor {
  deliveryId: string;
  taskId: string;
}

/** One member of a delivery. */
export interface DeliveryTaskEntry {
  delivery_id: string;
  task_id: string;
  delivered_at: number;
}

function fromRow(row: Delivery): Delivery {
  return { ...row, task_count: Number(row.task_count), delivered_at: Number(row.delivered_at) };
}

/**
 * Deliveries and their member tasks, scoped to (account, environment). The only code that builds
 * SQL for these tables. To use it inside a transaction, construct one on the transaction.
 */
export class DeliveryRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Creates the delivery of a batch that has just become completed (call it in that transaction,
   * under the batch lock): every completed task of the batch not yet delivered with its current
   * completion, in one INSERT ... SELECT. The first delivery of a batch is named after it, later
   * ones (after the batch was reopened and completed again) `<name> #2`, `#3`, ... Returns
   * undefined, keeping nothing, when there is no task to deliver.
   */
  async createForBatch(batch: DeliveredBatch, now: number): Promise<Delivery | undefined> {
    const previous = await this.db
      .selectFrom('deliveries')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('batch_id', '=', batch.id)
      .executeTakeFirstOrThrow();
    const sequence = Number(previous.n) + 1;
    const delivery: Delivery = {
      id: newId(now),
      account_id: batch.account_id,
      environment: batch.environment,
      project_id: batch.project_id,
      batch_id: batch.id,
      name: sequence === 1 ? batch.name : `${batch.name} #${sequence}`,
      task_count: 0,
      delivered_at: now,
    };
    await this.db.insertInto('deliveries').values(delivery).execute();
    const inserted = await this.db
      .insertInto('delivery_tasks')
      .columns(['delivery_id', 'task_id', 'project_id', 'completed_at'])
      .expression((eb) =>
        eb
          .selectFrom('tasks as t')
          .select([sql<string>`cast(${delivery.id} as text)`.as('delivery_id'), 't.id', 't.project_id', 't.completed_at'])
          .where('t.batch_id', '=', batch.id)
          .where('t.status', '=', 'completed')
          .where('t.completed_at', 'is not', null)
          .where(({ not, exists, selectFrom }) =>
            not(
              exists(
                selectFrom('delivery_tasks as dt').select('dt.task_id').whereRef('dt.task_id', '=', 't.id').whereRef('dt.completed_at', '=', 't.completed_at'),
              ),
            ),
          ),
      )
      .executeTakeFirst();
    const count = Number(inserted.numInsertedOrUpdatedRows ?? 0);
    if (count === 0) {
      await this.db.deleteFrom('deliveries').where('id', '=', delivery.id).execute();
      return undefined;
    }
    await this.db.updateTable('deliveries').set({ task_count: count }).where('id', '=', delivery.id).execute();
    return { ...delivery, task_count: count };
  }

  async findById(accountId: string, environment: Environment, id: string): Promise<Delivery | undefined> {
    const row = await this.db
      .selectFrom('deliveries')
      .selectAll()
      .where('id', '=', id)
      .where('account_id', '=', accountId)
      .where('environment', '=', environment)
      .executeTakeFirst();
    return row && fromRow(row);
  }

  /** The newest delivery of the project with this name. */
  async findByName(accountId: string, environment: Environment, projectId: string, name: string): Promise<Delivery | undefined> {
    const row = await this.db
      .selectFrom('deliveries')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('name', '=', name)
      .where('account_id', '=', accountId)
      .where('environment', '=', environment)
      .orderBy('delivered_at', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row && fromRow(row);
  }

  /** Deliveries newest first (delivered_at desc, id desc); unpaginated (contract 6.4), one index range. */
  async list(accountId: string, environment: Environment, filters: DeliveryListFilters): Promise<Delivery[]> {
    const rows = await this.db
      .selectFrom('deliveries')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('environment', '=', environment)
      .$if(filters.projectId !== undefined, (query) => query.where('project_id', '=', filters.projectId!))
      .$if(filters.deliveredFrom !== undefined, (query) => query.where('delivered_at', '>=', filters.deliveredFrom!))
      .$if(filters.deliveredTo !== undefined, (query) => query.where('delivered_at', '<=', filters.deliveredTo!))
      .orderBy('delivered_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    return rows.map(fromRow);
  }

  /** Deliveries by id (for presenting delivered tasks in bulk); unknown ids are absent. */
  async findByIds(accountId: string, environment: Environment, ids: readonly string[]): Promise<Map<string, Delivery>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    // Only the primary key in SQL, so the planner never prefers the (account, environment) index; scope checked here.
    const rows = await this.db.selectFrom('deliveries').selectAll().where('id', 'in', unique).execute();
    const scoped = rows.filter((row) => row.account_id === accountId && row.environment === environment);
    return new Map(scoped.map((row) => [row.id, fromRow(row)]));
  }

  /**
   * One page of delivery members in (delivery_id desc, task_id desc) order, read along the primary
   * key (one delivery) or the (project_id, delivery_id, task_id) index (a whole project).
   */
  async listTasks(
    accountId: string,
    environment: Environment,
    scope: DeliveryTaskScope,
    filters: DeliveryTaskFilters,
    page: { limit: number; after?: DeliveryTaskCursor },
  ): Promise<DeliveryTaskEntry[]> {
    const rows = await deliveryMemberPage(this.db, accountId, environment, page, scope.deliveryId)
      .innerJoin('tasks as t', 't.id', 'dt.task_id')
      .select(['dt.delivery_id', 'dt.task_id', 'd.delivered_at'])
      .$if(scope.deliveryId !== undefined, (query) => query.where('dt.delivery_id', '=', scope.deliveryId!))
      .$if(scope.projectId !== undefined, (query) => query.where('dt.project_id', '=', scope.projectId!))
      .$if(filters.status !== undefined, (query) => query.where('t.status', '=', filters.status!))
      .$if(filters.completedFrom !== undefined, (query) => query.where('dt.completed_at', '>=', filters.completedFrom!))
      .$if(filters.completedTo !== undefined, (query) => query.where('dt.completed_at', '<=', filters.completedTo!))
      .execute();
    return rows.map((row) => ({ delivery_id: row.delivery_id, task_id: row.task_id, delivered_at: Number(row.delivered_at) }));
  }
}

/**
 * One page of delivery members (delivery_tasks joined to their deliveries) of an account and
 * environment, in (delivery_id desc, task_id desc) order after `page.after`: the keyset that the
 * delivery task list and the dataset task list both read; callers add their joins and filters.
 * Within `oneDelivery` the position is a plain range on task_id, which the primary key seeks to.
 */
export function deliveryMemberPage(db: Kysely<Database>, accountId: string, environment: Environment, page: { limit: number; after?: DeliveryTaskCursor }, oneDelivery?: string) {
  const after = page.after;
  return db
    .selectFrom('delivery_tasks as dt')
    .innerJoin('deliveries as d', 'd.id', 'dt.delivery_id')
    .where('d.account_id', '=', accountId)
    .where('d.environment', '=', environment)
    .$if(after !== undefined && after.deliveryId === oneDelivery, (query) => query.where('dt.task_id', '<', after!.taskId))
    .$if(after !== undefined && after.deliveryId !== oneDelivery, (query) =>
      query.where('dt.delivery_id', '<=', after!.deliveryId).where((eb) => eb.or([eb('dt.delivery_id', '<', after!.deliveryId), eb('dt.task_id', '<', after!.taskId)])),
    )
    .orderBy('dt.delivery_id', 'desc')
    .orderBy('dt.task_id', 'desc')
    .limit(page.limit);
}
