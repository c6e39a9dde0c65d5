import type { Db } from '../db/connect.ts';
import type { Caller } from './account.service.ts';
import type { Delivery } from '../repositories/delivery.repository.ts';
import { DatasetRepository, turnCountsOfDeliveries, type DatasetTaskEntry } from '../repositories/dataset.repository.ts';
import { TaskRepository, type Task } from '../repositories/task.repository.ts';
import { NotFound } from '../domain/errors.ts';
import { decodePageToken, encodePageToken } from './v2-page.ts';

export type DatasetDelivery = Delivery & { dataset_id: string; turn_count: number };

export interface DatasetTaskPage {
  entries: Array<{ entry: DatasetTaskEntry; task: Task }>;
  deliveries: Map<string, DatasetDelivery>;
  nextToken?: string;
}

/**
 * The v2 dataset endpoints (task-types.md §7.4, docs/chat.md "Datasets"). A project created with
 * `datasetId` belongs to that dataset; the dataset's deliveries are its projects' deliveries, and
 * its tasks are their delivered tasks, each carrying the v2 task JSON as `response`.
 */
export class DatasetService {
  private readonly datasets: DatasetRepository;
  private readonly tasks: TaskRepository;

  constructor(private readonly db: Db) {
    this.datasets = new DatasetRepository(db.kysely);
    this.tasks = new TaskRepository(db.kysely, db.dialect);
  }

  /** `GET /v2/datasets`: `{id, name}` per dataset; Tagwright names a dataset by its id. */
  async list(caller: Caller): Promise<Array<{ id: string; name: string }>> {
    return (await this.datasets.datasetIds(caller.account.id, caller.environment)).map((id) => ({ id, name: id }));
  }

  private async requireDataset(caller: Caller, datasetId: string): Promise<void> {
    const ids = await this.datasets.datasetIds(caller.account.id, caller.environment);
    if (!ids.includes(datasetId)) throw new NotFound(`No dataset with id "${datasetId}" exists. A project joins a dataset when it is created with datasetId.`);
  }

  /** `GET /v2/datasets/deliveries`: deliveries of dataset projects, newest first. */
  async deliveries(caller: Caller, query: { datasetId?: string; deliveredFrom?: number; deliveredTo?: number }): Promise<DatasetDelivery[]> {
    if (query.datasetId !== undefined) await this.requireDataset(caller, query.datasetId);
    const deliveries = await this.datasets.deliveries(caller.account.id, caller.environment, query);
    return this.withTurnCounts(deliveries);
  }

  private async withTurnCounts(deliveries: Array<Delivery & { dataset_id: string }>): Promise<DatasetDelivery[]> {
    const turns = await turnCountsOfDeliveries(this.db.kysely, deliveries.map((delivery) => delivery.id));
    return deliveries.map((delivery) => ({ ...delivery, turn_count: turns.get(delivery.id) ?? 0 }));
  }

  /** One dataset delivery by id; 404 when it is unknown or its project is in no dataset. */
  async delivery(caller: Caller, deliveryId: string): Promise<DatasetDelivery> {
    const found = (await this.datasets.deliveries(caller.account.id, caller.environment, {})).find((delivery) => delivery.id === deliveryId);
    if (!found) throw new NotFound(`No dataset delivery with id "${deliveryId}" exists.`);
    return (await this.withTurnCounts([found]))[0];
  }

  /** `GET /v2/datasets/task`: the task's latest dataset delivery; 404 when it was never delivered in a dataset. */
  async task(caller: Caller, taskId: string): Promise<DatasetTaskPage> {
    const page = await this.tasksPage(caller, { taskId }, { limit: 1 });
    if (page.entries.length === 0) throw new NotFound(`No dataset task with id "${taskId}" exists: the task was never delivered from a project with a datasetId.`);
    return page;
  }

  /** `GET /v2/datasets/tasks` and the tasks of `GET /v2/datasets/delivery`: one keyset page. */
  async tasksPage(
    caller: Caller,
    filters: { datasetId?: string; deliveryId?: string; taskId?: string; deliveredFrom?: number; deliveredTo?: number },
    page: { limit: number; nextToken?: string },
  ): Promise<DatasetTaskPage> {
    if (filters.datasetId !== undefined) await this.requireDataset(caller, filters.datasetId);
    if (filters.deliveryId !== undefined) await this.delivery(caller, filters.deliveryId);
    const token = decodePageToken(page.nextToken, { d: 'id', t: 'id' });
    const rows = await this.datasets.tasks(caller.account.id, caller.environment, filters, {
      limit: page.limit + 1,
      after: token && { deliveryId: token.d as string, taskId: token.t as string },
    });
    const entries = rows.slice(0, page.limit);
    const last = entries.at(-1);
    const nextToken = rows.length > page.limit && last ? encodePageToken({ d: last.delivery_id, t: last.task_id }) : undefined;
    const found = await this.tasks.findByIds(caller.account.id, caller.environment, entries.map((entry) => entry.task_id));
    const deliveryIds = [...new Set(entries.map((entry) => entry.delivery_id))];
    const deliveries = new Map(
      (await this.withTurnCounts((await this.datasets.deliveries(caller.account.id, caller.environment, {})).filter((delivery) => deliveryIds.includes(delivery.id)))).map(
        (delivery) => [delivery.id, delivery],
      ),
    );
    return {
      entries: entries.flatMap((entry) => {
        const task = found.get(entry.task_id);
        return task ? [{ entry, task }] : [];
      }),
      deliveries,
      nextToken,
    };
  }
}
