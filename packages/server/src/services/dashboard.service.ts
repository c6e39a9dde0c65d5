import type { Db } from '../db/connect.ts';
import type { TaskStatus, WorkState } from '../db/tables/tasks.ts';
import type { Caller } from './account.service.ts';
import type { TaskService, AttachmentLinkResolver } from './task.service.ts';
import type { TaskLifecycle, Auditor } from './task-lifecycle.ts';
import type { ProjectRepository, Project } from '../repositories/project.repository.ts';
import type { BatchRepository, TaskStatusCounts } from '../repositories/batch.repository.ts';
import type { UserRepository } from '../repositories/user.repository.ts';
import type { UserRow } from '../repositories/account.repository.ts';
import type { Task } from '../repositories/task.repository.ts';
import type { AttachmentLinks } from '../presenters/task.presenter.ts';
import type {
  AttemptRecord,
  DashboardRepository,
  LeaseRecord,
  TaskBrowserFilters,
  TaskPosition,
  TaskSummary,
  TaskWorkRecord,
} from '../repositories/dashboard.repository.ts';
import { InvalidRequest, NotFound } from '../domain/errors.ts';
import { validateResponse } from './response-validation.ts';
import { TaskAuditRepository } from '../repositories/task-audit.repository.ts';
import { isPlainObject, objectBody, readString } from '../domain/lenient.ts';

export const TASK_PAGE_DEFAULT = 50;
export const TASK_PAGE_MAX = 200;
export const THROUGHPUT_BUCKETS = { hour: 3_600_000, day: 86_400_000 } as const;
export type ThroughputBucket = keyof typeof THROUGHPUT_BUCKETS;
/** A throughput answer never has more points than this (a year of days, or two weeks of hours and then some). */
export const MAX_THROUGHPUT_POINTS = 1000;
export const AUDIT_RESULTS = ['accepted', 'rejected', 'fixed', 'commented'] as const;
export type AuditResult = (typeof AUDIT_RESULTS)[number];

/** Who is asking, as far as the dashboard cares: the API caller, and the signed-in teammate's email if any. */
export interface DashboardActor {
  caller: Caller;
  /** The signed-in teammate; absent for an API key (then audits are recorded as the account owner, as on v1). */
  email?: string;
}

export interface ProjectProgress {
  project: Project;
  counts: TaskStatusCounts;
}

export interface ThroughputQuery {
  bucket: ThroughputBucket;
  from?: number;
  to?: number;
  project?: string;
  tzOffsetMinutes?: number;
}

export interface Throughput {
  bucket: ThroughputBucket;
  from: number;
  to: number;
  points: Array<{ start: number; completed: number }>;
}

export interface TaskBrowserQuery {
  project?: string;
  batch?: string;
  status?: TaskStatus;
  workStates?: WorkState[];
  search?: string;
  limit?: number;
  nextToken?: string;
}

export interface TaskBrowserPage {
  tasks: TaskSummary[];
  nextToken: string | null;
}

export interface TaskDetail {
  task: Task;
  /** What a fix starts from: the response, or what a family stores elsewhere (a chat task's threads). */
  editableResponse: unknown;
  links: AttachmentLinks | undefined;
  attempts: AttemptRecord[];
  work: TaskWorkRecord | undefined;
  lease: LeaseRecord | undefined;
}

/** Where a fix's starting response comes from, for families that store their answers outside `response`. */
export interface EditableResponses {
  editableResponse(task: Task): Promise<unknown>;
}

/** A dashboard audit's answer: the audited task with its browser-loadable attachment links, as the task detail has them. */
export interface AuditedTask {
  task: Task;
  links: AttachmentLinks | undefined;
}

/** Longest audit time a dashboard audit may report: a day (a tab left open overnight is not a measurement). */
const MAX_AUDIT_SECS = 86_400;

export interface LabelerStats {
  user: UserRow;
  labels: { attempts: number; timeSpentMs: number };
  reviews: { attempts: number; timeSpentMs: number };
  gold: { attempts: number; scoreSum: number; scored: number };
  agreement: { tasks: number; mean: number } | undefined;
  reviewOutcomes: Record<string, number>;
  /** How the customer's audits (API and dashboard) judged the tasks they labeled, per audit result. */
  customerAudits: Record<string, number>;
}

export interface LabelerStatsQuery {
  project?: string;
  from?: number;
  to?: number;
}

/**
 * The manager dashboard (docs/app-api.md, Dashboard): progress per project and batch, throughput,
 * the task browser and a task's history, customer audits from the UI, and labelers' statistics.
 * Reads come from DashboardRepository's grouped and keyset queries; audits go through the same
 * task state machine as `POST task/{id}/audit`, so they record an audit entry and queue a callback.
 */
export class DashboardService {
  /** Customer audits as rows, counted per labeler (labelerStats). */
  private readonly customerAudits: TaskAuditRepository;

  constructor(
    private readonly db: Db,
    private readonly dashboard: DashboardRepository,
    private readonly projects: ProjectRepository,
    private readonly batches: BatchRepository,
    private readonly users: UserRepository,
    private readonly tasks: TaskService,
    private readonly lifecycle: TaskLifecycle,
    private readonly attachmentLinks: AttachmentLinkResolver,
    /** Called after a commit that queued callbacks. */
    private readonly notifyWork: () => void,
    /** Reads the response a fix edits (chat tasks keep their conversation as rows). */
    private readonly editable: EditableResponses = { editableResponse: async (task) => task.response },
  ) {
    this.customerAudits = new TaskAuditRepository(db.kysely);
  }

  /** Every project of the environment, newest first, with its task counts by status. */
  async projectProgress(caller: Caller): Promise<ProjectProgress[]> {
    const [projects, counts] = await Promise.all([
      this.projects.list(caller.account.id, caller.environment),
      this.dashboard.projectCounts(caller.account.id, caller.environment),
    ]);
    return projects.map((project) => ({ project, counts: counts.get(project.id) ?? { pending: 0, completed: 0, error: 0, canceled: 0 } }));
  }

  /**
   * Completed tasks per hour or day over [from, to), zero-filled. Defaults: the last 14 days by day,
   * or the last 48 hours by hour. `tzOffsetMinutes` (minutes east of UTC) aligns day buckets with
   * the viewer's midnight.
   */
  async throughput(caller: Caller, query: ThroughputQuery, now = Date.now()): Promise<Throughput> {
    const size = THROUGHPUT_BUCKETS[query.bucket];
    const offsetMs = (query.tzOffsetMinutes ?? 0) * 60_000;
    if (Math.abs(query.tzOffsetMinutes ?? 0) > 14 * 60) throw new InvalidRequest("Invalid value for 'tz_offset_minutes': must be between -840 and 840.");
    const alignDown = (instant: number) => instant - (((instant + offsetMs) % size) + size) % size;
    const to = alignDown(query.to ?? now) + size;
    const from = alignDown(query.from ?? to - (query.bucket === 'day' ? 14 : 48) * size);
    if (from >= to) throw new InvalidRequest("Invalid range: 'start_time' must be before 'end_time'.");
    const count = (to - from) / size;
    if (count > MAX_THROUGHPUT_POINTS) {
      throw new InvalidRequest(`The range holds ${count} ${query.bucket}s; ask for at most ${MAX_THROUGHPUT_POINTS} (narrow start_time/end_time or use bucket=day).`);
    }
    let projectId: string | undefined;
    if (query.project !== undefined) {
      const project = await this.projects.findByName(caller.account.id, caller.environment, query.project);
      if (!project) throw new NotFound(`No project named "${query.project}" exists.`);
      projectId = project.id;
    }
    const counted = await this.dashboard.completedPerBucket({
      accountId: caller.account.id,
      environment: caller.environment,
      projectId,
      from,
      to,
      bucketMs: size,
      offsetMs,
    });
    const points: Throughput['points'] = [];
    for (let start = from; start < to; start += size) points.push({ start, completed: counted.get(start) ?? 0 });
    return { bucket: query.bucket, from, to, points };
  }

  /** One page of the task browser, newest first; unknown project or batch names are a 404. */
  async browseTasks(caller: Caller, query: TaskBrowserQuery): Promise<TaskBrowserPage> {
    const limit = query.limit ?? TASK_PAGE_DEFAULT;
    const filters: TaskBrowserFilters = { status: query.status, workStates: query.workStates };
    const search = query.search?.trim();
    if (search) filters.search = search;
    if (query.project !== undefined) {
      const project = await this.projects.findByName(caller.account.id, caller.environment, query.project);
      if (!project) throw new NotFound(`No project named "${query.project}" exists.`);
      filters.projectId = project.id;
    }
    if (query.batch !== undefined) {
      const batch = await this.batches.findByName(caller.account.id, caller.environment, query.batch);
      if (!batch) throw new NotFound(`No batch named "${query.batch}" exists.`);
      if (filters.projectId !== undefined && batch.project_id !== filters.projectId) {
        throw new InvalidRequest(`Invalid value for 'batch': batch "${batch.name}" belongs to project "${batch.project_name}", not to "${query.project}".`);
      }
      filters.batchId = batch.id;
    }
    const after = query.nextToken !== undefined ? decodePosition(query.nextToken) : undefined;
    if (after !== undefined && (after.uniqueId !== undefined) !== (filters.search !== undefined)) {
      throw new InvalidRequest("Invalid value for 'next_token': it belongs to a list with other filters; pass the next_token of the previous page with the same filters.");
    }
    const rows = await this.dashboard.browseTasks(caller.account.id, caller.environment, filters, { limit: limit + 1, after });
    const hasMore = rows.length > limit;
    const tasks = hasMore ? rows.slice(0, limit) : rows;
    if (!hasMore) return { tasks, nextToken: null };
    if (filters.search === undefined) {
      const last = tasks.at(-1)!;
      return { tasks, nextToken: encodePosition({ createdAt: last.created_at, id: last.id }) };
    }
    // Search pages continue in unique_id order after the last prefix match (the id match comes first, once).
    const lastMatch = tasks.filter((task) => task.unique_id !== null && task.unique_id.startsWith(filters.search!)).at(-1);
    return { tasks, nextToken: encodePosition({ uniqueId: lastMatch?.unique_id ?? '' }) };
  }

  /** The task with a browser-loadable attachment link, its work history (attempts, reviews), pipeline state and current holder. */
  async taskDetail(caller: Caller, taskId: string): Promise<TaskDetail> {
    const task = await this.tasks.get(caller, taskId);
    const [links, attempts, work, lease, editableResponse] = await Promise.all([
      this.attachmentLinks.resolve(caller, [task]),
      this.dashboard.attemptsOfTask(task.id, caller.account.id),
      this.dashboard.workOfTask(task.id),
      this.dashboard.currentLease(task.id, Date.now()),
      this.editable.editableResponse(task),
    ]);
    return { task, links: links.get(task.id), attempts, work, lease, editableResponse };
  }

  /**
   * A customer audit from the dashboard (contract 4.1.4, 5.4, 5.5): `accepted` or `rejected` (as
   * `POST task/{id}/audit`), `fixed` with a corrected `response` (the old one goes to
   * `prior_responses`), or `commented`. Only completed tasks; the callback fires as for API audits.
   * A signed-in teammate is recorded as the auditor; an API key is recorded as the account owner.
   */
  async audit(actor: DashboardActor, taskId: string, rawBody: unknown): Promise<AuditedTask> {
    const audited = await this.recordAudit(actor, taskId, rawBody);
    const links = await this.attachmentLinks.resolve(actor.caller, [audited]);
    return { task: audited, links: links.get(audited.id) };
  }

  private async recordAudit(actor: DashboardActor, taskId: string, rawBody: unknown): Promise<Task> {
    const body = objectBody(rawBody);
    const result = readString(body.result, 'result');
    if (result === undefined || !(AUDIT_RESULTS as readonly string[]).includes(result)) {
      throw new InvalidRequest(`Invalid value for 'result': ${result === undefined ? 'missing' : `"${result}"`}. Use one of ${AUDIT_RESULTS.join(', ')}.`);
    }
    const comments = readString(body.comments, 'comments')?.trim() || undefined;
    if (!actor.email && (result === 'accepted' || result === 'rejected')) {
      return this.tasks.audit(actor.caller, taskId, { accepted: result === 'accepted', comments });
    }
    if (result === 'commented' && comments === undefined) throw new InvalidRequest("Missing required parameter 'comments': the comment to record.");
    if (result === 'fixed' && !isPlainObject(body.response)) {
      throw new InvalidRequest("Missing required parameter 'response': the corrected response object that replaces the task's response.");
    }
    const task = await this.tasks.get(actor.caller, taskId);
    // A fix is checked as a labeler's submission is: it becomes the response (and its result files).
    if (result === 'fixed') validateResponse(task.type, task.params, body.response);
    // A teammate's audit records the time the page measured; an API key's audit records 0 (contract 5.5).
    const timeSecs = actor.email ? readAuditSecs(body.time_spent_secs) : 0;
    const auditor: Auditor = { email: actor.email ?? (await this.ownerEmail(actor.caller)), source: 'customer', timeSecs };
    // A fix's result files (masks) are written before the transaction, which then holds no lock while they render.
    if (result === 'fixed') await this.lifecycle.prepareResults(task, body.response);
    const audited = await this.lifecycle.transaction(this.db.kysely, (trx) => {
      switch (result as AuditResult) {
        case 'accepted':
        case 'rejected':
          return this.lifecycle.auditTask(trx, task, { accepted: result === 'accepted', comments, auditor });
        case 'fixed':
          return this.lifecycle.fixTask(trx, task, body.response, { comments, auditor });
        case 'commented':
          return this.lifecycle.commentTask(trx, task, { comments: comments!, auditor });
      }
    });
    this.notifyWork();
    return audited;
  }

  /**
   * Per teammate who labels or reviews (every labeler, and anyone with attempts in the range): tasks
   * labeled and reviewed, time spent, gold answers and their mean score, the mean consensus
   * agreement of the tasks they labeled, and how reviewers judged their work.
   */
  async labelerStats(caller: Caller, query: LabelerStatsQuery): Promise<LabelerStats[]> {
    const projects = await this.projects.list(caller.account.id, caller.environment);
    let projectId: string | undefined;
    if (query.project !== undefined) {
      const project = projects.find((candidate) => candidate.name === query.project);
      if (!project) throw new NotFound(`No project named "${query.project}" exists.`);
      projectId = project.id;
    }
    // Agreement is only measured in consensus projects; reading other projects' attempts for it would find nothing.
    const consensus = projects.filter((project) => project.pipeline === 'consensus_task' && (projectId === undefined || project.id === projectId)).map((project) => project.id);
    const teammates = await this.users.listByAccount(caller.account.id);
    const range = { userIds: teammates.map((user) => user.id), projectId, from: query.from, to: query.to };
    const [totals, agreement, outcomes, audits] = await Promise.all([
      this.dashboard.attemptTotals(range),
      this.dashboard.agreementByUser(range, consensus),
      this.dashboard.reviewOutcomesByLabeler(range),
      this.customerAudits.outcomesByLabeler({ ...range, accountId: caller.account.id }),
    ]);
    const stats = new Map<string, LabelerStats>();
    const entry = (user: UserRow): LabelerStats => {
      let found = stats.get(user.id);
      if (!found) {
        found = {
          user,
          labels: { attempts: 0, timeSpentMs: 0 },
          reviews: { attempts: 0, timeSpentMs: 0 },
          gold: { attempts: 0, scoreSum: 0, scored: 0 },
          agreement: agreement.get(user.id),
          reviewOutcomes: outcomes.get(user.id) ?? {},
          customerAudits: audits.get(user.id) ?? {},
        };
        stats.set(user.id, found);
      }
      return found;
    };
    const byId = new Map(teammates.map((user) => [user.id, user]));
    for (const user of teammates) if (user.role === 'labeler') entry(user);
    for (const total of totals) {
      const user = byId.get(total.user_id);
      if (!user) continue;
      const found = entry(user);
      if (total.kind === 'label') found.labels = { attempts: total.attempts, timeSpentMs: total.time_spent_ms };
      else if (total.kind === 'review') found.reviews = { attempts: total.attempts, timeSpentMs: total.time_spent_ms };
      else if (total.kind === 'gold') found.gold = { attempts: total.attempts, scoreSum: total.score_sum, scored: total.scored };
    }
    return [...stats.values()];
  }

  /** The account owner, who API audits are recorded as (contract 5.5): the first admin teammate. */
  private async ownerEmail(caller: Caller): Promise<string> {
    const teammates = await this.users.listByAccount(caller.account.id);
    return (teammates.find((user) => user.role === 'admin') ?? teammates[0])?.email ?? 'owner';
  }
}

function encodePosition(position: TaskPosition): string {
  const text = position.uniqueId !== undefined ? `u:${position.uniqueId}` : `t:${position.createdAt}:${position.id}`;
  return Buffer.from(text, 'utf8').toString('base64url');
}

function decodePosition(token: string): TaskPosition {
  const text = Buffer.from(token, 'base64url').toString('utf8');
  if (text.startsWith('u:')) return { uniqueId: text.slice(2) };
  const match = /^t:(\d+):([A-Za-z0-9_-]+)$/.exec(text);
  if (!match) throw new InvalidRequest("Invalid value for 'next_token': pass the next_token of the previous page unchanged.");
  return { createdAt: Number(match[1]), id: match[2] };
}

/** `time_spent_secs` of a dashboard audit: seconds from opening the task to the decision, rounded; 0 when absent. */
function readAuditSecs(value: unknown): number {
  if (value === undefined || value === null) return 0;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > MAX_AUDIT_SECS) {
    throw new InvalidRequest(`Invalid value for 'time_spent_secs': expected a number of seconds from 0 to ${MAX_AUDIT_SECS}.`);
  }
  return Math.round(value);
}
