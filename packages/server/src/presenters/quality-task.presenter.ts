import type { QualityTask } from '../repositories/quality-task.repository.ts';
import { toIso } from '../domain/time.ts';

/**
 * An evaluation or training task (contract 4.5): keyed `id` (not `task_id`), with
 * `expected_response` always present (null when none was given); other optional fields omitted when unset.
 */
export function presentQualityTask(task: QualityTask): Record<string, unknown> {
  const wire: Record<string, unknown> = {
    id: task.id,
    type: task.type,
    project: task.project_name,
  };
  if (task.batch_name !== null) wire.batch = task.batch_name;
  wire.created_at = toIso(task.created_at);
  wire.updated_at = toIso(task.updated_at);
  if (task.instruction !== null) wire.instruction = task.instruction;
  wire.params = task.params;
  if (task.callback_url !== null) wire.callback_url = task.callback_url;
  wire.metadata = task.metadata;
  if (task.unique_id !== null) wire.unique_id = task.unique_id;
  if (task.tags !== null) wire.tags = task.tags;
  if (task.priority !== null) wire.priority = task.priority;
  if (task.project_param_version !== null) wire.project_param_version = task.project_param_version;
  wire.expected_response = task.expected_response ?? null;
  if (task.initial_response !== undefined) wire.initial_response = task.initial_response;
  return wire;
}
