import type { Environment } from './projects_batches.ts';

/** Row types of the deliveries migration. Times are epoch milliseconds. */
export interface DeliveriesTable {
  id: string;
  account_id: string;
  environment: Environment;
  project_id: string;
  /** The batch whose completion created the delivery. */
  batch_id: string;
  name: string;
  task_count: number;
  delivered_at: number;
}

export interface DeliveryTasksTable {
  delivery_id: string;
  task_id: string;
  project_id: string;
  /** The task's completed_at at delivery. */
  completed_at: number;
}

export interface DeliveryTables {
  deliveries: DeliveriesTable;
  delivery_tasks: DeliveryTasksTable;
}
