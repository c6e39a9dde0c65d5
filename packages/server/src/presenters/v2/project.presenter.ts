import type { Project } from '../../repositories/project.repository.ts';
import { toIso } from '../../domain/time.ts';

/** The v2 Project (contract 9.3): `id`, `name`, `created_at`, and `types` (Tagwright projects hold one type). */
export function presentV2Project(project: Project): Record<string, unknown> {
  return { id: project.id, name: project.name, created_at: toIso(project.created_at), types: [project.type] };
}

/** `project` inside a v2 object: the id, or the Project when it was expanded. */
export function presentProjectRef(projectId: string, projects: Map<string, Project> | undefined): unknown {
  const project = projects?.get(projectId);
  return project ? presentV2Project(project) : projectId;
}
