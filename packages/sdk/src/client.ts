/**
 * The client. Resources hang off it (`client.tasks.list()`), and the Python SDK's methods are
 * available under camelCase names (`client.getTasks()`, `client.createBatch()`) for code ported
 * from `scaleapi`; each flat method delegates to a resource.
 */
import { DEFAULT_RETRY_POLICY } from './core/retries.ts';
import { DEFAULT_BASE_URL, DEFAULT_TIMEOUT_MS, SDK_VERSION, Transport, type RequestOptions } from './core/transport.ts';
import type { PagePromise } from './core/pagination.ts';
import { Batches, type BatchCreateParams, type BatchListParams, type BatchPage } from './resources/batches.ts';
import { Exports } from './resources/exports.ts';
import { Files, type FileImportParams, type FileUploadParams, type Uploadable } from './resources/files.ts';
import { Projects, type ProjectCreateParams, type ProjectUpdateParams } from './resources/projects.ts';
import { EvaluationTasks, TrainingTasks, type EvaluationTaskParams, type TrainingTaskParams } from './resources/quality-tasks.ts';
import { Studio } from './resources/studio.ts';
import { Tasks, type TaskFilters, type TaskListParams, type TaskPage } from './resources/tasks.ts';
import { Teams } from './resources/teams.ts';
import { V2, type V2TaskListParams, type V2TaskPage } from './resources/v2.ts';
import type {
  Batch,
  BatchStatusCounts,
  FileObject,
  JsonObject,
  Project,
  ProjectTemplate,
  QualityTask,
  StudioAssignments,
  StudioBatch,
  StudioProjectGroup,
  Task,
  TaskParamsFor,
  TaskResponseFor,
  TaskType,
  Teammate,
  TeammateRole,
  V2Task,
} from './types.ts';

export interface ClientOptions {
  /** The API key; default the `TAGWRIGHT_API_KEY` environment variable. */
  apiKey?: string;
  /**
   * The v1 base URL, `/v1` included: `http://host:8080/v1` for a Tagwright server. Default
   * Scale's own `https://api.scale.com/v1`.
   */
  baseUrl?: string;
  /** The v2 host (paths add `/v2`); default `baseUrl` without its trailing `/v1`. */
  v2BaseUrl?: string;
  /** The fetch implementation; default the runtime's global fetch. */
  fetch?: typeof fetch;
  /** Per-attempt timeout in ms; default 60 000. */
  timeout?: number;
  /** Retries after the first attempt on 408, 429, 5xx and connection errors; default 3. */
  maxRetries?: number;
  /** Wait before the first retry when the server sends no Retry-After; default 500 ms, doubled each retry. */
  initialRetryDelayMs?: number;
  /** Cap of the computed wait between retries; default 8 000 ms. */
  maxRetryDelayMs?: number;
  /** Headers sent with every request. */
  defaultHeaders?: Record<string, string>;
  /** Appended to the User-Agent, like the Python SDK's `source` argument. */
  source?: string;
}

/** Node, Bun and Deno have `process`; browsers do not, and the client must load there too. */
const runtimeProcess = (globalThis as { process?: { env?: Record<string, string | undefined>; version?: string } }).process;

/** `Node/20.19.0` (Bun and Deno report their Node compatibility version), or nothing in a browser. */
function runtimeTag(): string {
  return runtimeProcess?.version ? ` Node/${runtimeProcess.version.replace(/^v/, '')}` : '';
}

function v2BaseFrom(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, '').replace(/\/v1$/, '');
}

export class Tagwright {
  readonly tasks: Tasks;
  readonly batches: Batches;
  readonly projects: Projects;
  readonly files: Files;
  /** Tagwright's streamed task exports (JSONL, CSV, COCO, YOLO, VOC). */
  readonly exports: Exports;
  readonly teams: Teams;
  readonly studio: Studio;
  readonly evaluationTasks: EvaluationTasks;
  readonly trainingTasks: TrainingTasks;
  readonly v2: V2;
  readonly baseUrl: string;

  /** `new Tagwright({apiKey, baseUrl})`, or `new Tagwright(apiKey, {baseUrl})` as in `ScaleClient(key, ...)`. */
  constructor(apiKeyOrOptions?: string | ClientOptions, maybeOptions: ClientOptions = {}) {
    const options = typeof apiKeyOrOptions === 'string' ? { ...maybeOptions, apiKey: apiKeyOrOptions } : { ...apiKeyOrOptions };
    const apiKey = options.apiKey ?? runtimeProcess?.env?.TAGWRIGHT_API_KEY;
    if (!apiKey) throw new Error('No API key: pass apiKey (or the first argument), or set TAGWRIGHT_API_KEY.');
    this.baseUrl = options.baseUrl ?? DEFAULT_BASE_URL;
    const userAgent = `tagwright-sdk/${SDK_VERSION}${runtimeTag()}${options.source ? ` ${options.source}` : ''}`;
    const transport = new Transport({
      apiKey,
      baseUrl: this.baseUrl,
      v2BaseUrl: options.v2BaseUrl ?? v2BaseFrom(this.baseUrl),
      // Called through a wrapper: a browser's fetch throws "Illegal invocation" when called as a method of another object.
      fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
      timeout: options.timeout ?? DEFAULT_TIMEOUT_MS,
      retry: {
        maxRetries: options.maxRetries ?? DEFAULT_RETRY_POLICY.maxRetries,
        initialDelayMs: options.initialRetryDelayMs ?? DEFAULT_RETRY_POLICY.initialDelayMs,
        maxDelayMs: options.maxRetryDelayMs ?? DEFAULT_RETRY_POLICY.maxDelayMs,
      },
      defaultHeaders: options.defaultHeaders ?? {},
      userAgent,
    });
    this.tasks = new Tasks(transport);
    this.batches = new Batches(transport);
    this.projects = new Projects(transport);
    this.files = new Files(transport);
    this.exports = new Exports(transport);
    this.teams = new Teams(transport);
    this.studio = new Studio(transport);
    this.evaluationTasks = new EvaluationTasks(transport);
    this.trainingTasks = new TrainingTasks(transport);
    this.v2 = new V2(transport);
  }

  // ---------------------------------------------------------------- tasks (Python: create_task, get_task, ...)

  createTask<T extends TaskType | (string & {})>(taskType: T, params: TaskParamsFor<T>, options?: RequestOptions): Promise<Task<TaskResponseFor<T>>> {
    return this.tasks.create(taskType, params, options);
  }
  getTask<R = JsonObject>(taskId: string, options?: RequestOptions): Promise<Task<R>> {
    return this.tasks.retrieve<R>(taskId, options);
  }
  cancelTask<R = JsonObject>(taskId: string, clearUniqueId = false, options?: RequestOptions): Promise<Task<R>> {
    return this.tasks.cancel<R>(taskId, { clearUniqueId }, options);
  }
  auditTask<R = JsonObject>(taskId: string, accepted: boolean, comments?: string, options?: RequestOptions): Promise<Task<R>> {
    return this.tasks.audit<R>(taskId, accepted, comments, options);
  }
  updateTaskUniqueId<R = JsonObject>(taskId: string, uniqueId: string, options?: RequestOptions): Promise<Task<R>> {
    return this.tasks.updateUniqueId<R>(taskId, uniqueId, options);
  }
  clearTaskUniqueId<R = JsonObject>(taskId: string, options?: RequestOptions): Promise<Task<R>> {
    return this.tasks.clearUniqueId<R>(taskId, options);
  }
  setTaskMetadata<R = JsonObject>(taskId: string, metadata: JsonObject, options?: RequestOptions): Promise<Task<R>> {
    return this.tasks.setMetadata<R>(taskId, metadata, options);
  }
  setTaskTags<R = JsonObject>(taskId: string, tags: string[], options?: RequestOptions): Promise<Task<R>> {
    return this.tasks.setTags<R>(taskId, tags, options);
  }
  addTaskTags<R = JsonObject>(taskId: string, tags: string[], options?: RequestOptions): Promise<Task<R>> {
    return this.tasks.addTags<R>(taskId, tags, options);
  }
  deleteTaskTags<R = JsonObject>(taskId: string, tags: string[], options?: RequestOptions): Promise<Task<R>> {
    return this.tasks.deleteTags<R>(taskId, tags, options);
  }
  /**
   * Every matching task: `for await (const task of client.getTasks({projectName}))` walks all
   * pages one at a time. Like the Python SDK, attachment URLs are included unless turned off.
   */
  getTasks<R = JsonObject>(params: TaskListParams = {}, options?: RequestOptions): PagePromise<TaskPage<R>, Task<R>> {
    return this.tasks.list<R>({ includeAttachmentUrl: true, ...params }, options);
  }
  getTasksCount(params: TaskFilters = {}, options?: RequestOptions): Promise<number> {
    return this.tasks.count(params, options);
  }

  // ---------------------------------------------------------------- batches

  createBatch(params: BatchCreateParams, options?: RequestOptions): Promise<Batch> {
    return this.batches.create(params, options);
  }
  finalizeBatch(batchName: string, options?: RequestOptions): Promise<Batch> {
    return this.batches.finalize(batchName, options);
  }
  batchStatus(batchName: string, options?: RequestOptions): Promise<BatchStatusCounts> {
    return this.batches.status(batchName, options);
  }
  getBatch(batchName: string, options?: RequestOptions): Promise<Batch> {
    return this.batches.retrieve(batchName, options);
  }
  setBatchMetadata(batchName: string, metadata: JsonObject, options?: RequestOptions): Promise<Batch> {
    return this.batches.setMetadata(batchName, metadata, options);
  }
  /** Every matching batch across pages with `for await`; awaiting gives the first page. */
  getBatches(params: BatchListParams = {}, options?: RequestOptions): PagePromise<BatchPage, Batch> {
    return this.batches.list(params, options);
  }
  /** One page of batches (`docs`, `totalDocs`, `hasMore`), as the Python SDK's `list_batches`. */
  listBatches(params: BatchListParams = {}, options?: RequestOptions): PagePromise<BatchPage, Batch> {
    return this.batches.list(params, options);
  }

  // ---------------------------------------------------------------- projects

  createProject(params: ProjectCreateParams, options?: RequestOptions): Promise<Project> {
    return this.projects.create(params, options);
  }
  getProject(projectName: string, options?: RequestOptions): Promise<Project> {
    return this.projects.retrieve(projectName, options);
  }
  getProjects(params: { archived?: boolean } = {}, options?: RequestOptions): Promise<Project[]> {
    return this.projects.list(params, options);
  }
  updateProject(projectName: string, params: ProjectUpdateParams, options?: RequestOptions): Promise<Project> {
    return this.projects.update(projectName, params, options);
  }
  getProjectTemplate(projectName: string, options?: RequestOptions): Promise<ProjectTemplate> {
    return this.projects.template(projectName, options);
  }

  // ---------------------------------------------------------------- files

  uploadFile(file: Uploadable, params: FileUploadParams = {}, options?: RequestOptions): Promise<FileObject> {
    return this.files.upload(file, params, options);
  }
  importFile(fileUrl: string, params: FileImportParams = {}, options?: RequestOptions): Promise<FileObject> {
    return this.files.import(fileUrl, params, options);
  }

  // ---------------------------------------------------------------- teammates

  listTeammates(options?: RequestOptions): Promise<Teammate[]> {
    return this.teams.list(options);
  }
  inviteTeammates(emails: string[], role: TeammateRole, options?: RequestOptions): Promise<Teammate[]> {
    return this.teams.invite(emails, role, options);
  }
  updateTeammatesRole(emails: string[], role: TeammateRole, options?: RequestOptions): Promise<Teammate[]> {
    return this.teams.setRole(emails, role, options);
  }

  // ---------------------------------------------------------------- studio

  listStudioAssignments(options?: RequestOptions): Promise<StudioAssignments> {
    return this.studio.listAssignments(options);
  }
  addStudioAssignments(emails: string[], projects: string[], options?: RequestOptions): Promise<StudioAssignments> {
    return this.studio.addAssignments(emails, projects, options);
  }
  removeStudioAssignments(emails: string[], projects: string[], options?: RequestOptions): Promise<StudioAssignments> {
    return this.studio.removeAssignments(emails, projects, options);
  }
  listProjectGroups(project: string, options?: RequestOptions): Promise<StudioProjectGroup[]> {
    return this.studio.listProjectGroups(project, options);
  }
  createProjectGroup(project: string, emails: string[], groupName: string, options?: RequestOptions): Promise<StudioProjectGroup> {
    return this.studio.createProjectGroup(project, emails, groupName, options);
  }
  updateProjectGroup(project: string, groupName: string, addEmails: string[] = [], removeEmails: string[] = [], options?: RequestOptions): Promise<StudioProjectGroup> {
    return this.studio.updateProjectGroup(project, groupName, addEmails, removeEmails, options);
  }
  listStudioBatches(options?: RequestOptions): Promise<StudioBatch[]> {
    return this.studio.listBatches(options);
  }
  assignStudioBatches(batchName: string, groupNames: string[], options?: RequestOptions): Promise<StudioBatch> {
    return this.studio.assignBatch(batchName, groupNames, options);
  }
  setStudioBatchesPriorities(batchNames: string[], options?: RequestOptions): Promise<StudioBatch[]> {
    return this.studio.setBatchPriorities(batchNames, options);
  }
  resetStudioBatchesPriorities(options?: RequestOptions): Promise<StudioBatch[]> {
    return this.studio.resetBatchPriorities(options);
  }

  // ---------------------------------------------------------------- evaluation and training tasks

  createEvaluationTask<T extends TaskType | (string & {})>(taskType: T, params: EvaluationTaskParams<T>, options?: RequestOptions): Promise<QualityTask> {
    return this.evaluationTasks.create(taskType, params, options);
  }
  createTrainingTask<T extends TaskType | (string & {})>(taskType: T, params: TrainingTaskParams<T>, options?: RequestOptions): Promise<QualityTask> {
    return this.trainingTasks.create(taskType, params, options);
  }

  // ---------------------------------------------------------------- v2

  /** Every v2 task of a project or batch with `for await` (Python: `v2_get_tasks`). */
  v2GetTasks(params: V2TaskListParams, options?: RequestOptions): PagePromise<V2TaskPage, V2Task> {
    return this.v2.getTasks(params, options);
  }
}

/** The same class under the Python SDK's name, for ported code. */
export { Tagwright as ScaleClient };
