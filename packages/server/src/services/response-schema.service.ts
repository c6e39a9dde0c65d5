import type { Caller } from './account.service.ts';
import type { ProjectRepository } from '../repositories/project.repository.ts';
import type { Task } from '../repositories/task.repository.ts';
import { NotFound } from '../domain/errors.ts';
import { CHAT_TASK_TYPES } from '../domain/task-types.ts';
import { chatResponseSchema } from '@tagwright/formats';
import { questionsOf } from '@tagwright/formats';

const SCHEMA_ID = /^schema_([A-Za-z0-9]+)_(\d+)$/;

/**
 * The response schema a task was answered under (`response_schema_id` in `/v2/delivery/tasks`):
 * its project and the project parameter version it was created with (0: none).
 */
export function schemaIdOf(task: Pick<Task, 'project_id' | 'project_param_version'>): string {
  return `schema_${task.project_id}_${task.project_param_version ?? 0}`;
}

/**
 * `GET /v2/schema` (task-types.md §7.4): a JSON Schema of a project's response format at one
 * parameter version, stringified in `json`. Chat projects get the threads with their question set;
 * other types a plain object schema titled with the type (their shapes are in docs/workbench.md).
 */
export class ResponseSchemaService {
  constructor(private readonly projects: ProjectRepository) {}

  async get(caller: Caller, schemaId: string): Promise<{ id: string; json: string }> {
    const match = SCHEMA_ID.exec(schemaId);
    const project = match ? await this.projects.findById(caller.account.id, caller.environment, match[1]) : undefined;
    const version = match ? Number(match[2]) : NaN;
    const entry = project?.param_history.find((candidate) => candidate.version === version);
    if (!project || (version !== 0 && !entry)) throw new NotFound(`No schema with id "${schemaId}" exists. Schema ids come from response_schema_id in GET /v2/delivery/tasks.`);
    const params = (entry ?? {}) as Record<string, unknown>;
    const title = `${project.name} (${project.type}) response, parameter version ${version}`;
    const schema = (CHAT_TASK_TYPES as readonly string[]).includes(project.type)
      ? chatResponseSchema(questionsOf(params), title)
      : { $schema: 'https://json-schema.org/draft/2020-12/schema', title, type: 'object' };
    return { id: schemaId, json: JSON.stringify(schema) };
  }
}
