import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Environment } from '../db/tables/projects_batches.ts';
import type { TaskStatus, WorkState } from '../db/tables/tasks.ts';
import type { TaskStatusCounts } from './batch.repository.ts';
import { fromAttemptRow, type Attempt } from './work-record.repository.ts';

/** A task as the dashboard's browser lists it: no params or response, so a page stays small. */
export interface TaskSummary {
  id: string;
  type: string;
  status: TaskStatus;
  work_state: WorkState;
  project_name: string;
  batch_name: string | null;
  unique_id: string | null;
  priority: number | null;
  customer_review_status: string | null;
  created_at: number;
  updated_at: number;
  completed_at: number | null;
}

export interface TaskBrowserFilters {
  projectId?: string;
  batchId?: string;
  status?: TaskStatus;
  workStates?: WorkState[];
  /** Matches a task id exactly, or a unique_id exactly or by prefix. */
  search?: string;
}

/**
 * Where the previous page ended: its last task's (created_at, id); when searching, its last
 * unique_id instead (`''`: the page held only the task whose id matched, so start at the prefix).
 */
export type TaskPosition = { createdAt: number; id: string; uniqueId?: undefined } | { uniqueId: string; createdAt?: undefined; id?: undefined };

export interface ThroughputRange {
  accountId: string;
  environment: Environment;
  projectId?: string;
  /** Inclusive lower bound on completed_at (epoch ms). */
  from: number;
  /** Exclusive upper bound. */
  to: number;
  bucketMs: number;
  /** Added to instants before bucketing, so day buckets follow the viewer's midnight. */
  offsetMs: number;
}

/** One finished piece of work on a task (label, review or gold), with the worker's email. */
export type AttemptRecord = Attempt & { email: string | null };

export interface TaskWorkRecord {
  round: number;
  attempts: number;
  review_reason: string | null;
  agreement: number | null;
}

export interface LeaseRecord {
  user_id: string;
  email: string | null;
  kind: string;
  started_at: number;
  expires_at: number;
}

/** Per-user totals of one kind of attempt. */
export interface AttemptTotals {
  user_id: string;
  kind: string;
  attempts: number;
  time_spent_ms: number;
  scored: number;
  score_sum: number;
}

export interface StatsRange {
  /** The account's teammates (their attempts are the account's). */
  userIds: readonly string[];
  projectId?: string;
  from?: number;
  to?: number;
}

const STATUSES: readonly TaskStatus[] = ['pending', 'completed', 'error', 'canceled'];

/**
 * The read side of the manager dashboard: progress counters, throughput, the task browser, a
 * task's work history and labelers' totals. Every query is a grouped or keyset read on an index;
 * none loads a project's tasks.
 */
export class DashboardRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Task counts by project and status, summed from the maintained task_counts rows (one grouped read of the counters). */
  async projectCounts(accountId: string, environment: Environment): Promise<Map<string, TaskStatusCounts>> {
    const rows = await this.db
      .selectFrom('task_counts')
      .select(['project_id', 'status', (eb) => eb.fn.sum<number>('n').as('n')])
      .where('account_id', '=', accountId)
      .where('environment', '=', environment)
      .groupBy(['project_id', 'status'])
      .execute();
    const counts = new Map<string, TaskStatusCounts>();
    for (const row of rows) {
      const entry = counts.get(row.project_id) ?? { pending: 0, completed: 0, error: 0, canceled: 0 };
      if (STATUSES.includes(row.status)) entry[row.status] = Number(row.n);
      counts.set(row.project_id, entry);
    }
    return counts;
  }

  /**
   * Completed tasks per time bucket, in one grouped query over the (account, environment,
   * completed_at) index. Buckets are computed with integer arithmetic on epoch milliseconds, which
   * both SQLite and PostgreSQL evaluate the same way. Returns bucket start → count.
   */
  async completedPerBucket(range: ThroughputRange): Promise<Map<number, number>> {
    const bucket = sql<number>`(${sql.ref('completed_at')} - ((${sql.ref('completed_at')} + ${sql.lit(range.offsetMs)}) % ${sql.lit(range.bucketMs)}))`;
    const rows = await this.db
      .selectFrom('tasks')
      .select([bucket.as('bucket'), (eb) => eb.fn.countAll<number>().as('n')])
      .where('account_id', '=', range.accountId)
      .where('environment', '=', range.environment)
      .where('completed_at', '>=', range.from)
      .where('completed_at', '<', range.to)
      // A literal, not a bound parameter: only then may SQLite use the partial index on completed tasks.
      .where('status', '=', sql.lit('completed'))
      .$if(range.projectId !== undefined, (query) => query.where('project_id', '=', range.projectId!))
      .groupBy(bucket)
      .execute();
    return new Map(rows.map((row) => [Number(row.bucket), Number(row.n)]));
  }

  /**
   * One page of tasks after the position. Without a search, newest first (keyset on created_at,
   * id). With one, the task whose id is the search text, then the tasks whose unique_id starts with
   * it in unique_id order (keyset on unique_id): a prefix can match millions of tasks, and only
   * the unique_id index's own order lets a page of them be read without sorting every match.
   */
  async browseTasks(accountId: string, environment: Environment, filters: TaskBrowserFilters, page: { limit: number; after?: TaskPosition }): Promise<TaskSummary[]> {
    if (filters.search !== undefined) return this.searchTasks(accountId, environment, filters, filters.search, page);
    const inner = this.summaries(accountId, environment, filters)
      .$if(page.after?.createdAt !== undefined, (query) =>
        query
          .where('tasks.created_at', '<=', page.after!.createdAt!)
          .where((eb) => eb.or([eb('tasks.created_at', '<', page.after!.createdAt!), eb('tasks.id', '<', page.after!.id!)])),
      )
      .orderBy('tasks.created_at', 'desc')
      .orderBy('tasks.id', 'desc')
      .limit(page.limit);
    return this.withNames(inner, 'recent');
  }

  private async searchTasks(accountId: string, environment: Environment, filters: TaskBrowserFilters, search: string, page: { limit: number; after?: TaskPosition }): Promise<TaskSummary[]> {
    const found: TaskSummary[] = [];
    if (page.after === undefined) {
      const byId = this.summaries(accountId, environment, filters).where('tasks.id', '=', search);
      found.push(...(await this.withNames(byId, 'recent')));
    }
    // A prefix range, not LIKE: both databases serve it from the (account, environment, unique_id) index.
    const after = page.after?.uniqueId;
    const byPrefix = this.summaries(accountId, environment, filters)
      .where('tasks.unique_id', '>=', search)
      .where('tasks.unique_id', '<', `${search}\u{10FFFF}`)
      .$if(Boolean(after), (query) => query.where('tasks.unique_id', '>', after!))
      .orderBy('tasks.unique_id')
      .limit(page.limit);
    const matches = await this.withNames(byPrefix, 'unique_id');
    return [...found, ...matches.filter((task) => !found.some((first) => first.id === task.id))];
  }

  /** The summary columns of the caller's tasks matching the filters (no search). */
  private summaries(accountId: string, environment: Environment, filters: TaskBrowserFilters) {
    return this.db
      .selectFrom('tasks')
      .select([
        'tasks.id', 'tasks.type', 'tasks.status', 'tasks.work_state', 'tasks.project_id', 'tasks.batch_id', 'tasks.unique_id',
        'tasks.priority', 'tasks.customer_review_status', 'tasks.created_at', 'tasks.updated_at', 'tasks.completed_at',
      ])
      .where((eb) => {
        const conditions: Expression<SqlBool>[] = [eb('tasks.account_id', '=', accountId), eb('tasks.environment', '=', environment)];
        if (filters.projectId !== undefined) conditions.push(eb('tasks.project_id', '=', filters.projectId));
        if (filters.batchId !== undefined) conditions.push(eb('tasks.batch_id', '=', filters.batchId));
        if (filters.status !== undefined) conditions.push(eb('tasks.status', '=', filters.status));
        if (filters.workStates !== undefined) conditions.push(eb('tasks.work_state', 'in', filters.workStates));
        return eb.and(conditions);
      });
  }

  /** The page chosen on tasks alone (an index range read), then joined for project and batch names, in the same order. */
  private async withNames(inner: ReturnType<DashboardRepository['summaries']>, order: 'recent' | 'unique_id'): Promise<TaskSummary[]> {
    const rows = await this.db
      .selectFrom(inner.as('t'))
      .innerJoin('projects as p', 'p.id', 't.project_id')
      .leftJoin('batches as b', 'b.id', 't.batch_id')
      .selectAll('t')
      .select(['p.name as project_name', 'b.name as batch_name'])
      .$if(order === 'recent', (query) => query.orderBy('t.created_at', 'desc').orderBy('t.id', 'desc'))
      .$if(order === 'unique_id', (query) => query.orderBy('t.unique_id'))
      .execute();
    return rows.map((row) => ({
      id: row.id,
      type: row.type,
      status: row.status,
      work_state: row.work_state,
      project_name: row.project_name,
      batch_name: row.batch_name,
      unique_id: row.unique_id,
      priority: row.priority,
      customer_review_status: row.customer_review_status,
      created_at: Number(row.created_at),
      updated_at: Number(row.updated_at),
      completed_at: row.completed_at === null ? null : Number(row.completed_at),
    }));
  }

  /** A task's label, review and gold attempts in the order they were submitted, with the workers' emails. */
  async attemptsOfTask(taskId: string, accountId: string): Promise<AttemptRecord[]> {
    const rows = await this.db
      .selectFrom('task_attempts as a')
      .leftJoin('users as u', 'u.id', 'a.user_id')
      .selectAll('a')
      .select('u.email')
      .where('a.task_id', '=', taskId)
      .where('a.account_id', '=', accountId)
      .orderBy('a.submitted_at')
      .orderBy('a.id')
      .execute();
    return rows.map((row) => ({ ...fromAttemptRow(row), email: row.email }));
  }

  /** The task's pipeline state (round, attempts, agreement), when it has seen work. */
  async workOfTask(taskId: string): Promise<TaskWorkRecord | undefined> {
    const row = await this.db.selectFrom('task_work').select(['round', 'attempts', 'review_reason', 'agreement']).where('task_id', '=', taskId).executeTakeFirst();
    if (!row) return undefined;
    return { round: Number(row.round), attempts: Number(row.attempts), review_reason: row.review_reason, agreement: row.agreement === null ? null : Number(row.agreement) };
  }

  /** Who holds the customer task right now (an unexpired lease), if anyone. */
  async currentLease(taskId: string, now: number): Promise<LeaseRecord | undefined> {
    const row = await this.db
      .selectFrom('task_leases as l')
      .leftJoin('users as u', 'u.id', 'l.user_id')
      .select(['l.user_id', 'u.email', 'l.kind', 'l.started_at', 'l.expires_at'])
      .where('l.task_id', '=', taskId)
      .where('l.task_source', '=', 'task')
      .where('l.expires_at', '>', now)
      .executeTakeFirst();
    if (!row) return undefined;
    return { user_id: row.user_id, email: row.email, kind: row.kind, started_at: Number(row.started_at), expires_at: Number(row.expires_at) };
  }

  /**
   * Per (user, kind) totals of attempts: count, time spent, and gold scores. One grouped query whose
   * every (user, kind) pair is a range read of the covering (user_id, kind, submitted_at, …) index;
   * the users are the account's teammates, so their attempts are the account's.
   */
  async attemptTotals(range: StatsRange): Promise<AttemptTotals[]> {
    if (range.userIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('task_attempts')
      .select([
        'user_id',
        'kind',
        (eb) => eb.fn.countAll<number>().as('attempts'),
        (eb) => eb.fn.sum<number>('time_spent_ms').as('time_spent_ms'),
        (eb) => eb.fn.count<number>('score').as('scored'),
        (eb) => eb.fn.sum<number>('score').as('score_sum'),
      ])
      .where('user_id', 'in', [...range.userIds])
      .where('kind', 'in', ['label', 'review', 'gold'])
      .$if(range.from !== undefined, (query) => query.where('submitted_at', '>=', range.from!))
      .$if(range.to !== undefined, (query) => query.where('submitted_at', '<', range.to!))
      .$if(range.projectId !== undefined, (query) => query.where('project_id', '=', range.projectId!))
      .groupBy(['user_id', 'kind'])
      .execute();
    return rows.map((row) => ({
      user_id: row.user_id,
      kind: row.kind,
      attempts: Number(row.attempts),
      time_spent_ms: Number(row.time_spent_ms ?? 0),
      scored: Number(row.scored),
      score_sum: Number(row.score_sum ?? 0),
    }));
  }

  /**
   * Per user: the mean consensus agreement of the tasks they labeled in the given consensus
   * projects whose round was scored, and how many such tasks. Their label attempts come from the
   * covering index; each probes task_work by its primary key.
   */
  async agreementByUser(range: StatsRange, consensusProjectIds: readonly string[]): Promise<Map<string, { tasks: number; mean: number }>> {
    if (range.userIds.length === 0 || consensusProjectIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('task_attempts as a')
      .innerJoin('task_work as w', 'w.task_id', 'a.task_id')
      .select(['a.user_id', (eb) => eb.fn.count<number>('w.agreement').as('tasks'), (eb) => eb.fn.avg<number>('w.agreement').as('mean')])
      .where('a.user_id', 'in', [...range.userIds])
      .where('a.kind', '=', 'label')
      .$if(range.from !== undefined, (query) => query.where('a.submitted_at', '>=', range.from!))
      .$if(range.to !== undefined, (query) => query.where('a.submitted_at', '<', range.to!))
      .where('a.project_id', 'in', [...consensusProjectIds])
      .where('w.agreement', 'is not', null)
      .groupBy('a.user_id')
      .execute();
    return new Map(rows.map((row) => [row.user_id, { tasks: Number(row.tasks), mean: Number(row.mean) }]));
  }

  /**
   * Per labeler: how reviewers judged their work (accepted, rejected, fixed, commented), counting
   * the reviews made in the range (by the listed teammates) of rounds they labeled. Driven from the
   * reviews, which are far fewer than label attempts; each finds its round's label attempts through
   * the (task_id, kind, round, attempt_no) index.
   */
  async reviewOutcomesByLabeler(range: StatsRange): Promise<Map<string, Record<string, number>>> {
    if (range.userIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('task_attempts as r')
      .innerJoin('task_attempts as l', (join) => join.onRef('l.task_id', '=', 'r.task_id').on('l.kind', '=', 'label').onRef('l.round', '=', 'r.round'))
      .select(['l.user_id', 'r.result', (eb) => eb.fn.countAll<number>().as('n')])
      .where('r.user_id', 'in', [...range.userIds])
      .where('r.kind', '=', 'review')
      .$if(range.from !== undefined, (query) => query.where('r.submitted_at', '>=', range.from!))
      .$if(range.to !== undefined, (query) => query.where('r.submitted_at', '<', range.to!))
      .$if(range.projectId !== undefined, (query) => query.where('r.project_id', '=', range.projectId!))
      .groupBy(['l.user_id', 'r.result'])
      .execute();
    const outcomes = new Map<string, Record<string, number>>();
    for (const row of rows) {
      if (row.result === null) continue;
      const entry = outcomes.get(row.user_id) ?? {};
      entry[row.result] = Number(row.n);
      outcomes.set(row.user_id, entry);
    }
    return outcomes;
  }
}
