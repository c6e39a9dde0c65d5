import type { ProjectGroup, StudioBatch } from '../repositories/studio.repository.ts';
import type { AssignmentMap } from '../services/studio.service.ts';
import type { UserRow } from '../repositories/account.repository.ts';
import { toIso } from '../domain/time.ts';

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

// The same objects for the web UI's app API (docs/app-api.md, Studio), spelled in snake_case as the rest of /app/api.

/** Every teammate with the projects they are assigned to (names sorted), in the order they joined. */
export function presentAppAssignments(teammates: readonly UserRow[], map: AssignmentMap) {
  return {
    teammates: teammates.map((user) => ({ id: user.id, email: user.email, role: user.role, projects: map.get(user.email) ?? [] })),
  };
}

export function presentAppGroup(group: ProjectGroup) {
  return {
    id: group.id,
    name: group.name,
    num_workers: group.workers.length,
    is_singleton: group.is_singleton,
    created_at: toIso(group.created_at),
    workers: group.workers.map((worker) => ({ id: worker.id, email: worker.email })),
  };
}

/** A pending Studio batch; `studio_priority` (1-based) only while the batch has an explicit place in the order. */
export function presentAppStudioBatch(batch: StudioBatch) {
  return {
    id: batch.id,
    name: batch.name,
    project: batch.project_name,
    project_id: batch.project_id,
    status: batch.status,
    ...(batch.studio_priority !== null ? { studio_priority: batch.studio_priority } : {}),
    total: batch.total,
    completed: batch.completed,
    groups: batch.groups,
    created_at: toIso(batch.created_at),
  };
}
