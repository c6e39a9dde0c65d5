import type { Caller } from './account.service.ts';
import type { Project, ProjectRepository } from '../repositories/project.repository.ts';
import type { Batch, BatchListFilters, BatchRepository, TaskStatusCounts } from '../repositories/batch.repository.ts';
import type { BatchStatus } from '../db/tables/projects_batches.ts';
import { Conflict, InvalidRequest, NotFound } from '../domain/errors.ts';
import { newId } from '../domain/ids.ts';
import { isPlainObject, readBoolean, readIndexedString, readInteger, readString } from '../domain/lenient.ts';
import { readCallbackTarget } from '../domain/callback-target.ts';

export interface CreateBatchInput {
  project?: unknown;
  name?: unknown;
  callback?: unknown;
  calibration_batch?: unknown;
  self_label_batch?: unknown;
  metadata?: unknown;
}

/** What a new batch is made of, once its request has been read and its project resolved. */
export interface NewBatchFields {
  name: string;
  callback: string | null;
  metadata: Record<string, unknown>;
  calibration: boolean;
  selfLabel: boolean;
  /** v2 `staging_batch`: start in staging even outside Studio and Rapid projects. */
  staging: boolean;
}

export interface BatchListQuery {
  /** Project name; an unknown name matches nothing. */
  project?: string;
  status?: BatchStatus;
  createdFrom?: number;
  createdTo?: number;
  excludeArchived?: boolean;
  detailed?: boolean;
  limit: number;
  offset: number;
}

export interface BatchListResult {
  batches: Batch[];
  total: number;
  limit: number;
  offset: number;
  /** Present when `detailed` was asked: task counts per batch id. */
  counts?: Map<string, TaskStatusCounts>;
}

export const BATCH_STATUSES: readonly BatchStatus[] = ['staging', 'in_progress', 'paused', 'cancelled', 'completed'];
export const MIN_BATCH_PRIORITY = 10;
export const MAX_BATCH_PRIORITY = 30;

/** Batches (contract 4.2): creation, lookup by name, status counts, finalize, metadata, listing, priority. */
export class BatchService {
  constructor(
    private readonly batches: BatchRepository,
    private readonly projects: ProjectRepository,
  ) {}

  async create(caller: Caller, input: CreateBatchInput): Promise<Batch> {
    const projectName = readString(input.project, 'project');
    if (!projectName) throw new InvalidRequest("Missing required parameter 'project': the name of the project the batch belongs to.");
    const name = readIndexedString(input.name, 'name');
    if (!name || name.trim() === '') throw new InvalidRequest("Missing required parameter 'name': the batch's name.");
    const callback = readCallbackTarget(input.callback, 'callback');
    if (input.metadata !== undefined && input.metadata !== null && !isPlainObject(input.metadata)) {
      throw new InvalidRequest("Invalid value for 'metadata': expected a JSON object.");
    }
    const calibration = readBoolean(input.calibration_batch, 'calibration_batch') ?? false;
    const selfLabel = readBoolean(input.self_label_batch, 'self_label_batch') ?? false;
    const project = await this.projects.findByName(caller.account.id, caller.environment, projectName);
    if (!project) throw new InvalidRequest(`Invalid value for 'project': no project named "${projectName}" exists. Create it first with POST projects.`);
    return this.insertBatch(caller, project, {
      name,
      callback: callback ?? null,
      metadata: (input.metadata as Record<string, unknown> | undefined) ?? {},
      calibration,
      selfLabel,
      staging: false,
    });
  }

  /**
   * Inserts a batch in a resolved project; v1 and v2 creation share it. Studio and Rapid batches
   * (and v2 `staging_batch`) wait in staging until finalized; others start at once (contracts 4.2, 9.4).
   */
  async insertBatch(caller: Caller, project: Project, fields: NewBatchFields): Promise<Batch> {
    const now = Date.now();
    const batch: Batch = {
      id: newId(now),
      account_id: caller.account.id,
      environment: caller.environment,
      project_id: project.id,
      project_name: project.name,
      name: fields.name,
      status: fields.staging || project.studio || project.rapid ? 'staging' : 'in_progress',
      callback: fields.callback,
      calibration_batch: fields.calibration,
      self_label_batch: fields.selfLabel,
      metadata: fields.metadata,
      priority: null,
      studio_priority: null,
      archived: false,
      callback_succeeded: null,
      created_at: now,
      updated_at: now,
      completed_at: null,
    };
    const { project_name: _projectName, ...row } = batch;
    if (!(await this.batches.insert(row))) {
      throw new Conflict(`A batch named "${fields.name}" already exists. Batch names are unique; choose another name.`);
    }
    return batch;
  }

  /** The caller's batch by name; 404 when it does not exist in the caller's account and environment. */
  async get(caller: Caller, name: string): Promise<Batch> {
    const batch = await this.batches.findByName(caller.account.id, caller.environment, name);
    if (!batch) throw new NotFound(`No batch named "${name}" exists.`);
    return batch;
  }

  /** The caller's batch by name, or undefined (for callers that decide the error themselves). */
  find(caller: Caller, name: string): Promise<Batch | undefined> {
    return this.batches.findByName(caller.account.id, caller.environment, name);
  }

  findById(caller: Caller, id: string): Promise<Batch | undefined> {
    return this.batches.findById(caller.account.id, caller.environment, id);
  }

  /** The batch and the counts of its tasks by status. */
  async status(caller: Caller, name: string): Promise<{ batch: Batch; counts: TaskStatusCounts }> {
    const batch = await this.get(caller, name);
    return { batch, counts: await this.batches.statusCounts(batch.id) };
  }

  /** v1 finalize: `staging` becomes `in_progress`; in any other state nothing changes (still a success). */
  async finalize(caller: Caller, name: string): Promise<Batch> {
    const batch = await this.get(caller, name);
    if (batch.status !== 'staging') return batch;
    const now = Date.now();
    if (await this.batches.setStatus(batch.id, 'in_progress', now, { from: ['staging'] })) {
      return { ...batch, status: 'in_progress', updated_at: now };
    }
    // Another request moved it first; answer with what is stored now.
    return this.get(caller, name);
  }

  /** Replaces the batch metadata as a whole (no merge). */
  async setMetadata(caller: Caller, name: string, metadata: Record<string, unknown>): Promise<Batch> {
    const batch = await this.get(caller, name);
    const now = Date.now();
    await this.batches.setMetadata(batch.id, metadata, now);
    return { ...batch, metadata, updated_at: now };
  }

  /**
   * Sets the batch priority (10 lowest to 30 highest). Tagwright decision: the priority is stored on
   * the batch; tasks keep their own `priority` field, and the work queue orders not-yet-started
   * tasks of the batch by it.
   */
  async prioritize(caller: Caller, name: string, priorityValue: unknown): Promise<Batch> {
    if (priorityValue === undefined || priorityValue === null) {
      throw new InvalidRequest(`Missing required parameter 'priority': a whole number from ${MIN_BATCH_PRIORITY} (lowest) to ${MAX_BATCH_PRIORITY} (highest).`);
    }
    const priority = readInteger(priorityValue, 'priority')!;
    if (priority < MIN_BATCH_PRIORITY || priority > MAX_BATCH_PRIORITY) {
      throw new InvalidRequest(`Invalid value for 'priority': ${priority}. Use a whole number from ${MIN_BATCH_PRIORITY} (lowest) to ${MAX_BATCH_PRIORITY} (highest).`);
    }
    const batch = await this.get(caller, name);
    const now = Date.now();
    await this.batches.setPriority(batch.id, priority, now);
    return { ...batch, priority, updated_at: now };
  }

  /** One page of batches, newest first, with the total number of matches (and task counts when detailed). */
  async list(caller: Caller, query: BatchListQuery): Promise<BatchListResult> {
    const filters: BatchListFilters = {
      status: query.status,
      createdFrom: query.createdFrom,
      createdTo: query.createdTo,
      excludeArchived: query.excludeArchived,
    };
    if (query.project !== undefined) {
      const project = await this.projects.findByName(caller.account.id, caller.environment, query.project);
      // Tagwright decision (as for GET tasks): an unknown project name matches nothing.
      if (!project) return { batches: [], total: 0, limit: query.limit, offset: query.offset, counts: query.detailed ? new Map() : undefined };
      filters.projectId = project.id;
    }
    const page = await this.batches.list(caller.account.id, caller.environment, filters, { limit: query.limit, offset: query.offset });
    const counts = query.detailed ? await this.batches.statusCountsMany(page.batches.map((batch) => batch.id)) : undefined;
    return { batches: page.batches, total: page.total, limit: query.limit, offset: query.offset, counts };
  }
}
