import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { DialectHelpers } from '../db/dialect.ts';
import type { TaskLeasesTable, TaskSource, WorkKind } from '../db/tables/queue.ts';
import { CompiledStatement, perDialect, prepareQuery } from '../db/compiled-statement.ts';
import { taskFromStored, type StoredTask, type Task } from './task.repository.ts';
import type { StoredDraft, TaskWork } from './work-record.repository.ts';
import { sessionLookupFromRow, sessionReadQuery, type SessionLookup, type SessionReadRow } from './session.repository.ts';

export type Lease = Selectable<TaskLeasesTable>;

/** What a submission works from, read in one statement with its lease row locked (lockLeaseForSubmit). */
export interface HeldWork {
  lease: Lease;
  /** The customer task behind the lease; undefined for a gold lease or a task that is gone. */
  task?: Task;
  /** The task's project's pipeline. */
  pipeline: AssignedProject['pipeline'];
  consensus_attempts: number | null;
  /** The task's pipeline state; undefined before its first submission. */
  work?: TaskWork;
  /** The account's default callback URL (used when the task has none). */
  accountCallbackUrl: string | null;
}

/** Row versions (PostgreSQL xmin) of a task and its pipeline state as read; null when the row did not exist. */
export interface SubmitVersions {
  task: string | null;
  work: string | null;
}

/** A project the user is assigned to (live environment only: test tasks never reach labelers). */
export interface AssignedProject {
  id: string;
  name: string;
  type: string;
  pipeline: 'standard_task' | 'consensus_task' | null;
  consensus_attempts: number | null;
}

/**
 * Where queued tasks are taken from: one batch, or the tasks of a project outside any batch
 * (`batch_key` ''). Ranked by Studio priority (explicit places first), then batch priority.
 */
export interface QueueSource {
  project_id: string;
  batch_key: string;
  studio_priority: number | null;
  batch_priority: number | null;
}

/** The first task a user may take from a source, in claim order. */
export interface SourceHead {
  source: QueueSource;
  task_id: string;
  priority: number | null;
  created_at: number;
}

type AssignedProjectRow = Omit<AssignedProject, 'consensus_attempts'> & { consensus_attempts: number | null };
type BatchSourceRow = { id: string; project_id: string; studio_priority: number | null; priority: number | null };
type HeadRow = { id: string; priority: number | null; created_at: number };
/** claimWithLease's row: the claimed task's columns with its names, and the user's draft (nulls when none). */
export type ClaimedRow = StoredTask & {
  draft_response: string | null;
  draft_updated_at: number | string | null;
  draft_parts: Array<{ path: string; value: string; revision: number | string; updated_at: number | string }>;
};
/** nextContext's row (PostgreSQL); the JSON columns arrive parsed. With the session read folded in (nextContextForSession), also the session's row. */
export type ContextRow = { expired: boolean; held: Lease | null; projects: AssignedProjectRow[]; batches: BatchSourceRow[]; session?: SessionReadRow | null };

/** nextContext's answer from the context statement's row. */
export function contextFromRow(row: ContextRow): NextContext {
  const projects = row.projects.map(assignedFromRow);
  return {
    expired: row.expired,
    held: row.held ? normalizeLease(row.held) : undefined,
    projects,
    sources: sourcesFrom(row.batches, projects.map((project) => project.id)),
  };
}

/** What `queue/next` knows before it claims (nextContext). */
export interface NextContext {
  /** Some lease has expired: sweep before claiming. */
  expired: boolean;
  /** The user's unexpired lease of the kind asked for. */
  held?: Lease;
  projects: AssignedProject[];
  /** The projects' sources when they were read with the rest (PostgreSQL); else ask `sources`. */
  sources?: QueueSource[];
}

/** A claim's lease and, when the claim read them too (PostgreSQL), its task and the user's draft of it. */
export interface Claimed {
  lease: Lease;
  read?: { task: Task; draft?: StoredDraft };
}
/** lockLeaseForSubmit's row: the task's columns (null for a gold lease), then the prefixed lease, project, work and account columns. */
type HeldWorkRow = Record<string, unknown> & {
  id: string | null;
  lease_id: string; lease_account_id: string; lease_task_id: string; lease_task_source: string; lease_user_id: string; lease_kind: string;
  lease_started_at: number; lease_expires_at: number;
  project_pipeline: AssignedProject['pipeline']; project_consensus_attempts: number | null;
  work_task_id: string | null; work_round: number | null; work_attempts: number | null; work_pending_response: unknown;
  work_review_reason: string | null; work_agreement: number | null; account_callback_url: string | null;
};

/** Waiting states and the state a claim moves them to. */
const CLAIM_STATES: Record<WorkKind, { from: string; to: string }> = {
  label: { from: 'queued', to: 'in_progress' },
  review: { from: 'review', to: 'reviewing' },
};

/**
 * The first task of a source the user may take: waiting in this kind's state (a literal, so the
 * partial queue index serves it), not attempted by the user in its current round (for review: never
 * labeled by them),
 * not skipped by them since the cut-off, in (priority desc, created_at, id) order.
 */
function firstAvailable(db: Kysely<Database>, kind: WorkKind, projectId: string, batchKey: string, userId: string, skipCutoff: string) {
  const state = CLAIM_STATES[kind].from;
  return db
    .selectFrom('tasks as t')
    .select(['t.id', 't.priority', 't.created_at'])
    .where('t.project_id', '=', projectId)
    .where(sql<string>`coalesce(t.batch_id, '')`, '=', batchKey)
    .where('t.work_state', '=', sql.lit(state) as never)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('task_attempts as a')
            .select(sql.lit(1).as('one'))
            .whereRef('a.task_id', '=', 't.id')
            .where('a.user_id', '=', userId)
            // Labeling: attempts of the task's current round only, so a task a reviewer rejected (a new
            // round) can go back to the labelers of the last one; consensus attempts stay independent
            // within a round. Review: never a task the reviewer labeled, in any round.
            .$if(kind === 'label', (query) => query.where('a.round', '=', sql<number>`coalesce((select w.round from task_work w where w.task_id = t.id), 0)`))
            .$if(kind === 'review', (query) => query.where('a.kind', '=', sql.lit('label'))),
        ),
      ),
    )
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('task_skips as s')
            .select(sql.lit(1).as('one'))
            .whereRef('s.task_id', '=', 't.id')
            .where('s.user_id', '=', userId)
            .where('s.kind', '=', sql.lit(kind))
            .where('s.skipped_at', '>', skipCutoff as unknown as number),
        ),
      ),
    )
    .orderBy(sql`t.priority desc nulls last`)
    .orderBy('t.created_at')
    .orderBy('t.id')
    // A literal: as a parameter, PostgreSQL's generic plan of the prepared claim guesses 10 % of the rows.
    .limit(sql.lit(1) as never);
}

/** The user's live projects, in name order. */
export function assignedProjectsQuery(db: Kysely<Database>, userId: string, accountId: string) {
  return db
    .selectFrom('studio_assignments as a')
    .innerJoin('projects as p', 'p.id', 'a.project_id')
    .select(['p.id', 'p.name', 'p.type', 'p.pipeline', 'p.consensus_attempts'])
    .where('a.user_id', '=', userId)
    .where('p.account_id', '=', accountId)
    .where('p.environment', '=', sql.lit('live') as never)
    .orderBy('p.name');
}

/** Running batches (the caller adds which projects'); with a user, only those without groups or with a group they belong to (labeling). */
export function runningBatchesQuery(db: Kysely<Database>, userId?: string) {
  return db
    .selectFrom('batches as b')
    .select(['b.id', 'b.project_id', 'b.studio_priority', 'b.priority'])
    .where('b.status', '=', sql.lit('in_progress') as never)
    .$if(userId !== undefined, (query) =>
      query.where((eb) =>
        eb.or([
          eb.not(eb.exists(eb.selectFrom('batch_groups as g').select(sql.lit(1).as('one')).whereRef('g.batch_id', '=', 'b.id'))),
          eb.exists(
            eb
              .selectFrom('batch_groups as g')
              .innerJoin('project_group_members as m', 'm.group_id', 'g.group_id')
              .select(sql.lit(1).as('one'))
              .whereRef('g.batch_id', '=', 'b.id')
              .where('m.user_id', '=', userId!),
          ),
        ]),
      ),
    );
}

/**
 * THE claim: one statement moves the first available task of the source from its waiting state to
 * its leased state. On PostgreSQL the sub-select skips rows other claimers have locked, and the
 * outer condition re-checks the state, so two claimers never get the same task; SQLite runs
 * writes one at a time.
 */
function claimStatement(kind: WorkKind, dialect: DialectHelpers) {
  return new CompiledStatement<{ id: string }>(4, (db: Kysely<Database>, projectId, batchKey, userId, skipCutoff) =>
    claimUpdate(db, kind, dialect, projectId, batchKey, userId, skipCutoff).returning('id'),
  );
}

export function claimUpdate(db: Kysely<Database>, kind: WorkKind, dialect: DialectHelpers, projectId: string, batchKey: string, userId: string, skipCutoff: string) {
  const { from, to } = CLAIM_STATES[kind];
  return db
    .updateTable('tasks')
    .set({ work_state: sql.lit(to) as never })
    .where('id', '=', (eb) => firstAvailable(eb as unknown as Kysely<Database>, kind, projectId, batchKey, userId, skipCutoff).clearSelect().select('t.id').modifyEnd(dialect.skipLocked))
    .where('work_state', '=', sql.lit(from) as never);
}

/**
 * PostgreSQL: the claim, the lease insert and the reads an assignment needs as one statement (the
 * claim and the insert in data-modifying WITHs), run on its own without BEGIN and COMMIT: one round
 * trip where a transaction of two writes and the task and draft reads after it took six. Both writes
 * commit together, as the transaction made them. The task row is the claim's RETURNING (the
 * statement's snapshot predates the claim), joined to its project and batch names and the user's
 * draft. (SQLite has no writes in WITH; its statements cost no round trip.)
 * Prepared once per connection: its generic plan (EXPLAIN EXECUTE under plan_cache_mode =
 * force_generic_plan, 150,000 queued tasks in two projects) is the custom plan's, an index scan of
 * tasks_label_queue from its head under LockRows, the attempt and skip probes as anti-joins.
 */
function claimWithLeaseStatement(kind: WorkKind, dialect: DialectHelpers) {
  return new CompiledStatement<ClaimedRow>(10, (db: Kysely<Database>, projectId, batchKey, userId, skipCutoff, leaseId, accountId, leaseUser, startedAt, expiresAt, draftUser) => ({
    compile: () =>
      sql<ClaimedRow>`with claimed as (${claimUpdate(db, kind, dialect, projectId, batchKey, userId, skipCutoff).returningAll()}),
        leased as (
          insert into task_leases (id, account_id, task_id, task_source, user_id, kind, started_at, expires_at)
          select cast(${leaseId} as text), cast(${accountId} as text), claimed.id, 'task', cast(${leaseUser} as text), ${sql.lit(kind)}, cast(${startedAt} as bigint), cast(${expiresAt} as bigint) from claimed
          returning task_id
        )
        ${claimedAssignmentSelect(sql`cast(${draftUser} as text)`)}`.compile(db),
  }), { prepared: true });
}

/**
 * PostgreSQL: the select that ends a claim-with-lease statement (this file's and
 * next-in-one-statement.ts's): the task the `claimed` WITH claimed, once the `leased` WITH wrote its
 * lease, with its project and batch names and `draftUser`'s draft and draft parts (ClaimedRow).
 */
export function claimedAssignmentSelect(draftUser: unknown) {
  return sql`select c.*, p.name as project_name, b.name as batch_name, d.response as draft_response, d.updated_at as draft_updated_at,
      (select coalesce(json_agg(json_build_object('path', dp.path, 'value', dp.value, 'revision', dp.revision, 'updated_at', dp.updated_at)), '[]')
        from task_draft_parts dp where dp.task_id = c.id and dp.user_id = ${draftUser}) as draft_parts
    from leased
    join claimed c on c.id = leased.task_id
    join projects p on p.id = c.project_id
    left join batches b on b.id = c.batch_id
    left join task_drafts d on d.task_id = c.id and d.user_id = ${draftUser}`;
}

/**
 * PostgreSQL: everything `queue/next` reads before it claims, as one statement (one round trip and
 * one pooled connection where four statements took three round trips): whether any lease has
 * expired (the sweep runs only then), the user's unexpired lease of this kind, their live projects
 * (all, or the one named) and those projects' running batches they may work.
 */
function nextContextStatement(kind: WorkKind) {
  return new CompiledStatement<ContextRow>(4, (db: Kysely<Database>, userId, accountId, projectId, now) => {
    const assigned = assignedProjectsQuery(db, userId, accountId).where((eb) => eb.or([eb(sql`cast(${projectId} as text)`, 'is', null), eb('p.id', '=', projectId)]));
    return { compile: () => sql<ContextRow>`with assigned as (${assigned}) ${contextColumns(db, kind, userId, now, sql``)}`.compile(db) };
  }, { prepared: true });
}

/**
 * PostgreSQL: nextContextStatement for all the user's projects with the session read folded in: the
 * user and account are the session's (`sess`, the row `SessionRepository.findSession` reads), and the
 * session's row is one more column, which the caller checks as every session is checked
 * (SessionService.admit) before using anything else of the row. One round trip where the session
 * read and the context read took two. Nothing is cached: a session revoked a moment ago is gone
 * from `sessions`, so the row says so. Without a session row the user is null and every list empty.
 */
function nextContextForSessionStatement(kind: WorkKind) {
  return new CompiledStatement<ContextRow>(2, (db: Kysely<Database>, tokenHash, now) => {
    // Scalar sub-selects of the one-row `sess`: PostgreSQL runs each once (an InitPlan) and probes the indexes with its value.
    const userId = sql<string>`(select user_id from sess)` as unknown as string;
    const accountId = sql<string>`(select account_id from sess)` as unknown as string;
    const assigned = assignedProjectsQuery(db, userId, accountId);
    return {
      compile: () =>
        sql<ContextRow>`with sess as (${sessionReadQuery(db, tokenHash)}), assigned as (${assigned})
          ${contextColumns(db, kind, userId, now, sql`, (select row_to_json(sess) from sess) as session`)}`.compile(db),
    };
  }, { prepared: true });
}

/** The user's newest unexpired lease of this kind (`userId` a bound value or an SQL expression, `now` a bound value). */
export function heldLeaseQuery(db: Kysely<Database>, kind: WorkKind, userId: string, now: string) {
  return db
    .selectFrom('task_leases')
    .selectAll()
    .where('user_id', '=', userId)
    .where('kind', '=', sql.lit(kind) as never)
    .where('expires_at', '>', sql<number>`cast(${now} as bigint)`)
    .orderBy('expires_at', 'desc')
    .limit(sql.lit(1) as never);
}

/** The select of the context statements, over the `assigned` projects; `userId` a bound value or an SQL expression. */
function contextColumns(db: Kysely<Database>, kind: WorkKind, userId: string, now: string, more: ReturnType<typeof sql>) {
  const held = heldLeaseQuery(db, kind, userId, now);
  const batches = runningBatchesQuery(db, kind === 'label' ? userId : undefined).where('b.project_id', 'in', sql<string>`(select id from assigned)`);
  return sql`select
      exists (select 1 from task_leases where expires_at <= cast(${now} as bigint)) as expired,
      (select row_to_json(h) from (${held}) h) as held,
      (select coalesce(json_agg(a order by a.name), '[]') from assigned a) as projects,
      (select coalesce(json_agg(s order by s.project_id, s.id), '[]') from (${batches}) s) as batches${more}`;
}

/**
 * PostgreSQL: the WITHs `ended` (the user's unexpired lease, deleted) and `requeued` (a customer
 * task given back to its waiting state) of a release; `userId` a bound value or an SQL expression.
 * Shared by END_LEASE_REQUEUE and the release that also reads the session (release-in-one-statement.ts).
 */
export function releaseWiths(id: string, userId: unknown, now: string) {
  return sql`ended as (
        delete from task_leases where id = ${id} and user_id = ${userId} and expires_at > cast(${now} as bigint) returning task_id, task_source, kind
      ), requeued as (
        update tasks set work_state = case when ended.kind = 'review' then 'review' else 'queued' end
        from ended
        where tasks.id = ended.task_id and ended.task_source = 'task' and tasks.status = 'pending'
          and tasks.work_state = case when ended.kind = 'review' then 'reviewing' else 'in_progress' end
        returning tasks.id
      )`;
}

/**
 * PostgreSQL: ending the user's unexpired lease and, for a customer task, giving the task back to
 * its waiting state, as one statement without BEGIN and COMMIT (endLease's delete and update in a
 * transaction took four round trips). Answers one row when a lease ended.
 */
const END_LEASE_REQUEUE = new CompiledStatement<{ ended: string }>(3, (db: Kysely<Database>, id, userId, now) => ({
  compile: () => sql<{ ended: string }>`with ${releaseWiths(id, userId, now)}
      select task_id as ended from ended`.compile(db),
}), { prepared: true });

/** A lease joined to its task (with project and batch names), the project's pipeline, the task's pipeline state and the account's callback URL. */
function heldWorkQuery(db: Kysely<Database>, id: string) {
  return db
    .selectFrom('task_leases as l')
    // A gold lease's task_id names a quality task: no tasks row has that id (ids are unique).
    .leftJoin('tasks as t', 't.id', 'l.task_id')
    .leftJoin('projects as p', 'p.id', 't.project_id')
    .leftJoin('batches as b', 'b.id', 't.batch_id')
    .leftJoin('task_work as w', 'w.task_id', 't.id')
    .leftJoin('accounts as a', 'a.id', 't.account_id')
    .selectAll('t')
    .select([
      'l.id as lease_id', 'l.account_id as lease_account_id', 'l.task_id as lease_task_id', 'l.task_source as lease_task_source',
      'l.user_id as lease_user_id', 'l.kind as lease_kind', 'l.started_at as lease_started_at', 'l.expires_at as lease_expires_at',
      'p.name as project_name', 'b.name as batch_name', 'p.pipeline as project_pipeline', 'p.consensus_attempts as project_consensus_attempts',
      'w.task_id as work_task_id', 'w.round as work_round', 'w.attempts as work_attempts', 'w.pending_response as work_pending_response',
      'w.review_reason as work_review_reason', 'w.agreement as work_agreement', 'a.default_callback_url as account_callback_url',
    ])
    .where('l.id', '=', id);
}

/** Statements whose SQL depends on the dialect (row locks), compiled once per dialect. */
function dialectStatements(dialect: DialectHelpers) {
  return {
    label: { claim: claimStatement('label', dialect), claimWithLease: claimWithLeaseStatement('label', dialect), context: nextContextStatement('label'), contextForSession: nextContextForSessionStatement('label') },
    review: { claim: claimStatement('review', dialect), claimWithLease: claimWithLeaseStatement('review', dialect), context: nextContextStatement('review'), contextForSession: nextContextForSessionStatement('review') },
    lockLease: new CompiledStatement<Lease>(1, (db: Kysely<Database>, id) => db.selectFrom('task_leases').selectAll().where('id', '=', id).modifyEnd(dialect.forUpdate)),
    lockLeaseForSubmit: new CompiledStatement<HeldWorkRow>(1, (db: Kysely<Database>, id) =>
      // Only the lease row is locked (PostgreSQL refuses to lock the nullable side of an outer join anyway).
      heldWorkQuery(db, id).modifyEnd(dialect.name === 'postgres' ? sql`for update of l` : sql``),
      { prepared: true },
    ),
    /**
     * PostgreSQL: the same read without a lock, with the row versions (xmin) of the task and its
     * pipeline state, for a submission written in one conditional statement (submission-write.ts)
     * that changes nothing when either row changed since.
     */
    readForSubmit: new CompiledStatement<HeldWorkRow>(1, (db: Kysely<Database>, id) =>
      heldWorkQuery(db, id).select([sql<string | null>`t.xmin::text`.as('task_version'), sql<string | null>`w.xmin::text`.as('work_version')]),
      { prepared: true },
    ),
    /**
     * PostgreSQL: readForSubmit with the session of the token hash as one more column (null when
     * there is none), which the caller checks (SessionService.admit) before anything else of the row:
     * the session read folded into the submission's read, one round trip less. Nothing is cached.
     */
    readForSubmitWithSession: new CompiledStatement<HeldWorkRow>(2, (db: Kysely<Database>, id, tokenHash) =>
      heldWorkQuery(db, id).select([
        sql<string | null>`t.xmin::text`.as('task_version'),
        sql<string | null>`w.xmin::text`.as('work_version'),
        sql<SessionReadRow | null>`(select row_to_json(sess) from (${sessionReadQuery(db, tokenHash)}) sess)`.as('session'),
      ]),
      { prepared: true },
    ),
    sweep: new CompiledStatement<{ task_id: string; task_source: string; kind: string }>(2, (db: Kysely<Database>, now, again) =>
      db
        .deleteFrom('task_leases')
        .where('id', 'in', (eb) => eb.selectFrom('task_leases').select('id').where('expires_at', '<=', now as unknown as number).limit(200).modifyEnd(dialect.skipLocked))
        .where('expires_at', '<=', again as unknown as number)
        .returning(['task_id', 'task_source', 'kind']),
    ),
  };
}

const statementsFor = perDialect(dialectStatements);

const LEASE_COLUMNS = ['id', 'account_id', 'task_id', 'task_source', 'user_id', 'kind', 'started_at', 'expires_at'] as const;
const INSERT_LEASE = new CompiledStatement(LEASE_COLUMNS.length, (db: Kysely<Database>, ...values) =>
  db.insertInto('task_leases').values(Object.fromEntries(LEASE_COLUMNS.map((column, index) => [column, values[index]])) as unknown as Lease),
);
const INSERT_GOLD_LEASE = new CompiledStatement(LEASE_COLUMNS.length, (db: Kysely<Database>, ...values) =>
  db
    .insertInto('task_leases')
    .values(Object.fromEntries(LEASE_COLUMNS.map((column, index) => [column, values[index]])) as unknown as Lease)
    .onConflict((conflict) => conflict.columns(['task_source', 'task_id', 'user_id']).doNothing()),
);
const RENEW_LEASE = new CompiledStatement<Lease>(4, (db: Kysely<Database>, expiresAt, id, userId, now) =>
  db
    .updateTable('task_leases')
    .set({ expires_at: expiresAt as unknown as number })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('expires_at', '>', now as unknown as number)
    .returningAll(),
);
const END_LEASE = new CompiledStatement<{ task_id: string; task_source: string; kind: string }>(3, (db: Kysely<Database>, id, userId, now) =>
  db
    .deleteFrom('task_leases')
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('expires_at', '>', now as unknown as number)
    .returning(['task_id', 'task_source', 'kind']),
);
const TASK_STATE = new CompiledStatement<{ status: string; work_state: string }>(1, (db: Kysely<Database>, id) => db.selectFrom('tasks').select(['status', 'work_state']).where('id', '=', id));
const DELETE_LEASE = new CompiledStatement(1, (db: Kysely<Database>, id) => db.deleteFrom('task_leases').where('id', '=', id));
const REQUEUE = {
  label: requeueStatement('label'),
  review: requeueStatement('review'),
};

function requeueStatement(kind: WorkKind) {
  const { from, to } = CLAIM_STATES[kind];
  return new CompiledStatement(1, (db: Kysely<Database>, id) =>
    db
      .updateTable('tasks')
      .set({ work_state: sql.lit(from) as never })
      .where('id', '=', id)
      .where('status', '=', sql.lit('pending') as never)
      .where('work_state', '=', sql.lit(to) as never),
  );
}

function leaseValues(lease: Lease): unknown[] {
  return LEASE_COLUMNS.map((column) => lease[column]);
}

/** Leases of the work queue and the queries that find and claim work. The only code that builds SQL for task_leases. */
export class QueueRepository {
  // The reads that run on every "next task", compiled once (building a Kysely query costs more than running these).
  private readonly assignedAll = prepareQuery<[string, string], AssignedProjectRow>(() => this.db, 2, (userId, accountId) => assignedProjectsQuery(this.db, userId, accountId));
  private readonly assignedOne = prepareQuery<[string, string, string], AssignedProjectRow>(() => this.db, 3, (userId, accountId, projectId) =>
    assignedProjectsQuery(this.db, userId, accountId).where('p.id', '=', projectId),
  );
  private readonly labelBatches = prepareQuery<[string, string], BatchSourceRow>(() => this.db, 2, (projectId, userId) =>
    runningBatchesQuery(this.db, userId).where('b.project_id', '=', projectId),
  );
  private readonly reviewBatches = prepareQuery<[string], BatchSourceRow>(() => this.db, 1, (projectId) => runningBatchesQuery(this.db).where('b.project_id', '=', projectId));
  private readonly heldLeaseQuery = prepareQuery<[string, string, number], Lease>(() => this.db, 3, (userId, kind, now) =>
    this.db
      .selectFrom('task_leases')
      .selectAll()
      .where('user_id', '=', userId)
      .where('kind', '=', kind as WorkKind)
      .where('expires_at', '>', now as unknown as number)
      .orderBy('expires_at', 'desc')
      .limit(1),
  );
  private readonly pipelineQuery = prepareQuery<[string], { pipeline: AssignedProject['pipeline']; consensus_attempts: number | null }>(() => this.db, 1, (projectId) =>
    this.db.selectFrom('projects').select(['pipeline', 'consensus_attempts']).where('id', '=', projectId),
  );
  private readonly leaseById = prepareQuery<[string], Lease>(() => this.db, 1, (id) => this.db.selectFrom('task_leases').selectAll().where('id', '=', id));
  private readonly expiredProbe = prepareQuery<[number], { id: string }>(() => this.db, 1, (now) =>
    this.db.selectFrom('task_leases').select('id').where('expires_at', '<=', now as unknown as number).limit(1),
  );
  private readonly headQueries = {
    label: prepareQuery<[string, string, string, number], HeadRow>(() => this.db, 4, (projectId, batchKey, userId, cutoff) =>
      firstAvailable(this.db, 'label', projectId, batchKey, userId, cutoff),
    ),
    review: prepareQuery<[string, string, string, number], HeadRow>(() => this.db, 4, (projectId, batchKey, userId, cutoff) =>
      firstAvailable(this.db, 'review', projectId, batchKey, userId, cutoff),
    ),
  };

  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: DialectHelpers,
  ) {}

  /**
   * What `queue/next` needs before it claims: on PostgreSQL one statement (nextContextStatement);
   * on SQLite, where a statement costs no round trip, the separate reads.
   */
  async nextContext(accountId: string, userId: string, kind: WorkKind, now: number, projectId?: string): Promise<NextContext> {
    if (this.dialect.name !== 'postgres') {
      const [expired, projects, held] = await Promise.all([this.expiredProbe(now), this.assignedProjects(accountId, userId, projectId), this.heldLease(userId, kind, now)]);
      return { expired: expired.length > 0, projects, held };
    }
    const { rows } = await statementsFor(this.dialect)[kind].context.execute(this.db, this.dialect.name, [userId, accountId, projectId ?? null, now]);
    return contextFromRow(rows[0]);
  }

  /**
   * PostgreSQL: nextContext for all the projects of the session's user, with the session (its row as
   * SessionRepository.findSession reads it; undefined when there is none) in the same statement. The
   * caller must check the session before using the rest.
   */
  async nextContextForSession(tokenHash: string, kind: WorkKind, now: number): Promise<NextContext & { session?: SessionLookup }> {
    const { rows } = await statementsFor(this.dialect)[kind].contextForSession.execute(this.db, this.dialect.name, [tokenHash, now]);
    const row = rows[0];
    // Object.assign onto the fresh context: a spread followed by new keys is slow on Node 20 (see NextInOneStatement.run).
    return Object.assign(contextFromRow(row), { session: row.session ? sessionLookupFromRow(row.session) : undefined });
  }

  /** The user's live projects (optionally only one), in name order. */
  async assignedProjects(accountId: string, userId: string, projectId?: string): Promise<AssignedProject[]> {
    const rows = projectId === undefined ? await this.assignedAll(userId, accountId) : await this.assignedOne(userId, accountId, projectId);
    return rows.map(assignedFromRow);
  }

  /**
   * The sources of these projects a user may take `kind` work from: every running batch (for
   * labeling, only batches with no groups or with a group the user belongs to) and each project's
   * tasks outside batches. Staging, paused, cancelled and completed batches are not sources.
   */
  async sources(projectIds: readonly string[], userId: string, kind: WorkKind): Promise<QueueSource[]> {
    const perProject = await Promise.all(projectIds.map((projectId) => (kind === 'label' ? this.labelBatches(projectId, userId) : this.reviewBatches(projectId))));
    return sourcesFrom(perProject.flat(), projectIds);
  }

  /** The first available task of each source (one index probe each), for choosing among sources of equal rank. */
  async heads(sources: readonly QueueSource[], userId: string, kind: WorkKind, skipCutoff: number): Promise<SourceHead[]> {
    const found = await Promise.all(
      sources.map(async (source) => {
        const [row] = await this.headQueries[kind](source.project_id, source.batch_key, userId, skipCutoff);
        return row && { source, task_id: row.id, priority: row.priority === null ? null : Number(row.priority), created_at: Number(row.created_at) };
      }),
    );
    return found.filter((entry): entry is SourceHead => entry !== undefined);
  }

  /**
   * Claims the first available task of the source for the user and records the lease, inside the
   * caller's transaction (the two writes must commit together). Returns the lease, or undefined when
   * the source had nothing left for them.
   */
  async claim(
    trx: Kysely<Database>,
    source: QueueSource,
    input: { accountId: string; userId: string; kind: WorkKind; leaseId: string; now: number; expiresAt: number; skipCutoff: number },
  ): Promise<Lease | undefined> {
    const { claim } = statementsFor(this.dialect)[input.kind];
    const { rows } = await claim.execute(trx, this.dialect.name, [source.project_id, source.batch_key, input.userId, input.skipCutoff]);
    if (rows.length === 0) return undefined;
    const lease: Lease = {
      id: input.leaseId,
      account_id: input.accountId,
      task_id: rows[0].id,
      task_source: 'task',
      user_id: input.userId,
      kind: input.kind,
      started_at: input.now,
      expires_at: input.expiresAt,
    };
    await INSERT_LEASE.execute(trx, this.dialect.name, leaseValues(lease));
    return lease;
  }

  /**
   * Claims and leases in one commit: on PostgreSQL one statement on its own, which also reads the
   * task and the user's draft; on SQLite `claim` in the transaction `inTransaction` opens (grouped
   * with other writes there).
   */
  async claimAndLease(
    source: QueueSource,
    input: { accountId: string; userId: string; kind: WorkKind; leaseId: string; now: number; expiresAt: number; skipCutoff: number },
    inTransaction: (work: (trx: Kysely<Database>) => Promise<Lease | undefined>) => Promise<Lease | undefined>,
  ): Promise<Claimed | undefined> {
    if (this.dialect.name !== 'postgres') {
      const lease = await inTransaction((trx) => this.claim(trx, source, input));
      return lease && { lease };
    }
    const { claimWithLease } = statementsFor(this.dialect)[input.kind];
    const args = [source.project_id, source.batch_key, input.userId, input.skipCutoff, input.leaseId, input.accountId, input.userId, input.now, input.expiresAt, input.userId];
    const { rows } = await claimWithLease.execute(this.db, this.dialect.name, args);
    const row = rows[0];
    return row && claimedFromRow(row, input);
  }

  /**
   * Ends the user's unexpired lease and gives a customer task back to its queue, in one commit: on
   * PostgreSQL one statement; on SQLite `endLease` in the transaction `inTransaction` opens. False
   * when the lease is not theirs or has expired.
   */
  async releaseLease(lease: Pick<Lease, 'id' | 'user_id'>, now: number, inTransaction: (work: (trx: Kysely<Database>) => Promise<boolean>) => Promise<boolean>): Promise<boolean> {
    if (this.dialect.name !== 'postgres') return inTransaction((trx) => this.endLease(trx, lease, now, { requeue: true }));
    const { rows } = await END_LEASE_REQUEUE.execute(this.db, this.dialect.name, [lease.id, lease.user_id, now]);
    return rows.length > 0;
  }

  /** The user's newest unexpired lease of this kind, if any. */
  async heldLease(userId: string, kind: WorkKind, now: number): Promise<Lease | undefined> {
    const [row] = await this.heldLeaseQuery(userId, kind, now);
    return row && normalizeLease(row);
  }

  async findLease(leaseId: string): Promise<Lease | undefined> {
    const [row] = await this.leaseById(leaseId);
    return row && normalizeLease(row);
  }

  /** Extends the user's unexpired lease; undefined when it is expired, released or someone else's. */
  async renewLease(leaseId: string, userId: string, now: number, expiresAt: number): Promise<Lease | undefined> {
    const { rows } = await RENEW_LEASE.execute(this.db, this.dialect.name, [expiresAt, leaseId, userId, now]);
    return rows[0] && normalizeLease(rows[0]);
  }

  /**
   * Ends an unexpired lease of the user (inside the caller's transaction) and, for a customer task,
   * moves the task back to the waiting state of the lease's kind. False when the lease is not theirs
   * or has expired.
   */
  async endLease(trx: Kysely<Database>, lease: Pick<Lease, 'id' | 'user_id'>, now: number, options: { requeue: boolean }): Promise<boolean> {
    const { rows } = await END_LEASE.execute(trx, this.dialect.name, [lease.id, lease.user_id, now]);
    const ended = rows[0];
    if (!ended) return false;
    if (options.requeue && ended.task_source === 'task') await REQUEUE[ended.kind as WorkKind].execute(trx, this.dialect.name, [ended.task_id]);
    return true;
  }

  /**
   * Gives the tasks of expired leases back to their queues (up to 200 per call). Runs before every
   * claim, so an expired lease is gone as soon as anyone asks for work; rows another process is
   * sweeping are skipped, not waited for.
   */
  async sweepExpiredLeases(now: number): Promise<number> {
    if ((await this.expiredProbe(now)).length === 0) return 0;
    return this.db.transaction().execute(async (trx) => {
      const { rows } = await statementsFor(this.dialect).sweep.execute(trx, this.dialect.name, [now, now]);
      // Several tasks in one transaction are locked in id order, as the callback worker locks them.
      rows.sort((a, b) => (a.task_id < b.task_id ? -1 : a.task_id > b.task_id ? 1 : 0));
      for (const lease of rows) {
        if (lease.task_source === 'task') await REQUEUE[lease.kind as WorkKind].execute(trx, this.dialect.name, [lease.task_id]);
      }
      return rows.length;
    });
  }

  /** Locks a lease row until commit (PostgreSQL) and re-reads it: submit, skip and review hold it while they work. */
  async lockLease(trx: Kysely<Database>, leaseId: string): Promise<Lease | undefined> {
    const { rows } = await statementsFor(this.dialect).lockLease.execute(trx, this.dialect.name, [leaseId]);
    return rows[0] && normalizeLease(rows[0]);
  }

  /**
   * Locks a lease row until commit (PostgreSQL) and reads, in the same statement, all a submission
   * needs: the lease, its task (with project and batch names), the project's pipeline, the task's
   * pipeline state and the account's default callback URL. One round trip where the lease read, the
   * task read, the pipeline read, the lease lock, the task-state read, the work read and (on
   * completion) the account read took seven. Undefined when the lease does not exist.
   */
  async lockLeaseForSubmit(trx: Kysely<Database>, leaseId: string): Promise<HeldWork | undefined> {
    const { rows } = await statementsFor(this.dialect).lockLeaseForSubmit.execute(trx, this.dialect.name, [leaseId]);
    return rows[0] && heldWorkFromRow(rows[0]);
  }

  /**
   * PostgreSQL: what lockLeaseForSubmit reads, without locking anything, and the row versions of the
   * task and its pipeline state (`versions`), which a one-statement submission (submission-write.ts)
   * requires unchanged. Undefined when the lease does not exist. With a session token's hash, also
   * that session (`session`, undefined when there is none; the caller checks it first), in the same
   * statement; when the lease does not exist the caller must read the session on its own.
   */
  async readForSubmit(leaseId: string, sessionTokenHash?: string): Promise<(HeldWork & { versions: SubmitVersions; session?: SessionLookup }) | undefined> {
    const statements = statementsFor(this.dialect);
    const { rows } = sessionTokenHash === undefined
      ? await statements.readForSubmit.execute(this.db, this.dialect.name, [leaseId])
      : await statements.readForSubmitWithSession.execute(this.db, this.dialect.name, [leaseId, sessionTokenHash]);
    const row = rows[0];
    if (!row) return undefined;
    const session = row.session ? sessionLookupFromRow(row.session as SessionReadRow) : undefined;
    // Object.assign onto the fresh HeldWork: a spread followed by new keys is slow on Node 20 (see NextInOneStatement.run), on every submission.
    return Object.assign(heldWorkFromRow(row), { versions: { task: (row.task_version as string | null) ?? null, work: (row.work_version as string | null) ?? null }, session });
  }

  /** Deletes a lease inside the caller's transaction (the task's new state is set by the caller). */
  async deleteLease(trx: Kysely<Database>, leaseId: string): Promise<void> {
    await DELETE_LEASE.execute(trx, this.dialect.name, [leaseId]);
  }

  /** A project's labeling pipeline (the project of a task the caller holds; undefined when it is gone). */
  async pipelineOf(projectId: string): Promise<Pick<AssignedProject, 'pipeline' | 'consensus_attempts'> | undefined> {
    const [row] = await this.pipelineQuery(projectId);
    return row && { pipeline: row.pipeline, consensus_attempts: row.consensus_attempts === null ? null : Number(row.consensus_attempts) };
  }

  /** A task's wire status and work state, read inside the caller's transaction (the whole row is not needed to check them). */
  async taskState(trx: Kysely<Database>, taskId: string): Promise<{ status: string; work_state: string } | undefined> {
    const { rows } = await TASK_STATE.execute(trx, this.dialect.name, [taskId]);
    return rows[0];
  }

  /** Moves a pending task between its waiting work states (never its wire status). */
  async moveWorkState(trx: Kysely<Database>, taskId: string, state: 'queued' | 'review'): Promise<void> {
    await trx.updateTable('tasks').set({ work_state: state }).where('id', '=', taskId).where('status', '=', 'pending').execute();
  }

  /**
   * Leases a task back to a labeler who reopened their submission (inside the caller's
   * transaction, the task row already locked): moves it from its waiting state to `in_progress` and
   * writes the lease. False when the task is no longer waiting (someone claimed it meanwhile).
   */
  async leaseReopened(trx: Kysely<Database>, lease: Lease): Promise<boolean> {
    const moved = await trx
      .updateTable('tasks')
      .set({ work_state: 'in_progress' })
      .where('id', '=', lease.task_id)
      .where('status', '=', 'pending')
      .where('work_state', 'in', ['queued', 'review'])
      .executeTakeFirst();
    if (Number(moved.numUpdatedRows) === 0) return false;
    await INSERT_LEASE.execute(trx, this.dialect.name, leaseValues(lease));
    return true;
  }

  // Gold tasks.

  /** The oldest evaluation task of these projects the user has neither answered, skipped recently nor leased. */
  async nextGoldTaskId(projectIds: readonly string[], userId: string, skipCutoff: number): Promise<string | undefined> {
    if (projectIds.length === 0) return undefined;
    const row = await this.db
      .selectFrom('quality_tasks as q')
      .select('q.id')
      .where('q.project_id', 'in', projectIds)
      .where('q.kind', '=', 'evaluation')
      .where('q.environment', '=', 'live')
      .where((eb) => eb.not(eb.exists(eb.selectFrom('task_attempts as a').select(sql.lit(1).as('one')).whereRef('a.task_id', '=', 'q.id').where('a.user_id', '=', userId))))
      .where((eb) =>
        eb.not(
          eb.exists(
            eb.selectFrom('task_skips as s').select(sql.lit(1).as('one')).whereRef('s.task_id', '=', 'q.id').where('s.user_id', '=', userId).where('s.skipped_at', '>', skipCutoff),
          ),
        ),
      )
      .where((eb) =>
        eb.not(
          eb.exists(
            eb.selectFrom('task_leases as l').select(sql.lit(1).as('one')).where('l.task_source', '=', 'gold').whereRef('l.task_id', '=', 'q.id').where('l.user_id', '=', userId),
          ),
        ),
      )
      .orderBy('q.created_at')
      .orderBy('q.id')
      .limit(1)
      .executeTakeFirst();
    return row?.id;
  }

  /** Records a lease on a gold task for the user; false when they already hold one on it. */
  async insertGoldLease(lease: Lease): Promise<boolean> {
    const result = await INSERT_GOLD_LEASE.execute(this.db, this.dialect.name, leaseValues(lease));
    return Number(result.numAffectedRows ?? 0) > 0;
  }

  /** Tasks waiting in a project's label and review queues, each counted up to `cap` (an index range read, never a table scan). */
  async waitingCounts(projectId: string, cap: number): Promise<{ label: number; review: number }> {
    const count = async (state: string) => {
      const row = await this.db
        .selectFrom((eb) =>
          eb
            .selectFrom('tasks as t')
            .leftJoin('batches as b', 'b.id', 't.batch_id')
            .select('t.id')
            .where('t.project_id', '=', projectId)
            .where('t.work_state', '=', sql.lit(state) as never)
            .where((inner) => inner.or([inner('t.batch_id', 'is', null), inner('b.status', '=', 'in_progress')]))
            .limit(cap)
            .as('w'),
        )
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    };
    const [label, review] = await Promise.all([count('queued'), count('review')]);
    return { label, review };
  }
}

function assignedFromRow(row: AssignedProjectRow): AssignedProject {
  return { ...row, consensus_attempts: row.consensus_attempts === null ? null : Number(row.consensus_attempts) };
}

/** Each running batch a source, then each project's tasks outside batches (`batch_key` ''). */
function sourcesFrom(batches: readonly BatchSourceRow[], projectIds: readonly string[]): QueueSource[] {
  const sources: QueueSource[] = batches.map((batch) => ({
    project_id: batch.project_id,
    batch_key: batch.id,
    studio_priority: batch.studio_priority === null ? null : Number(batch.studio_priority),
    batch_priority: batch.priority === null ? null : Number(batch.priority),
  }));
  for (const projectId of projectIds) sources.push({ project_id: projectId, batch_key: '', studio_priority: null, batch_priority: null });
  return sources;
}

/** lockLeaseForSubmit's and readForSubmit's row as a HeldWork. */
function heldWorkFromRow(row: HeldWorkRow): HeldWork {
  const lease = normalizeLease({
    id: row.lease_id, account_id: row.lease_account_id, task_id: row.lease_task_id, task_source: row.lease_task_source,
    user_id: row.lease_user_id, kind: row.lease_kind, started_at: row.lease_started_at, expires_at: row.lease_expires_at,
  } as Lease);
  const task = row.id === null || lease.task_source !== 'task' ? undefined : taskFromStored(row as unknown as StoredTask);
  const work: TaskWork | undefined =
    row.work_task_id === null
      ? undefined
      : {
          task_id: row.work_task_id,
          round: Number(row.work_round),
          attempts: Number(row.work_attempts),
          pending_response: row.work_pending_response === null ? null : typeof row.work_pending_response === 'string' ? JSON.parse(row.work_pending_response) : row.work_pending_response,
          review_reason: row.work_review_reason,
          agreement: row.work_agreement === null ? null : Number(row.work_agreement),
        };
  return {
    lease,
    task,
    pipeline: row.project_pipeline,
    consensus_attempts: row.project_consensus_attempts === null ? null : Number(row.project_consensus_attempts),
    work,
    accountCallbackUrl: row.account_callback_url,
  };
}

function normalizeLease(row: Lease): Lease {
  return { ...row, kind: row.kind as WorkKind, task_source: row.task_source as TaskSource, started_at: Number(row.started_at), expires_at: Number(row.expires_at) };
}

/** A claim-with-lease row (claimWithLeaseStatement, next-in-one-statement.ts) as the lease it wrote, the task it claimed and the user's draft of it. */
export function claimedFromRow(row: ClaimedRow, input: { accountId: string; userId: string; kind: WorkKind; leaseId: string; now: number; expiresAt: number }): Claimed {
  const { draft_response: draftResponse, draft_updated_at: draftUpdatedAt, draft_parts: parts, ...stored } = row;
  const lease: Lease = { id: input.leaseId, account_id: input.accountId, task_id: row.id, task_source: 'task', user_id: input.userId, kind: input.kind, started_at: input.now, expires_at: input.expiresAt };
  // As WorkRecordRepository.findDraft answers: the whole draft and the parts saved since.
  const base = draftUpdatedAt === null ? undefined : { response: JSON.parse(draftResponse!), updated_at: Number(draftUpdatedAt) };
  const draft: StoredDraft | undefined =
    base === undefined && parts.length === 0
      ? undefined
      : { base, parts: parts.map((part) => ({ path: part.path, value: JSON.parse(part.value), revision: Number(part.revision), updated_at: Number(part.updated_at) })) };
  return { lease, read: { task: taskFromStored(stored as StoredTask), draft } };
}
