import type { Task } from '../../repositories/task.repository.ts';
import type { V2Expansion } from '../../services/v2-references.ts';
import { CHAT_TASK_TYPES } from '../../domain/task-types.ts';
import { isPlainObject } from '../../domain/lenient.ts';
import { toIso } from '../../domain/time.ts';
import { presentProjectRef } from './project.presenter.ts';
import { presentV2Batch } from './batch.presenter.ts';
import type { ChatThread } from '@tagwright/formats';

/** Threads of the completed chat tasks being presented, by task id (ChatConversationService.threadsOf). */
export type V2Threads = ReadonlyMap<string, ChatThread[]>;

/**
 * The v2 Task (contract 9.3). Always `task_id`, `project` (id, or Project when expanded), `status`
 * (v2 task status: `canceled` with one l), `created_at` and `metadata`; `batch` (id or Batch) when in
 * a batch; `completed_at` when completed; `threads` for chat-family tasks; `errors` for error tasks.
 *
 * A chat task's `threads` are its stored conversation once it is completed (task-types.md §7.2,
 * shaped by `opts` before they get here), and `[]` before (contract 9.3). An error task's `errors` carries its error message
 * without a `type`, since none of the client's error types applies.
 */
export function presentV2Task(task: Task, expansion: V2Expansion = {}, threads?: V2Threads): Record<string, unknown> {
  const wire: Record<string, unknown> = {
    task_id: task.id,
    project: presentProjectRef(task.project_id, expansion.projects),
  };
  if (task.batch_id !== null) {
    const batch = expansion.batches?.get(task.batch_id);
    wire.batch = batch ? presentV2Batch(batch) : task.batch_id;
  }
  wire.status = task.status;
  wire.created_at = toIso(task.created_at);
  if (task.status === 'completed' && task.completed_at !== null) wire.completed_at = toIso(task.completed_at);
  wire.metadata = task.metadata;
  if ((CHAT_TASK_TYPES as readonly string[]).includes(task.type)) wire.threads = threads?.get(task.id) ?? [];
  if (task.status === 'error') wire.errors = [{ message: errorMessage(task.response) }];
  return wire;
}

/** `{tasks, next_token?}`: `next_token` is absent on the last page, never "" (contract 6.3). */
export function presentV2TaskPage(tasks: readonly Task[], nextToken: string | undefined, expansion: V2Expansion, threads?: V2Threads): Record<string, unknown> {
  const wire: Record<string, unknown> = { tasks: tasks.map((task) => presentV2Task(task, expansion, threads)) };
  if (nextToken) wire.next_token = nextToken;
  return wire;
}

function errorMessage(response: unknown): string {
  if (isPlainObject(response) && typeof response.error === 'string' && response.error !== '') return response.error;
  return 'The task could not be processed.';
}
