/** v1 tasks: create, retrieve, cancel, audit, unique_id, metadata, tags, list and count. */
import { ScaleException } from '../core/errors.ts';
import { CursorPage, PagePromise } from '../core/pagination.ts';
import { pathSegment, type Query, type RequestOptions, type Transport } from '../core/transport.ts';
import type {
  JsonObject,
  Task,
  TaskParamsFor,
  TaskResponseFor,
  TaskReviewStatus,
  TaskStatus,
  TaskType,
  Timestamp,
} from '../types.ts';

/** Filters of `GET tasks`, named as the Python SDK's `get_tasks` keywords. */
export interface TaskFilters {
  projectName?: string;
  batchName?: string;
  taskType?: TaskType | (string & {});
  status?: TaskStatus;
  /** One status or several (matched with OR). */
  reviewStatus?: TaskReviewStatus | TaskReviewStatus[];
  /** One value or several (matched with OR); finds a task across all projects. */
  uniqueId?: string | string[];
  /** Tasks carrying any of these tags. */
  tags?: string | string[];
  createdAfter?: Timestamp;
  createdBefore?: Timestamp;
  completedAfter?: Timestamp;
  completedBefore?: Timestamp;
  updatedAfter?: Timestamp;
  updatedBefore?: Timestamp;
}

export interface TaskListParams extends TaskFilters {
  /** Adds signed download URLs for attachments the server holds. */
  includeAttachmentUrl?: boolean;
  /** Each task carries only `task_id`, `status`, `metadata`, `project` (and `otherVersion`). */
  limitedResponse?: boolean;
  /** Page size, 1 to 100 (server default 100). Iteration still covers every page. */
  limit?: number;
  /** Start from the page of this cursor (from an earlier page's `nextToken`). */
  nextToken?: string;
}

/** One page of `GET tasks`: `docs`, `total`, `hasMore`, `nextToken`; iterate it for every task. */
export class TaskPage<R = JsonObject> extends CursorPage<Task<R>> {}

/** A Date as ISO text for the wire; text as given. */
export function timestamp(value: Timestamp | undefined): string | undefined {
  if (value === undefined) return undefined;
  return value instanceof Date ? value.toISOString() : value;
}

/** Maps the SDK's filter names to the wire's query keys (contract 4.1.5). */
export function taskQuery(params: TaskListParams): Query {
  const reviewStatus = params.reviewStatus === undefined ? undefined : ([] as string[]).concat(params.reviewStatus).join(',');
  return {
    project: params.projectName,
    batch: params.batchName,
    type: params.taskType,
    status: params.status,
    customer_review_status: reviewStatus,
    unique_id: params.uniqueId,
    tags: params.tags,
    start_time: timestamp(params.createdAfter),
    end_time: timestamp(params.createdBefore),
    completed_after: timestamp(params.completedAfter),
    completed_before: timestamp(params.completedBefore),
    updated_after: timestamp(params.updatedAfter),
    updated_before: timestamp(params.updatedBefore),
    include_attachment_url: params.includeAttachmentUrl,
    limited_response: params.limitedResponse,
    limit: params.limit,
    next_token: params.nextToken,
  };
}

function taskPath(taskId: string, action?: string): string {
  return `task/${pathSegment(taskId)}${action ? `/${action}` : ''}`;
}

export class Tasks {
  constructor(private readonly transport: Transport) {}

  /**
   * Creates a task of the given type. Safe to retry: the call's idempotency key is reused on
   * retries, and when a retry collides (409) with the `unique_id` its own lost first attempt
   * created, the task is looked up and returned instead of the error.
   */
  create<T extends TaskType | (string & {})>(type: T, params: TaskParamsFor<T>, options?: RequestOptions): Promise<Task<TaskResponseFor<T>>> {
    const uniqueId = typeof params.unique_id === 'string' && params.unique_id !== '' ? params.unique_id : undefined;
    return this.transport.request({
      method: 'POST',
      path: `task/${pathSegment(type)}`,
      body: params,
      options,
      recoverConflict: (conflict) => this.recoverCreated<TaskResponseFor<T>>(conflict, uniqueId, options),
    });
  }

  /** The task an earlier attempt of a create made: by its unique_id, else by a task id in the 409 body. */
  private async recoverCreated<R>(conflict: ScaleException, uniqueId: string | undefined, options?: RequestOptions): Promise<Task<R> | undefined> {
    const lookupOptions = { ...options, idempotencyKey: undefined };
    if (uniqueId !== undefined) {
      const page = await this.list({ uniqueId, limit: 1 }, lookupOptions);
      if (page.docs[0]) return page.docs[0] as Task<R>;
    }
    const body = conflict.body as { task_id?: unknown } | undefined;
    if (typeof body?.task_id === 'string') return (await this.retrieve(body.task_id, lookupOptions)) as Task<R>;
    return undefined;
  }

  /** `GET task/{id}`. */
  retrieve<R = JsonObject>(taskId: string, options?: RequestOptions): Promise<Task<R>> {
    return this.transport.request({ method: 'GET', path: taskPath(taskId), options });
  }

  /** Cancels a task no labeler has started; `clearUniqueId` frees its unique_id at the same time. */
  cancel<R = JsonObject>(taskId: string, params: { clearUniqueId?: boolean } = {}, options?: RequestOptions): Promise<Task<R>> {
    return this.transport.request({
      method: 'POST',
      path: taskPath(taskId, 'cancel'),
      query: { clear_unique_id: params.clearUniqueId ? true : undefined },
      options,
    });
  }

  /** Accepts or rejects a completed task, with an optional comment. */
  audit<R = JsonObject>(taskId: string, accepted: boolean, comments?: string, options?: RequestOptions): Promise<Task<R>> {
    return this.transport.request({ method: 'POST', path: taskPath(taskId, 'audit'), body: { accepted, comments: comments ?? null }, options });
  }

  updateUniqueId<R = JsonObject>(taskId: string, uniqueId: string, options?: RequestOptions): Promise<Task<R>> {
    return this.transport.request({ method: 'POST', path: taskPath(taskId, 'unique_id'), body: { unique_id: uniqueId }, options });
  }

  clearUniqueId<R = JsonObject>(taskId: string, options?: RequestOptions): Promise<Task<R>> {
    return this.transport.request({ method: 'DELETE', path: taskPath(taskId, 'unique_id'), options });
  }

  /** Replaces the task's metadata as a whole. */
  setMetadata<R = JsonObject>(taskId: string, metadata: JsonObject, options?: RequestOptions): Promise<Task<R>> {
    return this.transport.request({ method: 'POST', path: taskPath(taskId, 'setMetadata'), body: metadata, options });
  }

  /** Replaces the task's tags with exactly this list. */
  setTags<R = JsonObject>(taskId: string, tags: string[], options?: RequestOptions): Promise<Task<R>> {
    return this.transport.request({ method: 'POST', path: taskPath(taskId, 'tags'), body: tags, options });
  }

  /** Appends the tags the task does not carry yet. */
  addTags<R = JsonObject>(taskId: string, tags: string[], options?: RequestOptions): Promise<Task<R>> {
    return this.transport.request({ method: 'PUT', path: taskPath(taskId, 'tags'), body: tags, options });
  }

  /** Removes these tags; unknown ones are ignored. */
  deleteTags<R = JsonObject>(taskId: string, tags: string[], options?: RequestOptions): Promise<Task<R>> {
    return this.transport.request({ method: 'DELETE', path: taskPath(taskId, 'tags'), body: tags, options });
  }

  /** Lists tasks, newest first: await for one page, `for await` for every task across pages. */
  list<R = JsonObject>(params: TaskListParams = {}, options?: RequestOptions): PagePromise<TaskPage<R>, Task<R>> {
    return new PagePromise(this.transport, { method: 'GET', path: 'tasks', query: taskQuery(params), options }, TaskPage<R>);
  }

  /** The number of tasks matching the filters (one request with `limit=1`). */
  async count(params: TaskFilters = {}, options?: RequestOptions): Promise<number> {
    const page = await this.list({ ...params, limit: 1 }, options);
    return page.total;
  }
}
