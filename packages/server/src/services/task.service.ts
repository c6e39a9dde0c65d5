import type { Kysely } from 'kysely';
import type { Config } from '../config.ts';
import type { Db } from '../db/connect.ts';
import type { Database } from '../db/schema.ts';
import type { TaskStatus } from '../db/tables/tasks.ts';
import type { Caller } from './account.service.ts';
import { StaleProject, TaskRepository, type CheckedInsert, type ProjectCheck, type StoredTask, type Task, type TaskCursor, type TaskFilters } from '../repositories/task.repository.ts';
import type { Project, ProjectRepository } from '../repositories/project.repository.ts';
import type { Batch, BatchRepository } from '../repositories/batch.repository.ts';
import type { UserRepository } from '../repositories/user.repository.ts';
import type { AttachmentLinks } from '../presenters/task.presenter.ts';
import { Conflict, InvalidRequest, NotEnabled, NotFound } from '../domain/errors.ts';
import { newId } from '../domain/ids.ts';
import { checkIndexedLength, isPlainObject, objectBody, readBoolean, readString } from '../domain/lenient.ts';
import { TASK_TYPES, isTaskType, type TaskType } from '../domain/task-types.ts';
import { LABELABLE_TASK_TYPES, isLabelable } from '../families/index.ts';
import { buildTaskFields, chooseParamVersion, dedupe, readPlacement, readUniqueId, type TaskFields, type TaskPlacement } from './task-input.ts';
import { prepareTaskParams, validateTaskParams } from './task-validation.ts';
import { syntheticResponse } from './test-mode.ts';
import { deepMerge } from '../domain/deep-merge.ts';
import type { CheckedTaskCreate, TaskLifecycle } from './task-lifecycle.ts';
import { GroupCommitter } from '../db/group-commit.ts';
import { StatementGroups } from '../db/statement-groups.ts';
import { ProjectCache } from './project-cache.ts';
import { TaskNames } from './task-names.ts';

/** Idempotency-Key records are honoured for this long (contract 7.3 asks for at least 24 hours). */
export const IDEMPOTENCY_RETENTION_MS = 48 * 60 * 60 * 1000;
export const MAX_PAGE_SIZE = 100;
export const REVIEW_STATUSES = ['pending', 'accepted', 'fixed', 'commented', 'rejected'] as const;
export const TASK_STATUSES: readonly TaskStatus[] = ['pending', 'completed', 'canceled', 'error'];

/**
 * Signed download links for server-held attachments (contract 5.9). The files area plugs one in
 * with `TaskService.setAttachmentLinkResolver`; until then, and for tasks whose attachments are
 * external http(s) URLs, no links are added.
 */
export interface AttachmentLinkResolver {
  /** Links per task id, only for tasks with a server-held attachment; must answer a whole page in O(1) queries. */
  resolve(caller: Caller, tasks: readonly Task[]): Promise<Map<string, AttachmentLinks>>;
}

/** `GET tasks` as the route read it (names, not ids; instants as epoch ms). */
/** The task filters a caller names (GET tasks, exports); project and batch are names, resolved by each use. */
export interface TaskFilterQuery {
  project?: string;
  batch?: string;
  status?: TaskStatus;
  type?: string;
  createdFrom?: number;
  createdTo?: number;
  completedFrom?: number;
  completedTo?: number;
  updatedFrom?: number;
  updatedTo?: number;
  reviewStatuses?: string[];
  uniqueIds?: string[];
  tags?: string[];
}

/** The repository filters for a query, except project and batch, whose names each use resolves its own way. */
export function taskFiltersOf(query: TaskFilterQuery): TaskFilters {
  return {
    status: query.status,
    type: query.type,
    createdFrom: query.createdFrom,
    createdTo: query.createdTo,
    completedFrom: query.completedFrom,
    completedTo: query.completedTo,
    updatedFrom: query.updatedFrom,
    updatedTo: query.updatedTo,
    reviewStatuses: query.reviewStatuses,
    uniqueIds: query.uniqueIds,
    tags: query.tags,
  };
}

export interface TaskListQuery extends TaskFilterQuery {
  limit: number;
  nextToken?: string;
  offset?: number;
  includeAttachmentUrl?: boolean;
}

export interface TaskPage {
  tasks: Task[];
  links: Map<string, AttachmentLinks>;
  total: number;
  limit: number;
  offset: number;
  hasMore: boolean;
  nextToken: string | null;
}

/** A position token: the last task of the page (created_at, id) and how many matches precede the next page. */
interface PageToken {
  c: number;
  i: string;
  o: number;
}

/** Most creates one group statement carries (PostgreSQL; see checkedCreates): 32 concurrent clients fill half of it. */
const CREATE_GROUP_MAX = 64;
/**
 * Group statements in flight at once per process (PostgreSQL; see checkedCreates). Measured with
 * bench/tasks.bench.ts (docs/tasks.md, "Grouped creates on PostgreSQL"): 1 and 2 gave the same create
 * throughput within the noise (PostgreSQL create 0.95-1.57x and 0.91-1.25x its bare floor); 2, so that a
 * group waiting on a row lock another transaction holds (a counter shard, a unique_id entry) does not
 * hold up every create of the process.
 */
const CREATE_GROUPS_IN_FLIGHT = 2;

/** Thrown inside a create transaction to roll it back; turned into the 409 after the rollback. */
class DuplicateRefused extends Error {}

/** Customer tasks (contract 4.1, 5, 6.1, 7): creation, reads, lists, and the customer actions. */
export class TaskService {
  private attachmentLinks: AttachmentLinkResolver | undefined;
  /** SQLite only: concurrent creates share one commit (see db/group-commit.ts); PostgreSQL groups its one-statement creates (checkedCreates). */
  private readonly createGroups: GroupCommitter | undefined;
  /**
   * PostgreSQL only: concurrent live creates of remembered projects go to the database as one
   * multi-row statement (db/statement-groups.ts, repositories/task-create-group.ts).
   */
  private readonly checkedCreates: StatementGroups<CheckedTaskCreate, { outcome: CheckedInsert; task: Task }> | undefined;
  /** Projects as creates last read them, checked again by each create's insert (createInOneStatement). */
  private readonly projectCache = new ProjectCache();
  /** Project and batch names by id for `GET task/{id}` (names never change: see task-names.ts). */
  private readonly names = new TaskNames();

  constructor(
    private readonly db: Db,
    private readonly config: Config,
    private readonly lifecycle: TaskLifecycle,
    private readonly projects: ProjectRepository,
    private readonly batches: BatchRepository,
    private readonly users: UserRepository,
    /** Called after a commit that queued callbacks. */
    private readonly notifyWork: () => void,
  ) {
    this.createGroups = db.dialect.name === 'sqlite' ? new GroupCommitter(db.kysely, (work) => lifecycle.transaction(db.kysely, work)) : undefined;
    this.checkedCreates =
      db.dialect.name === 'postgres'
        ? new StatementGroups(
            {
              runGroup: (units) => lifecycle.createUnbatchedCheckedTasks(db.kysely, units),
              runAlone: (unit) => lifecycle.createUnbatchedCheckedTask(db.kysely, unit.task, unit.project),
            },
            CREATE_GROUP_MAX,
            CREATE_GROUPS_IN_FLIGHT,
          )
        : undefined;
  }

  /** Runs one creation's writes: grouped with concurrent ones on SQLite, in its own transaction on PostgreSQL. */
  private runCreate<T>(work: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
    return this.createGroups ? this.createGroups.run(work) : this.lifecycle.transaction(this.db.kysely, work);
  }

  /** Plugs in signed attachment URLs for `include_attachment_url` (the files area). */
  setAttachmentLinkResolver(resolver: AttachmentLinkResolver): void {
    this.attachmentLinks = resolver;
  }

  private repository(trx?: Kysely<Database>): TaskRepository {
    return new TaskRepository(trx ?? this.db.kysely, this.db.dialect);
  }

  /**
   * `POST task/{type}`. Duplicates (unique_id, Idempotency-Key) are refused first, with no side
   * effects; then the project and batch are resolved, parameters inherited, and the task validated
   * and stored. A test-mode task is completed in the same transaction, but answered as created (pending).
   */
  async create(caller: Caller, type: string, rawBody: unknown, options: { idempotencyKey?: string } = {}): Promise<Task> {
    const request = readCreateRequest(type, rawBody);
    const uniqueId = request.uniqueId;
    const idempotencyKey = options.idempotencyKey?.trim() || undefined;
    if (idempotencyKey !== undefined) checkIndexedLength(idempotencyKey, 'Idempotency-Key');
    let duplicatesRefused = false;
    if (idempotencyKey === undefined && request.placement.batch === undefined) {
      const oneStatement = await this.createInOneStatement(caller, request);
      if (oneStatement.created) return this.answerCreated(oneStatement.created, caller.environment === 'test');
      duplicatesRefused = oneStatement.duplicatesRefused;
    }
    if (!duplicatesRefused) await this.refuseDuplicates(caller, uniqueId, idempotencyKey);

    const placed = await this.place(caller, request.type, request.placement);
    const now = Date.now();
    const { task, stagingOnly, testResponse } = buildNewTask(caller, request, placed, now);
    let created: Task;
    try {
      // On PostgreSQL a live task with no batch, tags or Idempotency-Key is one statement, no transaction.
      const unbatched = this.db.dialect.name === 'postgres' && idempotencyKey === undefined && testResponse === undefined && task.batch_id === null && !task.tags?.length;
      const stored = unbatched ? await this.lifecycle.createUnbatchedTask(this.db.kysely, task) : undefined;
      if (unbatched && !stored) throw new DuplicateRefused();
      created = stored ?? await this.runCreate(async (trx) => {
        if (idempotencyKey !== undefined && !(await this.recordIdempotencyKey(trx, caller, idempotencyKey, task.id, now))) {
          throw new DuplicateRefused();
        }
        const result = await this.lifecycle.createTask(trx, task, { stagingOnly, testResponse });
        if (!result) throw new DuplicateRefused();
        return result;
      });
    } catch (error) {
      if (error instanceof DuplicateRefused || this.db.dialect.isUniqueViolation(error)) {
        // Another request took the unique_id or key between the check and the insert; name its task.
        await this.refuseDuplicates(caller, uniqueId, idempotencyKey);
        throw new Conflict('A task with the same unique_id or Idempotency-Key was created at the same time; retry to see which.');
      }
      throw error;
    }
    return this.answerCreated(created, testResponse !== undefined);
  }

  /** The answer to a create; a test-mode task (completed at once, its callback queued) is answered as created. */
  private answerCreated(created: Task, testMode: boolean): Task {
    if (!testMode) return created;
    this.notifyWork();
    // Contract 5.10: the answer shows the task as it was created; it is already completed for every later read.
    return { ...created, status: 'pending', work_state: 'queued', response: null, completed_at: null, updated_at: created.created_at };
  }

  /**
   * A task with no batch and no Idempotency-Key of a project this process remembers (ProjectCache):
   * no project read; the insert checks the project is unchanged. On PostgreSQL a live create is then
   * one statement, shared with the live creates that arrive with it (checkedCreates); on SQLite the
   * checked insert runs in the create group's transaction. The
   * duplicate check runs first only when the project must be read: with a remembered project a
   * duplicate has no side effect to avoid, and the insert's ON CONFLICT decides it. Errors keep
   * their order: a request that fails validation but repeats a taken unique_id answers the 409.
   * `created` undefined: the regular path takes over (project unknown or not yet created, tags, a
   * project changed twice under us); `duplicatesRefused` says the duplicate check already ran.
   */
  private async createInOneStatement(caller: Caller, request: CreateRequest): Promise<{ created?: Task; duplicatesRefused: boolean }> {
    const cache = this.projectCache;
    const { account, environment } = { account: caller.account.id, environment: caller.environment };
    const name = request.placement.project ?? this.config.defaultProjectName;
    let duplicatesRefused = false;
    for (let attempt = 0; attempt < 2; attempt++) {
      let remembered = cache.get(account, environment, name);
      if (!remembered) {
        if (!duplicatesRefused) await this.refuseDuplicates(caller, request.uniqueId, undefined);
        duplicatesRefused = true;
        remembered = await this.projects.findByNameWithHistoryMd5(account, environment, name);
        // Unknown (400) or a default project still to be created: the regular path answers.
        if (!remembered) return { duplicatesRefused };
        cache.set(account, environment, name, remembered);
      }
      let prepared: PreparedTask;
      try {
        this.checkPlacement(request.type, remembered.project, undefined);
        prepared = buildNewTask(caller, request, { project: remembered.project }, Date.now());
      } catch (error) {
        if (!duplicatesRefused) await this.refuseDuplicates(caller, request.uniqueId, undefined);
        throw error;
      }
      if (prepared.task.tags?.length) return { duplicatesRefused };
      const check = { name, historyMd5: remembered.historyMd5 };
      // PostgreSQL: a live create is one statement, no transaction. SQLite: the checked insert and
      // the counter upsert in the create group's transaction (grouped commits).
      const { outcome, task } =
        prepared.testResponse === undefined && this.checkedCreates
          ? await this.checkedCreates.run({ task: prepared.task, project: check })
          : await this.createCheckedInTransaction(caller, prepared, check);
      if (outcome === 'created') return { created: task, duplicatesRefused };
      if (outcome === 'duplicate') {
        await this.refuseDuplicates(caller, request.uniqueId, undefined);
        throw new Conflict('A task with the same unique_id was created at the same time; retry to see which.');
      }
      // The project changed (or went away) since this process read it: read it again.
      cache.delete(account, environment, name);
    }
    return { duplicatesRefused };
  }

  /**
   * A create of a remembered project in a transaction: a test-mode create (completion, callback and
   * recorder writes need one: BEGIN, the checked insert-and-count statement, the callback's outbox row
   * when there is a target, COMMIT), and every such create on SQLite, in a create group. The account's
   * default callback URL is the caller's, which the task's own `callback_url` was taken from too
   * (newTask), instead of a read of the account.
   */
  private async createCheckedInTransaction(caller: Caller, prepared: PreparedTask, project: ProjectCheck): Promise<{ outcome: CheckedInsert; task: Task }> {
    try {
      const created = await this.runCreate((trx) =>
        this.lifecycle.createTask(trx, prepared.task, { testResponse: prepared.testResponse, project, accountCallbackUrl: caller.account.default_callback_url ?? null }),
      );
      return created ? { outcome: 'created', task: created } : { outcome: 'duplicate', task: prepared.task };
    } catch (error) {
      if (error instanceof StaleProject) return { outcome: 'stale-project', task: prepared.task };
      throw error;
    }
  }

  /** 409 when the unique_id or the Idempotency-Key already names a task (contract 7.1.3, 7.3). */
  private async refuseDuplicates(caller: Caller, uniqueId: string | undefined, idempotencyKey: string | undefined): Promise<void> {
    await this.refuseIdempotencyKey(caller, idempotencyKey);
    if (uniqueId !== undefined) {
      const holder = await this.repository().idByUniqueId(caller.account.id, caller.environment, uniqueId);
      if (holder !== undefined) throw uniqueIdTaken(uniqueId, holder);
    }
  }

  /** 409 naming the task created under this Idempotency-Key, while its record is retained (contract 7.3). */
  async refuseIdempotencyKey(caller: Caller, idempotencyKey: string | undefined): Promise<void> {
    if (idempotencyKey === undefined) return;
    const holder = await this.repository().findIdempotencyKey(caller.account.id, caller.environment, idempotencyKey, Date.now() - IDEMPOTENCY_RETENTION_MS);
    if (holder !== undefined) {
      throw new Conflict(`The Idempotency-Key ("${idempotencyKey}") was already used for a request that created task ${holder}; nothing was created.`, {
        task_id: holder,
      });
    }
  }

  /** Records an Idempotency-Key for a created task inside its transaction; false when a live record holds the key. */
  recordIdempotencyKey(trx: Kysely<Database>, caller: Caller, idempotencyKey: string, taskId: string, now: number): Promise<boolean> {
    return this.repository(trx).recordIdempotencyKey(caller.account.id, caller.environment, idempotencyKey, taskId, now, now - IDEMPOTENCY_RETENTION_MS);
  }

  /**
   * Project and batch of a new task (contract 4.1.1, 4.1.3) and the batch admission rules; also used
   * for evaluation and training tasks and by bulk imports. With `dryRun`, a missing default project
   * is described but not created.
   */
  async place(caller: Caller, type: TaskType, placement: ReturnType<typeof readPlacement>, options: { dryRun?: boolean } = {}): Promise<PlacedTask> {
    let batch: Batch | undefined;
    if (placement.batch !== undefined) {
      batch = await this.batches.findByName(caller.account.id, caller.environment, placement.batch);
      if (!batch) throw new InvalidRequest(`Invalid value for 'batch': no batch named "${placement.batch}" exists. Create it first with POST batches.`);
      if (batch.status === 'cancelled') throw new InvalidRequest(`Invalid value for 'batch': batch "${batch.name}" is cancelled and accepts no new tasks.`);
    }
    let project: Project | undefined;
    if (placement.project !== undefined) {
      project = await this.projects.findByName(caller.account.id, caller.environment, placement.project);
      if (!project) throw new InvalidRequest(`Invalid value for 'project': no project named "${placement.project}" exists. Create it first with POST projects.`);
      if (batch && batch.project_id !== project.id) {
        throw new InvalidRequest(`Invalid value for 'batch': batch "${batch.name}" belongs to project "${batch.project_name}", not to "${project.name}".`);
      }
    } else if (batch) {
      project = await this.projects.findById(caller.account.id, caller.environment, batch.project_id);
      if (!project) throw new InvalidRequest(`Invalid value for 'batch': the project of batch "${batch.name}" no longer exists.`);
    } else {
      project = await this.defaultProject(caller, type, options.dryRun ?? false);
    }
    this.checkPlacement(type, project, batch);
    return { project, batch };
  }

  /** The type and batch admission rules of a resolved placement (400s naming the field). */
  private checkPlacement(type: TaskType, project: Project, batch: Batch | undefined): void {
    // The default project accepts every task type, however it is reached (Tagwright decision, docs/tasks.md).
    if (project.name !== this.config.defaultProjectName && project.type !== type) {
      throw new InvalidRequest(`Invalid value for 'project': project "${project.name}" holds ${project.type} tasks, so it cannot take a ${type} task.`);
    }
    if (batch && (project.studio || project.rapid) && batch.status !== 'staging') {
      throw new InvalidRequest(
        `Invalid value for 'batch': batch "${batch.name}" of ${project.studio ? 'Studio' : 'Rapid'} project "${project.name}" has been finalized; tasks can only be added while it is staging.`,
      );
    }
  }

  /** The account's default project (contract 4.1.3), created on first use with this task's type. */
  private async defaultProject(caller: Caller, type: TaskType, dryRun: boolean): Promise<Project> {
    const name = this.config.defaultProjectName;
    const existing = await this.projects.findByName(caller.account.id, caller.environment, name);
    if (existing) return existing;
    const now = Date.now();
    const row = {
      id: newId(now),
      account_id: caller.account.id,
      environment: caller.environment,
      name,
      type,
      param_history: [],
      rapid: false,
      studio: false,
      archived: false,
      pipeline: null,
      consensus_attempts: null,
      dataset_id: null,
      created_at: now,
      updated_at: now,
    };
    if (dryRun) return row as Project;
    await this.projects.insert(row);
    // Either ours or the one a concurrent first task created.
    const created = await this.projects.findByName(caller.account.id, caller.environment, name);
    if (!created) throw new Error(`the default project "${name}" could not be created`);
    return created;
  }

  /** `GET task/{id}`: 404 unless the task is in the caller's account and environment. */
  async get(caller: Caller, id: string): Promise<Task> {
    const task = await this.repository().findById(caller.account.id, caller.environment, id);
    if (!task) throw new NotFound(`No task with id "${id}" exists.`);
    return task;
  }

  /** `get` without parsing the JSON columns, for answering with presentStoredTaskJson (`GET task/{id}`). */
  async getStored(caller: Caller, id: string): Promise<StoredTask> {
    const repository = this.repository();
    const row = await repository.findStoredRowById(caller.account.id, caller.environment, id);
    if (!row) throw new NotFound(`No task with id "${id}" exists.`);
    // The row alone is one primary-key read; the names come from memory, read once per process.
    let projectName = this.names.project(row.project_id);
    let batchName = this.names.batch(row.batch_id);
    if (projectName === undefined || batchName === undefined) {
      const names = await repository.namesOf(row.project_id, row.batch_id);
      if (!names) throw new Error(`task ${row.id}: its project or batch is missing`);
      this.names.remember(row.project_id, names.project_name, row.batch_id, names.batch_name);
      projectName = names.project_name;
      batchName = names.batch_name;
    }
    return Object.assign(row, { project_name: projectName, batch_name: batchName });
  }

  /** `GET tasks`: one page newest first, by keyset cursor (contract 6.1). */
  async list(caller: Caller, query: TaskListQuery): Promise<TaskPage> {
    const empty: TaskPage = { tasks: [], links: new Map(), total: 0, limit: query.limit, offset: 0, hasMore: false, nextToken: null };
    const token = query.nextToken !== undefined ? decodeToken(query.nextToken) : undefined;
    const filters = taskFiltersOf(query);
    // Unknown project or batch names match nothing (Tagwright decision, contract 4.1.5).
    if (query.project !== undefined) {
      const project = await this.projects.findByName(caller.account.id, caller.environment, query.project);
      if (!project) return { ...empty, offset: token?.o ?? query.offset ?? 0 };
      filters.projectId = project.id;
    }
    if (query.batch !== undefined) {
      const batch = await this.batches.findByName(caller.account.id, caller.environment, query.batch);
      if (!batch || (filters.projectId !== undefined && batch.project_id !== filters.projectId)) return { ...empty, offset: token?.o ?? query.offset ?? 0 };
      filters.batchId = batch.id;
    }
    let page = await this.page(caller, filters, query, token);
    // The Python client puts a unique_id into the URL unencoded, so a `+` arrives as a space (contract 7.2).
    if (page.total === 0 && token === undefined && query.uniqueIds?.some((value) => value.includes(' '))) {
      page = await this.page(caller, { ...filters, uniqueIds: query.uniqueIds.map((value) => value.replace(/ /g, '+')) }, query, token);
    }
    return page;
  }

  private async page(caller: Caller, filters: TaskFilters, query: TaskListQuery, token: PageToken | undefined): Promise<TaskPage> {
    const tasks = this.repository();
    const offset = token ? token.o : (query.offset ?? 0);
    const after: TaskCursor | undefined = token ? { createdAt: token.c, id: token.i } : undefined;
    const [rows, total] = await Promise.all([
      tasks.list(caller.account.id, caller.environment, filters, { limit: query.limit + 1, after, offset: after ? undefined : offset }),
      tasks.count(caller.account.id, caller.environment, filters),
    ]);
    const hasMore = rows.length > query.limit;
    const docs = hasMore ? rows.slice(0, query.limit) : rows;
    const last = docs.at(-1);
    const nextToken = hasMore && last ? encodeToken({ c: last.created_at, i: last.id, o: offset + docs.length }) : null;
    const links = query.includeAttachmentUrl && this.attachmentLinks && docs.length > 0 ? await this.attachmentLinks.resolve(caller, docs) : new Map();
    return { tasks: docs, links, total, limit: query.limit, offset, hasMore, nextToken };
  }

  /** `POST task/{id}/cancel` (contract 4.1.4). */
  async cancel(caller: Caller, id: string, options: { clearUniqueId?: boolean } = {}): Promise<Task> {
    const task = await this.get(caller, id);
    return this.lifecycle.transaction(this.db.kysely, (trx) => this.lifecycle.cancelTask(trx, task, options));
  }

  /** `POST task/{id}/audit`: accept or reject a completed task, with an optional comment. */
  async audit(caller: Caller, id: string, rawBody: unknown): Promise<Task> {
    const body = objectBody(rawBody);
    const accepted = readBoolean(body.accepted, 'accepted');
    if (accepted === undefined) throw new InvalidRequest("Missing required parameter 'accepted': true to accept the task, false to reject it.");
    const comments = readString(body.comments, 'comments');
    const task = await this.get(caller, id);
    const auditor = { email: await this.ownerEmail(caller), source: 'customer' as const, timeSecs: 0 };
    const audited = await this.lifecycle.transaction(this.db.kysely, (trx) => this.lifecycle.auditTask(trx, task, { accepted, comments, auditor }));
    this.notifyWork();
    return audited;
  }

  /** The account owner, who API audits are recorded as (contract 5.5): the first admin teammate. */
  private async ownerEmail(caller: Caller): Promise<string> {
    const teammates = await this.users.listByAccount(caller.account.id);
    return (teammates.find((user) => user.role === 'admin') ?? teammates[0])?.email ?? this.config.adminEmail;
  }

  /** `POST task/{id}/unique_id`: 409 naming the holder when another task has the value; the task's own value is a no-op. */
  async setUniqueId(caller: Caller, id: string, rawBody: unknown): Promise<Task> {
    const body = objectBody(rawBody);
    if (body.unique_id === undefined || body.unique_id === null) throw new InvalidRequest("Missing required parameter 'unique_id': the new unique_id of the task.");
    const uniqueId = readUniqueId(body.unique_id)!;
    const task = await this.get(caller, id);
    if (task.unique_id === uniqueId) return task;
    const holder = await this.repository().idByUniqueId(caller.account.id, caller.environment, uniqueId);
    if (holder !== undefined && holder !== task.id) throw uniqueIdTaken(uniqueId, holder);
    try {
      return await this.mutate(task, async (tasks, current, now) => {
        if (current.unique_id === uniqueId) return current;
        if (!(await tasks.setUniqueId(current, uniqueId, now))) throw new DuplicateRefused();
        return { ...current, unique_id: uniqueId, updated_at: now };
      });
    } catch (error) {
      if (!(error instanceof DuplicateRefused) && !this.db.dialect.isUniqueViolation(error)) throw error;
      const taken = await this.repository().idByUniqueId(caller.account.id, caller.environment, uniqueId);
      throw uniqueIdTaken(uniqueId, taken ?? 'another task');
    }
  }

  /** `DELETE task/{id}/unique_id`: always 200; the value is free at once. */
  async clearUniqueId(caller: Caller, id: string): Promise<Task> {
    const task = await this.get(caller, id);
    if (task.unique_id === null) return task;
    return this.mutate(task, async (tasks, current, now) => {
      if (current.unique_id === null) return current;
      await tasks.update(current.id, { unique_id: null }, now);
      return { ...current, unique_id: null, updated_at: now };
    });
  }

  /** `POST task/{id}/setMetadata`: replaces the whole object; an empty body means `{}`. */
  async setMetadata(caller: Caller, id: string, rawBody: unknown): Promise<Task> {
    const metadata = objectBody(rawBody);
    const task = await this.get(caller, id);
    return this.mutate(task, async (tasks, current, now) => {
      await tasks.update(current.id, { metadata }, now);
      return { ...current, metadata, updated_at: now };
    });
  }

  /**
   * The tag endpoints (contract 4.1.4): `set` replaces the list, `add` appends missing tags in
   * order, `remove` drops the listed ones. task_tags follows in the same transaction.
   */
  async changeTags(caller: Caller, id: string, operation: 'set' | 'add' | 'remove', rawBody: unknown): Promise<Task> {
    const requested = dedupe(readTagBody(rawBody));
    const task = await this.get(caller, id);
    return this.mutate(task, async (tasks, current, now) => {
      const before = current.tags ?? [];
      let after: string[];
      if (operation === 'set') after = requested;
      else if (operation === 'add') after = [...before, ...requested.filter((tag) => !before.includes(tag))];
      else after = before.filter((tag) => !requested.includes(tag));
      if (current.tags !== null && sameList(before, after)) return current;
      await tasks.update(current.id, { tags: after }, now);
      await tasks.syncTagRows(current.id, before, after);
      return { ...current, tags: after, updated_at: now };
    });
  }

  /** Runs a change of one task's non-status fields under its row lock, on the freshly read task. */
  private async mutate(task: Task, change: (tasks: TaskRepository, current: Task, now: number) => Promise<Task>): Promise<Task> {
    return this.lifecycle.transaction(this.db.kysely, async (trx) => {
      const tasks = this.repository(trx);
      await tasks.lock(task.id);
      const current = await tasks.findById(task.account_id, task.environment, task.id);
      if (!current) throw new NotFound(`No task with id "${task.id}" exists.`);
      return change(tasks, current, Date.now());
    });
  }

  /** Deletes Idempotency-Key records past their retention (run by the worker). */
  purgeIdempotencyKeys(now = Date.now()): Promise<number> {
    return this.repository().purgeIdempotencyKeys(now - IDEMPOTENCY_RETENTION_MS);
  }

  // --- Added by the v2 area: metadata merge (contract 9.2, POST /v2/task/metadata with merge: true). ---

  /** Deep-merges `metadata` into the task's metadata (contract 9.3), under the task's row lock. */
  async mergeMetadata(caller: Caller, id: string, metadata: Record<string, unknown>): Promise<Task> {
    const task = await this.get(caller, id);
    return this.mutate(task, async (tasks, current, now) => {
      const merged = deepMerge(current.metadata, metadata);
      await tasks.update(current.id, { metadata: merged }, now);
      return { ...current, metadata: merged, updated_at: now };
    });
  }
}

/** A creation request read before its project is known: what `POST task/{type}` checks first. */
export interface CreateRequest {
  type: TaskType;
  body: Record<string, unknown>;
  placement: TaskPlacement;
  uniqueId: string | undefined;
}

/** Where a new task goes. */
export interface PlacedTask {
  project: Project;
  batch?: Batch;
}

/** A validated task ready for the lifecycle's createTask (or createTasks): the row, its admission rule and its test-mode response. */
export interface PreparedTask {
  task: Task;
  stagingOnly: boolean;
  testResponse: unknown;
}

/** Reads the type and the fields needed before the project is known (400s name the field). */
export function readCreateRequest(type: string, rawBody: unknown): CreateRequest {
  const taskType = readTaskType(type);
  const body = objectBody(rawBody);
  return { type: taskType, body, placement: readPlacement(body), uniqueId: readUniqueId(body.unique_id) };
}

/**
 * Inherits the project's parameters, validates the result for the type, and builds the new task
 * (with its synthetic response in test mode). The one path every task creation takes, single or bulk.
 */
export function buildNewTask(caller: Caller, request: CreateRequest, placed: PlacedTask, now: number): PreparedTask {
  const { project, batch } = placed;
  const fields = buildTaskFields(request.body, chooseParamVersion(project, request.placement.projectVersion));
  validateTaskParams(request.type, fields.params);
  fields.params = prepareTaskParams(request.type, fields.params);
  if (caller.environment === 'live' && !isLabelable(request.type)) throw notLabelable(request.type);
  const task = newTask(caller, request.type, project, batch, fields, now);
  const testResponse = caller.environment === 'test' ? syntheticResponse(request.type, fields.params) : undefined;
  return { task, stagingOnly: project.studio || project.rapid, testResponse };
}

/** The `{type}` path segment: 400 for a name outside the contract's enum. Every known type is supported. */
export function readTaskType(type: string): TaskType {
  if (!isTaskType(type)) throw new InvalidRequest(`Invalid task type "${type}" in the path. Use one of ${TASK_TYPES.join(', ')}.`);
  return type;
}

/**
 * 402 (contract 4.1.2) for a live task that no workbench editor serves: it would wait for a labeler
 * forever. The message lists what this server can have labeled; test mode takes every type.
 */
export function notLabelable(type: TaskType): NotEnabled {
  return new NotEnabled(
    `Task type "${type}" is not enabled on this server: no workbench editor can label it yet, so a live task would never be completed. ` +
      `Live tasks can be created for: ${LABELABLE_TASK_TYPES.join(', ')}. Test-mode keys accept every type.`,
  );
}

/** The wording of contract 7.1.3, which matches Scale's, with the existing task's id. */
export function uniqueIdTaken(uniqueId: string, holder: string): Conflict {
  return new Conflict(`The unique_id ("${uniqueId}") is already used for a different task (${holder}).`, { task_id: holder });
}

function newTask(caller: Caller, type: TaskType, project: Project, batch: Batch | undefined, fields: TaskFields, now: number): Task {
  return {
    id: newId(now),
    account_id: caller.account.id,
    environment: caller.environment,
    project_id: project.id,
    project_name: project.name,
    batch_id: batch?.id ?? null,
    batch_name: batch?.name ?? null,
    type,
    status: 'pending',
    work_state: 'queued',
    instruction: fields.instruction,
    params: fields.params,
    callback_url: fields.callbackUrl ?? caller.account.default_callback_url ?? null,
    callback_succeeded: null,
    response: null,
    metadata: fields.metadata,
    unique_id: fields.uniqueId,
    tags: fields.tags,
    priority: fields.priority,
    project_param_version: fields.projectParamVersion,
    customer_review_status: null,
    customer_review_comments: null,
    prior_responses: null,
    audits: null,
    created_at: now,
    updated_at: now,
    completed_at: null,
  };
}

/** A tag body: a bare array, `{"tags": [...]}`, or nothing (`[]`); every element a string. */
function readTagBody(body: unknown): string[] {
  if (body === undefined || body === null) return [];
  const list = isPlainObject(body) ? (body.tags ?? []) : body;
  if (!Array.isArray(list)) throw new InvalidRequest('The request body must be a JSON array of tag strings (or {"tags": [...]}).');
  list.forEach((tag, index) => {
    if (typeof tag !== 'string') throw new InvalidRequest(`Invalid value for 'tags[${index}]': every tag must be a string.`);
    checkIndexedLength(tag, `tags[${index}]`);
  });
  return list as string[];
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}

function encodeToken(token: PageToken): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

function decodeToken(raw: string): PageToken {
  let token: unknown;
  try {
    token = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    token = undefined;
  }
  const valid =
    isPlainObject(token) &&
    Number.isSafeInteger(token.c) &&
    typeof token.i === 'string' &&
    /^[A-Za-z0-9_-]+$/.test(token.i) &&
    Number.isSafeInteger(token.o) &&
    (token.o as number) >= 0;
  if (!valid) throw new InvalidRequest("Invalid value for 'next_token': pass the next_token of the previous page unchanged.");
  return token as unknown as PageToken;
}
