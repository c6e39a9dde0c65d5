/** Row types of the projects and batches migration. Times are epoch milliseconds; JSON is stored as text; flags are 0/1. */
export type Environment = 'live' | 'test';

export interface ProjectsTable {
  id: string;
  account_id: string;
  environment: Environment;
  name: string;
  type: string;
  /** JSON array of `{...params, version, created_at}`, oldest first (contract 4.3.1). */
  param_history: string;
  rapid: number;
  studio: number;
  archived: number;
  pipeline: 'standard_task' | 'consensus_task' | null;
  consensus_attempts: number | null;
  dataset_id: string | null;
  created_at: number;
  updated_at: number;
}

export type BatchStatus = 'staging' | 'in_progress' | 'paused' | 'cancelled' | 'completed';

export interface BatchesTable {
  id: string;
  account_id: string;
  environment: Environment;
  project_id: string;
  name: string;
  status: BatchStatus;
  /** URL or email address; null when none. */
  callback: string | null;
  calibration_batch: number;
  self_label_batch: number;
  /** JSON object. */
  metadata: string;
  priority: number | null;
  /** Position in the Studio priority order; null means default (oldest first). */
  studio_priority: number | null;
  archived: number;
  callback_succeeded: number | null;
  created_at: number;
  updated_at: number;
  completed_at: number | null;
}

export interface ProjectBatchTables {
  projects: ProjectsTable;
  batches: BatchesTable;
}
