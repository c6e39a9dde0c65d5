import type { ProjectGroup, StudioBatch } from '../repositories/studio.repository.ts';
import type { AssignmentMap } from '../services/studio.service.ts';

/** `{"<email>": ["<project name>", ...]}` (contract 4.7). */
export function presentAssignments(map: AssignmentMap): Record<string, string[]> {
  return Object.fromEntries(map);
}

/** A project group: `{id, name, numWorkers, isSingleton, workers: [{id, email}]}`. */
export function presentProjectGroup(group: ProjectGroup) {
  return {
    id: group.id,
    name: group.name,
    numWorkers: group.workers.length,
    isSingleton: group.is_singleton,
    workers: group.workers.map((worker) => ({ id: worker.id, email: worker.email })),
  };
}

/** A pending Studio batch. `studioPriority` is its 1-based place in an explicit order, omitted in the default order. */
export function presentStudioBatch(batch: StudioBatch) {
  return {
    id: batch.id,
    name: batch.name,
    projectId: batch.project_id,
    projectName: batch.project_name,
    batchType: 'Production',
    ...(batch.studio_priority !== null ? { studioPriority: batch.studio_priority } : {}),
    total: batch.total,
    completed: batch.completed,
    groups: batch.groups,
  };
}
