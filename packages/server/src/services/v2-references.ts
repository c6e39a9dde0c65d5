import type { Caller } from './account.service.ts';
import type { Project, ProjectRepository } from '../repositories/project.repository.ts';
import type { Batch, BatchRepository } from '../repositories/batch.repository.ts';
import { InvalidRequest, NotFound } from '../domain/errors.ts';
import { readString } from '../domain/lenient.ts';

/** A project or batch named in a v2 request by id, by name, or both. */
export interface V2Ref {
  id?: string;
  name?: string;
}

/**
 * How a missing resource is reported (contract 3.4): the resource a request reads or acts on is a
 * 404; a project or batch named inside a body as a reference (the project of a new batch) is a 400.
 */
export type Missing = 'not_found' | 'invalid';

/** Projects and batches expanded from ids to objects (`expand=project`, `expand=batch`). */
export interface V2Expansion {
  projects?: Map<string, Project>;
  batches?: Map<string, Batch>;
}

/** The `expand` values each v2 endpoint accepts (the client's Expandable enums). */
export const V2_EXPANDABLE = {
  task: ['project', 'batch'],
  batch: ['project'],
  deliveries: ['project'],
  delivery: ['project', 'batch', 'delivery'],
  datasetTask: ['dataset', 'delivery'],
  datasetDeliveries: ['dataset'],
} as const;

/** Checks `expand` values against what the endpoint accepts: an unknown one is a 400 (contract 9.1). */
export function readExpand<T extends string>(values: readonly string[] | undefined, allowed: readonly T[]): Set<T> {
  const expand = new Set<T>();
  for (const value of values ?? []) {
    if (!(allowed as readonly string[]).includes(value)) {
      throw new InvalidRequest(`Invalid value for 'expand': "${value}". This endpoint can expand ${allowed.join(', ')}.`);
    }
    expand.add(value as T);
  }
  return expand;
}

/**
 * v2 addresses projects and batches by id or by name (contract 3.7). Resolves either form within
 * the caller's account and environment, and loads the objects a response expands, in bulk.
 */
export class V2References {
  constructor(
    private readonly projects: ProjectRepository,
    private readonly batches: BatchRepository,
  ) {}

  /** The project named by id or name; 400 when neither is given; `missing` decides the error for an unknown one. */
  async project(caller: Caller, ref: V2Ref, missing: Missing = 'not_found'): Promise<Project> {
    const project = await this.optionalProject(caller, ref, missing);
    if (!project) throw new InvalidRequest("Missing required parameter: give 'project_id' or 'project_name'.");
    return project;
  }

  /** The project named by id or name, or undefined when the request names none. */
  async optionalProject(caller: Caller, ref: V2Ref, missing: Missing = 'not_found'): Promise<Project | undefined> {
    if (ref.id === undefined && ref.name === undefined) return undefined;
    const project =
      ref.id !== undefined
        ? await this.projects.findById(caller.account.id, caller.environment, ref.id)
        : await this.projects.findByName(caller.account.id, caller.environment, ref.name!);
    if (!project) {
      const message = ref.id !== undefined ? `No project with id "${ref.id}" exists.` : `No project named "${ref.name}" exists.`;
      throw missing === 'not_found' ? new NotFound(message) : new InvalidRequest(`Invalid value for 'project_${ref.id !== undefined ? 'id' : 'name'}': ${message}`);
    }
    if (ref.id !== undefined && ref.name !== undefined && project.name !== ref.name) {
      throw new InvalidRequest(`'project_id' and 'project_name' disagree: project ${ref.id} is named "${project.name}", not "${ref.name}". Give one of them.`);
    }
    return project;
  }

  /** The batch named by id or name; 400 when neither is given; `missing` decides the error for an unknown one. */
  async batch(caller: Caller, ref: V2Ref, missing: Missing = 'not_found'): Promise<Batch> {
    const batch = await this.optionalBatch(caller, ref, missing);
    if (!batch) throw new InvalidRequest("Missing required parameter: give 'batch_id' or 'batch_name'.");
    return batch;
  }

  /** The batch named by id or name, or undefined when the request names none. */
  async optionalBatch(caller: Caller, ref: V2Ref, missing: Missing = 'not_found'): Promise<Batch | undefined> {
    if (ref.id === undefined && ref.name === undefined) return undefined;
    const batch =
      ref.id !== undefined
        ? await this.batches.findById(caller.account.id, caller.environment, ref.id)
        : await this.batches.findByName(caller.account.id, caller.environment, ref.name!);
    if (!batch) {
      const message = ref.id !== undefined ? `No batch with id "${ref.id}" exists.` : `No batch named "${ref.name}" exists.`;
      throw missing === 'not_found' ? new NotFound(message) : new InvalidRequest(`Invalid value for 'batch_${ref.id !== undefined ? 'id' : 'name'}': ${message}`);
    }
    if (ref.id !== undefined && ref.name !== undefined && batch.name !== ref.name) {
      throw new InvalidRequest(`'batch_id' and 'batch_name' disagree: batch ${ref.id} is named "${batch.name}", not "${ref.name}". Give one of them.`);
    }
    return batch;
  }

  /** Loads, in one query per kind, the projects and batches that the response expands. */
  async expansion(caller: Caller, expand: ReadonlySet<string>, ids: { projectIds?: readonly string[]; batchIds?: readonly string[] }): Promise<V2Expansion> {
    const [projects, batches] = await Promise.all([
      expand.has('project') && ids.projectIds ? this.projects.findByIds(caller.account.id, caller.environment, ids.projectIds) : undefined,
      expand.has('batch') && ids.batchIds ? this.batches.findByIds(caller.account.id, caller.environment, ids.batchIds) : undefined,
    ]);
    return { projects, batches };
  }
}

/** `project_id` / `project_name` of a body. */
export function readProjectRef(body: Record<string, unknown>): V2Ref {
  return { id: nonEmpty(readString(body.project_id, 'project_id')), name: nonEmpty(readString(body.project_name, 'project_name')) };
}

/** `batch_id` / `batch_name` of a body. */
export function readBatchRef(body: Record<string, unknown>): V2Ref {
  return { id: nonEmpty(readString(body.batch_id, 'batch_id')), name: nonEmpty(readString(body.batch_name, 'batch_name')) };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
