import type { WorkbenchTask } from '../../src/api/types.ts';
import type { ResponseSource } from '../../src/workbench/task-editor.ts';

/** A task object as the queue would hand it out. */
export function makeTask(type: string, params: Record<string, unknown>, extra: Partial<WorkbenchTask> = {}): WorkbenchTask {
  return { task_id: `task-${type}`, type, project: 'demo', params, created_at: '2026-01-01T00:00:00.000Z', ...extra };
}

/** Collects the response source an editor hands over, so tests can read its response. */
export function sourceCatcher() {
  const holder: { source: ResponseSource | null } = { source: null };
  return {
    onReady: (source: ResponseSource) => {
      holder.source = source;
    },
    response: () => holder.source!.getResponse(),
    problems: () => holder.source!.validate(),
  };
}
