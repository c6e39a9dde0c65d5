import type { Db } from '../db/connect.ts';
import type { TaskStatus } from '../db/tables/tasks.ts';
import type { Caller } from './account.service.ts';
import type { TaskService } from './task.service.ts';
import { TaskRepository, type Task, type TaskFilters } from '../repositories/task.repository.ts';
import { InvalidRequest } from '../domain/errors.ts';
import { isPlainObject, readBoolean, readString } from '../domain/lenient.ts';
import { CHAT_TASK_TYPES } from '../domain/task-types.ts';
import { decodePageToken, encodePageToken } from './v2-page.ts';
import { readBatchRef, readProjectRef, type V2Ref, type V2References } from './v2-references.ts';

/** v2 task status (contract 5.2): the v1 values plus `deleted`, which Tagwright never sets (it deletes no task). */
export type V2TaskStatus = TaskStatus | 'deleted';
export const V2_TASK_STATUSES: readonly V2TaskStatus[] = ['pending', 'completed', 'canceled', 'error', 'deleted'];

export interface V2TaskListQuery {
  project: V2Ref;
  batch: V2Ref;
  status?: V2TaskStatus;
  completedFrom?: number;
  completedTo?: number;
  limit: number;
  nextToken?: string;
}

/**
 * The v2 view of customer tasks (contract 9.2): reads by id, keyset lists of a project or batch,
 * metadata with merge, and chat task creation. Tasks are the v1 rows; every change goes through
 * TaskService and the task lifecycle, so v1 and v2 always show the same data.
 */
export class V2TaskService {
  private readonly repository: TaskRepository;

  constructor(
    db: Db,
    private readonly tasks: TaskService,
    private readonly references: V2References,
  ) {
    this.repository = new TaskRepository(db.kysely, db.dialect);
  }

  /** `GET /v2/task`: 404 unless the task is in the caller's account and environment. */
  get(caller: Caller, taskId: string | undefined): Promise<Task> {
    if (!taskId) throw new InvalidRequest("Missing required parameter 'task_id'.");
    return this.tasks.get(caller, taskId);
  }

  /**
   * `GET /v2/tasks`: the tasks of a project or batch (at least one is required), newest first, by
   * keyset; `nextToken` is undefined on the last page.
   */
  async list(caller: Caller, query: V2TaskListQuery): Promise<{ tasks: Task[]; nextToken?: string }> {
    const named = [query.project.id, query.project.name, query.batch.id, query.batch.name].some((value) => value !== undefined);
    if (!named) throw new InvalidRequest("Missing required parameter: give at least one of 'project_id', 'project_name', 'batch_id' or 'batch_name'.");
    const token = decodePageToken(query.nextToken, { c: 'time', i: 'id' });
    const [project, batch] = await Promise.all([this.references.optionalProject(caller, query.project), this.references.optionalBatch(caller, query.batch)]);
    // A batch outside the named project, or the status `deleted`, matches nothing.
    if ((project && batch && batch.project_id !== project.id) || query.status === 'deleted') return { tasks: [] };
    const filters: TaskFilters = {
      projectId: project?.id,
      batchId: batch?.id,
      status: query.status as TaskStatus | undefined,
      completedFrom: query.completedFrom,
      completedTo: query.completedTo,
    };
    const rows = await this.repository.list(caller.account.id, caller.environment, filters, {
      limit: query.limit + 1,
      after: token && { createdAt: token.c as number, id: token.i as string },
    });
    const tasks = rows.slice(0, query.limit);
    const last = tasks.at(-1);
    const nextToken = rows.length > query.limit && last ? encodePageToken({ c: last.created_at, i: last.id }) : undefined;
    return { tasks, nextToken };
  }

  /** `POST /v2/task/metadata`: `{task_id, metadata, merge}`; `merge` deep-merges, otherwise the object is replaced. */
  async setMetadata(caller: Caller, body: Record<string, unknown>): Promise<Task> {
    const taskId = readString(body.task_id, 'task_id');
    if (!taskId) throw new InvalidRequest("Missing required parameter 'task_id'.");
    const metadata = readMetadata(body.metadata);
    const merge = readBoolean(body.merge, 'merge') ?? false;
    return merge ? this.tasks.mergeMetadata(caller, taskId, metadata) : this.tasks.setMetadata(caller, taskId, metadata);
  }

  /**
   * `POST /v2/task/chat`: a task in a chat-family project (the project's own type), placed by
   * project or batch id or name, created exactly as `POST task/{type}` creates it (same defaults,
   * Idempotency-Key, test-mode completion). `template_variables` (and `conversation`) are stored in `params`.
   */
  async createChat(caller: Caller, body: Record<string, unknown>, options: { idempotencyKey?: string }): Promise<Task> {
    const batch = await this.references.optionalBatch(caller, readBatchRef(body), 'invalid');
    const projectRef = readProjectRef(body);
    const project = (await this.references.optionalProject(caller, projectRef, 'invalid')) ?? (batch && (await this.references.project(caller, { id: batch.project_id }, 'invalid')));
    if (!project) throw new InvalidRequest("Missing required parameter: give 'project_id', 'project_name', 'batch_id' or 'batch_name'.");
    if (!(CHAT_TASK_TYPES as readonly string[]).includes(project.type)) {
      throw new InvalidRequest(`Invalid value for 'project': project "${project.name}" holds ${project.type} tasks; chat tasks need a project of type ${CHAT_TASK_TYPES.join(', ')}.`);
    }
    if (body.template_variables !== undefined && body.template_variables !== null && !isPlainObject(body.template_variables)) {
      throw new InvalidRequest("Invalid value for 'template_variables': expected a JSON object.");
    }
    const request: Record<string, unknown> = { project: project.name };
    if (batch) request.batch = batch.name;
    // `conversation` is Tagwright's way to open the thread for the labeler (docs/chat.md).
    for (const key of ['metadata', 'callback_url', 'template_variables', 'conversation'] as const) {
      if (body[key] !== undefined && body[key] !== null) request[key] = body[key];
    }
    return this.tasks.create(caller, project.type, request, options);
  }
}

/** A required `metadata` object. */
export function readMetadata(value: unknown): Record<string, unknown> {
  if (value === undefined || value === null) throw new InvalidRequest("Missing required parameter 'metadata': the metadata object.");
  if (!isPlainObject(value)) throw new InvalidRequest("Invalid value for 'metadata': expected a JSON object.");
  return value;
}
