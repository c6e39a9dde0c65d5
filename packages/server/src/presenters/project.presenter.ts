import type { ParamVersion, Project } from '../repositories/project.repository.ts';
import type { TaskTemplate } from '../services/project.service.ts';
import { toIso } from '../domain/time.ts';

/** One `param_history` entry on the wire: the parameter keys, `version`, and `created_at` as ISO text. */
export function presentParamVersion(entry: ParamVersion): Record<string, unknown> {
  return { ...entry, version: entry.version, created_at: toIso(entry.created_at) };
}

/**
 * The v1 project object (contract 4.3): `name`, `type`, `param_history`, `created_at` and `id`
 * always; `archived` always (false is meaningful); the Studio/Rapid fields only when set.
 */
export function presentProject(project: Project): Record<string, unknown> {
  const wire: Record<string, unknown> = {
    id: project.id,
    name: project.name,
    type: project.type,
    param_history: project.param_history.map(presentParamVersion),
    created_at: toIso(project.created_at),
    archived: project.archived,
  };
  if (project.rapid) wire.rapid = true;
  if (project.studio) wire.studio = true;
  if (project.pipeline !== null) wire.pipeline = project.pipeline;
  if (project.consensus_attempts !== null) wire.consensus_attempts = project.consensus_attempts;
  if (project.dataset_id !== null) wire.datasetId = project.dataset_id;
  return wire;
}

/** `GET projects/{name}/taskTemplates`: `{id, version, created_at, updated_at, template_variables}` plus the optional keys when set. */
export function presentTaskTemplate(template: TaskTemplate): Record<string, unknown> {
  const wire: Record<string, unknown> = {
    id: template.id,
    version: template.version,
    created_at: toIso(template.created_at),
    updated_at: toIso(template.updated_at),
    template_variables: template.template_variables,
  };
  if (template.response_schema !== undefined) wire.response_schema = template.response_schema;
  if (template.auto_onboard_enabled !== undefined) wire.auto_onboard_enabled = template.auto_onboard_enabled;
  return wire;
}
