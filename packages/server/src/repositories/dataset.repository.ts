import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Environment } from '../db/tables/projects_batches.ts';
import { deliveryMemberPage, type Delivery, type DeliveryTaskCursor } from './delivery.repository.ts';

/** A delivered task of a dataset: the delivery member and its delivery's fields. */
export interface DatasetTaskEntry {
  task_id: string;
  delivery_id: string;
  dataset_id: string;
}

/**
 * Datasets as Tagwright has them (docs/chat.md, "Datasets"): a project's `datasetId` puts it in that
 * dataset, and the dataset's deliveries are its projects' deliveries. Reads only; the only SQL for them.
 */
export class DatasetRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Every dataset id named by a project of the account and environment, sorted. */
  async datasetIds(accountId: string, environment: Environment): Promise<string[]> {
    const rows = await this.db
      .selectFrom('projects')
      .select('dataset_id')
      .distinct()
      .where('account_id', '=', accountId)
      .where('environment', '=', environment)
      .where('dataset_id', 'is not', null)
      .orderBy('dataset_id')
      .execute();
    return rows.map((row) => row.dataset_id as string);
  }

  /** Dataset id of each project id given (projects without a dataset are absent). */
  async datasetOfProjects(projectIds: readonly string[]): Promise<Map<string, string>> {
    if (projectIds.length === 0) return new Map();
    const rows = await this.db.selectFrom('projects').select(['id', 'dataset_id']).where('id', 'in', [...new Set(projectIds)]).where('dataset_id', 'is not', null).execute();
    return new Map(rows.map((row) => [row.id, row.dataset_id as string]));
  }

  /** Deliveries of the dataset's projects (or of every dataset project), newest first, with their dataset. */
  async deliveries(
    accountId: string,
    environment: Environment,
    filters: { datasetId?: string; deliveredFrom?: number; deliveredTo?: number },
  ): Promise<Array<Delivery & { dataset_id: string }>> {
    const rows = await this.db
      .selectFrom('deliveries as d')
      .innerJoin('projects as p', 'p.id', 'd.project_id')
      .selectAll('d')
      .select('p.dataset_id')
      .where('d.account_id', '=', accountId)
      .where('d.environment', '=', environment)
      .where('p.dataset_id', 'is not', null)
      .$if(filters.datasetId !== undefined, (query) => query.where('p.dataset_id', '=', filters.datasetId!))
      .$if(filters.deliveredFrom !== undefined, (query) => query.where('d.delivered_at', '>=', filters.deliveredFrom!))
      .$if(filters.deliveredTo !== undefined, (query) => query.where('d.delivered_at', '<=', filters.deliveredTo!))
      .orderBy('d.delivered_at', 'desc')
      .orderBy('d.id', 'desc')
      .execute();
    return rows.map((row) => ({ ...row, task_count: Number(row.task_count), delivered_at: Number(row.delivered_at), dataset_id: row.dataset_id as string }));
  }

  /** One page of delivered tasks of dataset projects, (delivery_id desc, task_id desc) by keyset. */
  async tasks(
    accountId: string,
    environment: Environment,
    filters: { datasetId?: string; deliveryId?: string; taskId?: string; deliveredFrom?: number; deliveredTo?: number },
    page: { limit: number; after?: DeliveryTaskCursor },
  ): Promise<DatasetTaskEntry[]> {
    const rows = await deliveryMemberPage(this.db, accountId, environment, page)
      .innerJoin('projects as p', 'p.id', 'd.project_id')
      .select(['dt.task_id', 'dt.delivery_id', 'p.dataset_id'])
      .where('p.dataset_id', 'is not', null)
      .$if(filters.datasetId !== undefined, (query) => query.where('p.dataset_id', '=', filters.datasetId!))
      .$if(filters.deliveryId !== undefined, (query) => query.where('dt.delivery_id', '=', filters.deliveryId!))
      .$if(filters.taskId !== undefined, (query) => query.where('dt.task_id', '=', filters.taskId!))
      .$if(filters.deliveredFrom !== undefined, (query) => query.where('d.delivered_at', '>=', filters.deliveredFrom!))
      .$if(filters.deliveredTo !== undefined, (query) => query.where('d.delivered_at', '<=', filters.deliveredTo!))
      .execute();
    return rows.map((row) => ({ task_id: row.task_id, delivery_id: row.delivery_id, dataset_id: row.dataset_id as string }));
  }
}

/** Stored chat turns per delivery (DatasetDelivery `metadata.turn_count`). */
export async function turnCountsOfDeliveries(db: Kysely<Database>, deliveryIds: readonly string[]): Promise<Map<string, number>> {
  if (deliveryIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('delivery_tasks as dt')
    .innerJoin('chat_turns as ct', 'ct.task_id', 'dt.task_id')
    .select(['dt.delivery_id', (eb) => eb.fn.countAll<number>().as('turns')])
    .where('dt.delivery_id', 'in', [...deliveryIds])
    .groupBy('dt.delivery_id')
    .execute();
  return new Map(rows.map((row) => [row.delivery_id, Number(row.turns)]));
}
