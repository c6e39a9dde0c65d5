/**
 * One row per customer audit of a task (API `POST task/{id}/audit` and the dashboard's Accept,
 * Reject, Fix, Comment), beside the `audits` JSON on the task: indexed, so labeler stats count the
 * customer's verdicts per labeler without reading tasks (migration 0016_task_audits).
 */
export interface TaskAuditsTable {
  id: string;
  account_id: string;
  project_id: string;
  task_id: string;
  /** The labeling round whose label attempts produced the audited response; null when no labeler did (completed by the API). */
  labeled_round: number | null;
  /** accepted, rejected, fixed or commented. */
  result: string;
  audited_by: string;
  audited_at: number;
  audit_time_ms: number;
}

export interface TaskAuditTables {
  task_audits: TaskAuditsTable;
}
