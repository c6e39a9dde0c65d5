import type { Caller } from './account.service.ts';
import type { ParamVersion, Project, ProjectRepository } from '../repositories/project.repository.ts';
import { Conflict, InvalidRequest, NotFound } from '../domain/errors.ts';
import { newId } from '../domain/ids.ts';
import { isPlainObject, readBoolean, readIndexedString, readInteger, readString } from '../domain/lenient.ts';
import { TASK_TYPES, isTaskType } from '../domain/task-types.ts';
import { TEMPLATE_TASK_TYPES, TEMPLATE_TYPES_IN_WORDS } from '../families/index.ts';

export interface CreateProjectInput {
  type?: unknown;
  name?: unknown;
  params?: unknown;
  rapid?: unknown;
  studio?: unknown;
  datasetId?: unknown;
  pipeline?: unknown;
  consensus_attempts?: unknown;
}

/** A project's task template (contract 4.3, `GET projects/{name}/taskTemplates`). */
export interface TaskTemplate {
  id: string;
  /** The parameter version that introduced the current template definition. */
  version: number;
  created_at: number;
  updated_at: number;
  template_variables: Record<string, unknown>;
  response_schema?: Record<string, unknown>;
  auto_onboard_enabled?: boolean;
}

const PIPELINES = ['standard_task', 'consensus_task'] as const;
/** Keys of a history entry that are bookkeeping, not parameters. */
const ENTRY_KEYS = new Set(['version', 'created_at']);
/**
 * How many times setParams tries its compare-and-set. Each failed try means another request's
 * version landed between this one's read and its write, so with n requests at once on one project
 * none needs more than n tries. 5 let the eighth of eight concurrent setParams answer 409 when the
 * other seven each landed first (test/projects/params.test.ts failed so on PostgreSQL once in CI);
 * 32 covers any burst of editors on one project's parameters that is not a runaway script.
 */
const SET_PARAMS_ATTEMPTS = 32;

/** The parameters of a history entry, without `version` and `created_at`. */
export function paramsOf(entry: ParamVersion | undefined): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  if (!entry) return params;
  for (const [key, value] of Object.entries(entry)) if (!ENTRY_KEYS.has(key)) params[key] = value;
  return params;
}

/** Projects: creation, lookup by name, parameter history (contract 4.3) and task templates. */
export class ProjectService {
  constructor(private readonly projects: ProjectRepository) {}

  async create(caller: Caller, input: CreateProjectInput): Promise<Project> {
    if (input.type === undefined || input.type === null || input.type === '') {
      throw new InvalidRequest("Missing required parameter 'type': the task type of the project's tasks.");
    }
    if (!isTaskType(input.type)) {
      throw new InvalidRequest(`Invalid value for 'type': "${String(input.type)}" is not a task type. Use one of ${TASK_TYPES.join(', ')}.`);
    }
    const name = readIndexedString(input.name, 'name');
    if (!name || name.trim() === '') throw new InvalidRequest("Missing required parameter 'name': the project's name.");
    if (input.params !== undefined && input.params !== null && !isPlainObject(input.params)) {
      throw new InvalidRequest("Invalid value for 'params': expected an object of default task parameters.");
    }
    const pipeline = readString(input.pipeline, 'pipeline');
    if (pipeline !== undefined && !(PIPELINES as readonly string[]).includes(pipeline)) {
      throw new InvalidRequest(`Invalid value for 'pipeline': "${pipeline}". Use standard_task or consensus_task.`);
    }
    const consensusAttempts = readInteger(input.consensus_attempts, 'consensus_attempts');
    if (consensusAttempts !== undefined && consensusAttempts < 1) {
      throw new InvalidRequest("Invalid value for 'consensus_attempts': must be a whole number of at least 1.");
    }
    const datasetId = readString(input.datasetId, 'datasetId');

    const now = Date.now();
    const history: ParamVersion[] = isPlainObject(input.params) ? [{ ...paramsOf(input.params as ParamVersion), version: 0, created_at: now }] : [];
    const project: Project = {
      id: newId(now),
      account_id: caller.account.id,
      environment: caller.environment,
      name,
      type: input.type,
      param_history: history,
      rapid: readBoolean(input.rapid, 'rapid') ?? false,
      studio: readBoolean(input.studio, 'studio') ?? false,
      archived: false,
      pipeline: (pipeline as Project['pipeline']) ?? null,
      consensus_attempts: consensusAttempts ?? null,
      dataset_id: datasetId || null,
      created_at: now,
      updated_at: now,
    };
    if (!(await this.projects.insert(project))) {
      throw new Conflict(`A project named "${name}" already exists. Project names are unique; choose another name.`);
    }
    return project;
  }

  /** The caller's project by name; 404 when it does not exist in the caller's account and environment. */
  async get(caller: Caller, name: string): Promise<Project> {
    const project = await this.projects.findByName(caller.account.id, caller.environment, name);
    if (!project) throw new NotFound(`No project named "${name}" exists.`);
    return project;
  }

  /** The caller's project by name, or undefined (for callers that decide the error themselves). */
  find(caller: Caller, name: string): Promise<Project | undefined> {
    return this.projects.findByName(caller.account.id, caller.environment, name);
  }

  findById(caller: Caller, id: string): Promise<Project | undefined> {
    return this.projects.findById(caller.account.id, caller.environment, id);
  }

  /** Every project of the caller's environment, newest first; `archived` filters when given. */
  list(caller: Caller, options: { archived?: boolean; createdFrom?: number; createdTo?: number } = {}): Promise<Project[]> {
    return this.projects.list(caller.account.id, caller.environment, options);
  }

  /**
   * Appends a parameter version (contract 4.3.1). `patch` true merges the request over the previous
   * entry, shallowly; otherwise the new entry holds exactly the request's parameters. `patch` is
   * never stored.
   */
  async setParams(caller: Caller, name: string, body: Record<string, unknown>): Promise<Project> {
    const patch = readBoolean(body.patch, 'patch') ?? false;
    const requested = paramsOf(body as ParamVersion);
    delete requested.patch;
    for (let attempt = 0; attempt < SET_PARAMS_ATTEMPTS; attempt++) {
      const project = await this.get(caller, name);
      const previous = project.param_history.at(-1);
      const now = Date.now();
      const entry: ParamVersion = {
        ...(patch ? paramsOf(previous) : {}),
        ...requested,
        version: previous ? previous.version + 1 : 0,
        created_at: now,
      };
      const history = [...project.param_history, entry];
      if (await this.projects.updateParamHistoryIfUnchanged(project.id, project.param_history, history, now)) {
        return { ...project, param_history: history, updated_at: now };
      }
    }
    throw new Conflict(`The parameters of project "${name}" are being changed by other requests at the same time; retry.`);
  }

  /**
   * The project's task template. Tagwright decision: only projects of the types their family lists
   * in `templateTypes` (textcollection and the chat family, as in Scale) can have one, and such a project has one exactly when its current parameters hold
   * a `template_variables` object; anything else is 404.
   */
  async taskTemplate(caller: Caller, name: string): Promise<TaskTemplate> {
    const project = await this.get(caller, name);
    if (!(TEMPLATE_TASK_TYPES as readonly string[]).includes(project.type)) {
      throw new NotFound(`Project "${name}" has no task template: only ${TEMPLATE_TYPES_IN_WORDS} projects have task templates (this one is ${project.type}).`);
    }
    const history = project.param_history;
    const current = history.at(-1);
    if (!current || !isPlainObject(current.template_variables)) {
      throw new NotFound(
        `Project "${name}" has no task template. Set one with POST projects/${encodeURIComponent(name)}/setParams and a 'template_variables' object.`,
      );
    }
    const definition = JSON.stringify(current.template_variables);
    // The template was last changed by the oldest entry of the unbroken run that holds today's definition.
    let introducedAt = history.length - 1;
    while (introducedAt > 0 && JSON.stringify(history[introducedAt - 1].template_variables) === definition) introducedAt--;
    const first = history.find((entry) => isPlainObject(entry.template_variables)) ?? current;
    const template: TaskTemplate = {
      id: `${project.id}-template`,
      version: history[introducedAt].version,
      created_at: first.created_at,
      updated_at: history[introducedAt].created_at,
      template_variables: current.template_variables as Record<string, unknown>,
    };
    if (isPlainObject(current.response_schema)) template.response_schema = current.response_schema;
    if (typeof current.auto_onboard_enabled === 'boolean') template.auto_onboard_enabled = current.auto_onboard_enabled;
    return template;
  }
}
