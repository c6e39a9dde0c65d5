/**
 * The v2 API (`/v2/...`, Bearer auth): tasks, chat tasks, batches with pause/resume/cancel,
 * projects, deliveries, annotations and the optional dataset endpoints. Projects and batches are
 * addressed by id or by name.
 */
import { PagePromise, TokenPage } from '../core/pagination.ts';
import { pathSegment, type Query, type RequestOptions, type Transport } from '../core/transport.ts';
import type {
  BatchStatus,
  JsonObject,
  Timestamp,
  V2Annotation,
  V2Batch,
  V2BatchOperationResult,
  V2Dataset,
  V2DatasetTask,
  V2Delivery,
  V2DeliveryTask,
  V2Expand,
  V2Project,
  V2Task,
  V2TaskStatus,
} from '../types.ts';

export interface ProjectRef {
  projectId?: string;
  projectName?: string;
}
export interface BatchRef {
  batchId?: string;
  batchName?: string;
}
interface Expandable {
  /** Return these references as full objects instead of id strings. */
  expand?: V2Expand[];
}
interface Paged {
  /** Page size, 1 to 100. */
  limit?: number;
  /** Start from this cursor. */
  nextToken?: string;
}

export interface V2TaskListParams extends ProjectRef, BatchRef, Expandable, Paged {
  status?: V2TaskStatus;
  completedAfter?: Timestamp;
  completedBefore?: Timestamp;
  opts?: string[];
}
export interface V2BatchListParams extends ProjectRef, Expandable, Paged {
  status?: BatchStatus;
  createdAfter?: Timestamp;
  createdBefore?: Timestamp;
  completedAfter?: Timestamp;
  completedBefore?: Timestamp;
}
export interface V2ChatTaskParams extends ProjectRef, BatchRef {
  templateVariables?: JsonObject;
  metadata?: JsonObject;
  callbackUrl?: string;
}
export interface V2BatchCreateParams extends ProjectRef {
  name: string;
  callback?: string;
  /** Start in `staging` until finalized. */
  stagingBatch?: boolean;
  metadata?: JsonObject;
}
export interface V2DeliveryParams extends ProjectRef, Expandable, Paged {
  deliveryId?: string;
  deliveryName?: string;
  opts?: string[];
}
export interface V2DeliveredTaskParams extends ProjectRef, Paged {
  deliveryId?: string;
  status?: V2TaskStatus;
  completedAfter?: Timestamp;
  completedBefore?: Timestamp;
}

export class V2TaskPage extends TokenPage<V2Task> {
  protected readonly itemsKey = 'tasks';
}
export class V2BatchPage extends TokenPage<V2Batch> {
  protected readonly itemsKey = 'batches';
}
/** `GET /v2/delivery`: the delivery plus a page of its tasks. */
export class V2DeliveryPage extends TokenPage<V2Task> {
  protected readonly itemsKey = 'tasks';
  get delivery(): V2Delivery | undefined {
    return (this.body as { delivery?: V2Delivery }).delivery;
  }
}
export class V2DeliveredTaskPage extends TokenPage<V2DeliveryTask> {
  protected readonly itemsKey = 'docs';
}
export class V2DatasetTaskPage extends TokenPage<V2DatasetTask> {
  protected readonly itemsKey = 'tasks';
}

function timestamp(value: Timestamp | undefined): string | undefined {
  return value instanceof Date ? value.toISOString() : value;
}

function refs(params: ProjectRef & BatchRef): Query {
  return { project_id: params.projectId, project_name: params.projectName, batch_id: params.batchId, batch_name: params.batchName };
}

function batchBody(ref: BatchRef): JsonObject {
  const body: JsonObject = {};
  if (ref.batchId !== undefined) body.batch_id = ref.batchId;
  if (ref.batchName !== undefined) body.batch_name = ref.batchName;
  return body;
}

export class V2 {
  constructor(private readonly transport: Transport) {}

  getTask(taskId: string, params: Expandable & { opts?: string[] } = {}, options?: RequestOptions): Promise<V2Task> {
    return this.transport.request({ api: 'v2', method: 'GET', path: '/v2/task', query: { task_id: taskId, expand: params.expand, opts: params.opts }, options });
  }

  /** Tasks of a project or batch (one of them is required): await for a page, `for await` for all. */
  getTasks(params: V2TaskListParams, options?: RequestOptions): PagePromise<V2TaskPage, V2Task> {
    const query: Query = {
      ...refs(params),
      status: params.status,
      completed_after: timestamp(params.completedAfter),
      completed_before: timestamp(params.completedBefore),
      limit: params.limit,
      next_token: params.nextToken,
      expand: params.expand,
      opts: params.opts,
    };
    return new PagePromise(this.transport, { api: 'v2', method: 'GET', path: '/v2/tasks', query, options }, V2TaskPage);
  }

  createChatTask(params: V2ChatTaskParams, options?: RequestOptions): Promise<V2Task> {
    const body: JsonObject = {};
    for (const [key, value] of Object.entries({ ...refs(params), template_variables: params.templateVariables, metadata: params.metadata, callback_url: params.callbackUrl })) {
      if (value !== undefined) body[key] = value;
    }
    return this.transport.request({ api: 'v2', method: 'POST', path: '/v2/task/chat', body, options });
  }

  /** Replaces the metadata, or deep-merges it with `merge: true`. */
  setTaskMetadata(taskId: string, metadata: JsonObject, params: { merge?: boolean } = {}, options?: RequestOptions): Promise<V2Task> {
    const body = { task_id: taskId, metadata, merge: params.merge ?? false };
    return this.transport.request({ api: 'v2', method: 'POST', path: '/v2/task/metadata', body, options });
  }

  getBatch(params: BatchRef & Expandable, options?: RequestOptions): Promise<V2Batch> {
    const query = { batch_id: params.batchId, batch_name: params.batchName, expand: params.expand };
    return this.transport.request({ api: 'v2', method: 'GET', path: '/v2/batch', query, options });
  }

  getBatches(params: V2BatchListParams = {}, options?: RequestOptions): PagePromise<V2BatchPage, V2Batch> {
    const query: Query = {
      project_id: params.projectId,
      project_name: params.projectName,
      status: params.status,
      created_after: timestamp(params.createdAfter),
      created_before: timestamp(params.createdBefore),
      completed_after: timestamp(params.completedAfter),
      completed_before: timestamp(params.completedBefore),
      limit: params.limit,
      next_token: params.nextToken,
      expand: params.expand,
    };
    return new PagePromise(this.transport, { api: 'v2', method: 'GET', path: '/v2/batches', query, options }, V2BatchPage);
  }

  createBatch(params: V2BatchCreateParams, options?: RequestOptions): Promise<V2Batch> {
    const body: JsonObject = { name: params.name, staging_batch: params.stagingBatch ?? false };
    if (params.projectId !== undefined) body.project_id = params.projectId;
    if (params.projectName !== undefined) body.project_name = params.projectName;
    if (params.callback !== undefined) body.callback = params.callback;
    if (params.metadata !== undefined) body.metadata = params.metadata;
    return this.transport.request({
      api: 'v2',
      method: 'POST',
      path: '/v2/batch',
      body,
      options,
      // A retry that collides with the batch its own lost first attempt created gets that batch.
      recoverConflict: () => this.getBatch({ batchName: params.name }, { ...options, idempotencyKey: undefined }),
    });
  }

  /** `staging` to `in_progress`; `ScaleInvalidRequest` from any other state. */
  finalizeBatch(ref: BatchRef, options?: RequestOptions): Promise<V2Batch> {
    return this.transport.request({ api: 'v2', method: 'POST', path: '/v2/batch/finalize', body: batchBody(ref), options });
  }

  pauseBatch(ref: BatchRef, options?: RequestOptions): Promise<V2BatchOperationResult> {
    return this.transport.request({ api: 'v2', method: 'POST', path: '/v2/batch/pause', body: batchBody(ref), options });
  }

  resumeBatch(ref: BatchRef, options?: RequestOptions): Promise<V2BatchOperationResult> {
    return this.transport.request({ api: 'v2', method: 'POST', path: '/v2/batch/resume', body: batchBody(ref), options });
  }

  /** Cancels the batch; its tasks that have not started become `canceled`. */
  cancelBatch(ref: BatchRef, options?: RequestOptions): Promise<V2BatchOperationResult> {
    return this.transport.request({ api: 'v2', method: 'POST', path: '/v2/batch/cancel', body: batchBody(ref), options });
  }

  setBatchMetadata(ref: BatchRef, metadata: JsonObject, params: { merge?: boolean } = {}, options?: RequestOptions): Promise<V2Batch> {
    const body = { ...batchBody(ref), metadata, merge: params.merge ?? false };
    return this.transport.request({ api: 'v2', method: 'POST', path: '/v2/batch/metadata', body, options });
  }

  getProject(ref: ProjectRef, options?: RequestOptions): Promise<V2Project> {
    return this.transport.request({ api: 'v2', method: 'GET', path: '/v2/project', query: { project_id: ref.projectId, project_name: ref.projectName }, options });
  }

  getProjects(params: { createdAfter?: Timestamp; createdBefore?: Timestamp } = {}, options?: RequestOptions): Promise<{ projects: V2Project[] }> {
    const query = { created_after: timestamp(params.createdAfter), created_before: timestamp(params.createdBefore) };
    return this.transport.request({ api: 'v2', method: 'GET', path: '/v2/projects', query, options });
  }

  getAnnotation(annotationId: string, options?: RequestOptions): Promise<V2Annotation> {
    return this.transport.request({ api: 'v2', method: 'GET', path: '/v2/annotation', query: { annotation_id: annotationId }, options });
  }

  getDeliveries(
    params: ProjectRef & Expandable & { deliveredAfter?: Timestamp; deliveredBefore?: Timestamp } = {},
    options?: RequestOptions,
  ): Promise<{ deliveries: V2Delivery[] }> {
    const query = {
      project_id: params.projectId,
      project_name: params.projectName,
      delivered_after: timestamp(params.deliveredAfter),
      delivered_before: timestamp(params.deliveredBefore),
      expand: params.expand,
    };
    return this.transport.request({ api: 'v2', method: 'GET', path: '/v2/deliveries', query, options });
  }

  /** A delivery and its tasks: the page's `delivery`, and every task with `for await`. */
  getDelivery(params: V2DeliveryParams, options?: RequestOptions): PagePromise<V2DeliveryPage, V2Task> {
    const query: Query = {
      delivery_id: params.deliveryId,
      delivery_name: params.deliveryName,
      project_id: params.projectId,
      project_name: params.projectName,
      limit: params.limit,
      next_token: params.nextToken,
      expand: params.expand,
      opts: params.opts,
    };
    return new PagePromise(this.transport, { api: 'v2', method: 'GET', path: '/v2/delivery', query, options }, V2DeliveryPage);
  }

  /** Delivered tasks with their responses (`GET /v2/delivery/tasks`). */
  getDeliveredTasks(params: V2DeliveredTaskParams = {}, options?: RequestOptions): PagePromise<V2DeliveredTaskPage, V2DeliveryTask> {
    const query: Query = {
      delivery_id: params.deliveryId,
      project_id: params.projectId,
      project_name: params.projectName,
      status: params.status,
      completed_after: timestamp(params.completedAfter),
      completed_before: timestamp(params.completedBefore),
      limit: params.limit,
      next_token: params.nextToken,
    };
    return new PagePromise(this.transport, { api: 'v2', method: 'GET', path: '/v2/delivery/tasks', query, options }, V2DeliveredTaskPage);
  }

  getDatasets(options?: RequestOptions): Promise<{ datasets: V2Dataset[] }> {
    return this.transport.request({ api: 'v2', method: 'GET', path: '/v2/datasets', options });
  }

  getDatasetDeliveries(
    params: Expandable & { datasetId?: string; deliveredAfter?: Timestamp; deliveredBefore?: Timestamp } = {},
    options?: RequestOptions,
  ): Promise<{ deliveries: unknown[] }> {
    const query = {
      dataset_id: params.datasetId,
      delivered_after: timestamp(params.deliveredAfter),
      delivered_before: timestamp(params.deliveredBefore),
      expand: params.expand,
    };
    return this.transport.request({ api: 'v2', method: 'GET', path: '/v2/datasets/deliveries', query, options });
  }

  getDatasetDelivery(params: Expandable & Paged & { deliveryId?: string } = {}, options?: RequestOptions): PagePromise<V2DatasetTaskPage, V2DatasetTask> {
    const query = { delivery_id: params.deliveryId, limit: params.limit, next_token: params.nextToken, expand: params.expand };
    return new PagePromise(this.transport, { api: 'v2', method: 'GET', path: '/v2/datasets/delivery', query, options }, V2DatasetTaskPage);
  }

  getDatasetTask(taskId: string, params: Expandable = {}, options?: RequestOptions): Promise<V2DatasetTask> {
    return this.transport.request({ api: 'v2', method: 'GET', path: '/v2/datasets/task', query: { task_id: taskId, expand: params.expand }, options });
  }

  getDatasetTasks(
    params: Expandable & Paged & { datasetId?: string; deliveryId?: string; deliveredAfter?: Timestamp; deliveredBefore?: Timestamp } = {},
    options?: RequestOptions,
  ): PagePromise<V2DatasetTaskPage, V2DatasetTask> {
    const query: Query = {
      dataset_id: params.datasetId,
      delivery_id: params.deliveryId,
      delivered_after: timestamp(params.deliveredAfter),
      delivered_before: timestamp(params.deliveredBefore),
      limit: params.limit,
      next_token: params.nextToken,
      expand: params.expand,
    };
    return new PagePromise(this.transport, { api: 'v2', method: 'GET', path: '/v2/datasets/tasks', query, options }, V2DatasetTaskPage);
  }

  /** The download URL of a dataset task's response attachment (the server answers with a redirect). */
  async getDatasetTaskResponseUrl(taskId: string, attachmentId: string, options?: RequestOptions): Promise<string> {
    const path = `/v2/datasets/task/${pathSegment(taskId)}/response_url/${pathSegment(attachmentId)}`;
    const answer = await this.transport.request<{ url: string }>({ api: 'v2', method: 'GET', path, manualRedirect: true, options });
    return answer.url;
  }

  getSchema(schemaId: string, options?: RequestOptions): Promise<{ schema: JsonObject }> {
    return this.transport.request({ api: 'v2', method: 'GET', path: '/v2/schema', query: { schema_id: schemaId }, options });
  }
}
