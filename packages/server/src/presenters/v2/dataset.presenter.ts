import type { Task } from '../../repositories/task.repository.ts';
import type { DatasetDelivery } from '../../services/dataset.service.ts';
import type { DatasetTaskEntry } from '../../repositories/dataset.repository.ts';
import { toIso } from '../../domain/time.ts';
import { presentV2Task, type V2Threads } from './task.presenter.ts';

/** The v2 Dataset: `{id, name}` (Tagwright names a dataset by its id). */
export function presentDataset(id: string): Record<string, unknown> {
  return { id, name: id };
}

/** The v2 DatasetDelivery: `id`, `name`, `delivered_at`, `dataset` (id, or Dataset when expanded), `metadata {task_count, turn_count}`. */
export function presentDatasetDelivery(delivery: DatasetDelivery, expandDataset: boolean): Record<string, unknown> {
  return {
    id: delivery.id,
    name: delivery.name,
    delivered_at: toIso(delivery.delivered_at),
    dataset: expandDataset ? presentDataset(delivery.dataset_id) : delivery.dataset_id,
    metadata: { task_count: delivery.task_count, turn_count: delivery.turn_count },
  };
}

/** The v2 DatasetTask: `task_id`, `dataset`, `delivery` (ids, or objects when expanded) and `response`, the v2 task JSON. */
export function presentDatasetTask(
  entry: DatasetTaskEntry,
  task: Task,
  options: { deliveries: ReadonlyMap<string, DatasetDelivery>; expand: ReadonlySet<string>; threads: V2Threads },
): Record<string, unknown> {
  const delivery = options.deliveries.get(entry.delivery_id);
  return {
    task_id: entry.task_id,
    dataset: options.expand.has('dataset') ? presentDataset(entry.dataset_id) : entry.dataset_id,
    delivery: options.expand.has('delivery') && delivery ? presentDatasetDelivery(delivery, options.expand.has('dataset')) : entry.delivery_id,
    response: presentV2Task(task, {}, options.threads),
  };
}
