/** v1 projects: create, retrieve, list, update parameters, task template. Projects are addressed by name. */
import { pathSegment, type RequestOptions, type Transport } from '../core/transport.ts';
import type { JsonObject, Project, ProjectTemplate, TaskType } from '../types.ts';

export interface ProjectCreateParams {
  projectName: string;
  taskType: TaskType | (string & {});
  /** Default task parameters; they become `param_history` version 0. */
  params?: JsonObject;
  rapid?: boolean;
  studio?: boolean;
  datasetId?: string;
  pipeline?: 'standard_task' | 'consensus_task';
  consensusAttempts?: number;
}

export interface ProjectUpdateParams {
  /** True: start from the current parameters and override the keys given; false (default): replace them. */
  patch?: boolean;
  [param: string]: unknown;
}

export class Projects {
  constructor(private readonly transport: Transport) {}

  /** Creates a project; `ScaleDuplicateResource` if the name is taken. */
  create(params: ProjectCreateParams, options?: RequestOptions): Promise<Project> {
    const body: JsonObject = {
      type: params.taskType,
      name: params.projectName,
      rapid: params.rapid ?? false,
      studio: params.studio ?? false,
      params: params.params ?? null,
      datasetId: params.datasetId ?? null,
    };
    if (params.pipeline !== undefined) body.pipeline = params.pipeline;
    if (params.consensusAttempts !== undefined) body.consensus_attempts = params.consensusAttempts;
    return this.transport.request({
      method: 'POST',
      path: 'projects',
      body,
      options,
      // A retry that collides with the project its own lost first attempt created gets that project.
      recoverConflict: () => this.retrieve(params.projectName, { ...options, idempotencyKey: undefined }),
    });
  }

  retrieve(projectName: string, options?: RequestOptions): Promise<Project> {
    return this.transport.request({ method: 'GET', path: `projects/${pathSegment(projectName)}`, options });
  }

  /** Every project (the list is not paginated). */
  list(params: { archived?: boolean } = {}, options?: RequestOptions): Promise<Project[]> {
    return this.transport.request({ method: 'GET', path: 'projects', query: { archived: params.archived }, options });
  }

  /** Appends a new parameter version (`setParams`); tasks created before keep their parameters. */
  update(projectName: string, params: ProjectUpdateParams, options?: RequestOptions): Promise<Project> {
    return this.transport.request({ method: 'POST', path: `projects/${pathSegment(projectName)}/setParams`, body: params, options });
  }

  /** The project's task template; `ScaleResourceNotFound` if it has none. */
  template(projectName: string, options?: RequestOptions): Promise<ProjectTemplate> {
    return this.transport.request({ method: 'GET', path: `projects/${pathSegment(projectName)}/taskTemplates`, options });
  }
}
