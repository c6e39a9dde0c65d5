import type { Delivery, DeliveryTaskEntry } from '../../repositories/delivery.repository.ts';
import type { Task } from '../../repositories/task.repository.ts';
import type { V2Expansion } from '../../services/v2-references.ts';
import { isPlainObject } from '../../domain/lenient.ts';
import { toIso } from '../../domain/time.ts';
import { presentProjectRef } from './project.presenter.ts';
import { presentV2Task, type V2Threads } from './task.presenter.ts';
import { schemaIdOf } from '../../services/response-schema.service.ts';

/** The v2 Delivery (contract 9.3): `id`, `name`, `task_count`, `delivered_at`, `project` (id, or Project when expanded). */
export function presentV2Delivery(delivery: Delivery, expansion: V2Expansion = {}): Record<string, unknown> {
  return {
    id: delivery.id,
    name: delivery.name,
    task_count: delivery.task_count,
    delivered_at: toIso(delivery.delivered_at),
    project: presentProjectRef(delivery.project_id, expansion.projects),
  };
}

/** `GET /v2/delivery`: `delivery` (id, or Delivery when expanded), a page of its tasks, `next_token` when more follow. */
export function presentDeliveredTaskPage(
  delivery: Delivery,
  tasks: readonly Task[],
  nextToken: string | undefined,
  options: { expandDelivery: boolean; expansion: V2Expansion; threads?: V2Threads },
): Record<string, unknown> {
  const wire: Record<string, unknown> = {
    delivery: options.expandDelivery ? presentV2Delivery(delivery, options.expansion) : delivery.id,
    tasks: tasks.map((task) => presentV2Task(task, options.expansion, options.threads)),
  };
  if (nextToken) wire.next_token = nextToken;
  return wire;
}

/**
 * One DeliveryTask of `GET /v2/delivery/tasks`: `task_id`, `created_at`, `delivery_id`,
 * `delivered_at`, and `response` while the task is completed (its current response) with the
 * `response_schema_id` it was answered under (`GET /v2/schema`).
 */
export function presentDeliveryTask(entry: DeliveryTaskEntry, task: Task | undefined): Record<string, unknown> {
  const wire: Record<string, unknown> = { task_id: entry.task_id };
  if (task) wire.created_at = toIso(task.created_at);
  wire.delivery_id = entry.delivery_id;
  wire.delivered_at = toIso(entry.delivered_at);
  if (task?.status === 'completed' && isPlainObject(task.response)) {
    wire.response_schema_id = schemaIdOf(task);
    wire.response = task.response;
  }
  return wire;
}

/** `{docs, total, next_token?}`, where `total` is the number of docs in this page (contract 6.3). */
export function presentDeliveryTaskPage(docs: Record<string, unknown>[], nextToken: string | undefined): Record<string, unknown> {
  const wire: Record<string, unknown> = { docs, total: docs.length };
  if (nextToken) wire.next_token = nextToken;
  return wire;
}
