import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { DialectHelpers } from '../db/dialect.ts';
import type { TaskLeasesTable, TaskSource, WorkKind } from '../db/tables/queue.ts';
import { CompiledStatement } from '../db/compiled-statement.ts';

export type Lease = Selectable<TaskLeasesTable>;

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

/** Waiting states and the state a claim moves them to. */
const CLAIM_STATES: Record<WorkKind, { from: string; to: string }> = {
  label: { from: 'queued', to: 'in_progress' },
  review: { from: 'review', to: 'reviewing' },
};

/**
 * The first task of a source the user may take: waiting in this kind's state (a literal, so the
 * partial queue index serves it), never attempted by the user (for review: never labeled by them),
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
    .limit(1);
}

function headStatement(kind: WorkKind) {
  return new CompiledStatement<{ id: string; priority: number | null; created_at: number }>(4, (db: Kysely<Database>, projectId, batchKey, userId, skipCutoff) =>
    firstAvailable(db, kind, projectId, batchKey, userId, skipCutoff),
  );
}

/**
 * THE claim: one statement moves the first available task of the source from its waiting state to
 * its leased state. On PostgreSQL the sub-select skips rows other claimers have locked, and the
 * outer condition re-checks the state, so two claimers never get the same task; SQLite runs
 * writes one at a time.
 */
function claimStatement(kind: WorkKind, dialect: DialectHelpers) {
  const { from, to } = CLAIM_STATES[kind];
  return new CompiledStatement<{ id: string }>(4, (db: Kysely<Database>, projectId, batchKey, userId, skipCutoff) =>
    db
      .updateTable('tasks')
      .set({ work_state: sql.lit(to) as never })
      .where('id', '=', (eb) => firstAvailable(eb as unknown as Kysely<Database>, kind, projectId, batchKey, userId, skipCutoff).clearSelect().select('t.id').modifyEnd(dialect.skipLocked))
      .where('work_state', '=', sql.lit(from) as never)
      .returning('id'),
  );
}

const STATEMENTS = new Map<string, { head: ReturnType<typeof headStatement>; claim: ReturnType<typeof claimStatement> }>();

function statementsFor(kind: WorkKind, dialect: DialectHelpers) {
  const key = `${dialect.name}:${kind}`;
  let entry = STATEMENTS.get(key);
  if (!entry) {
    entry = { head: headStatement(kind), claim: claimStatement(kind, dialect) };
    STATEMENTS.set(key, entry);
  }
  return entry;
}

/** Leases of the work queue and the queries that find and claim work. The only code that builds SQL for task_leases. */
export class QueueRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: DialectHelpers,
  ) {}

  /** The user's live projects (optionally only one), in name order. */
  async assignedProjects(accountId: string, userId: string, projectId?: string): Promise<AssignedProject[]> {
    const rows = await this.db
      .selectFrom('studio_assignments as a')
      .innerJoin('projects as p', 'p.id', 'a.project_id')
      .select(['p.id', 'p.name', 'p.type', 'p.pipeline', 'p.consensus_attempts'])
      .where('a.user_id', '=', userId)
      .where('p.account_id', '=', accountId)
      .where('p.environment', '=', 'live')
      .$if(projectId !== undefined, (query) => query.where('p.id', '=', projectId!))
      .orderBy('p.name')
      .execute();
    return rows.map((row) => ({ ...row, consensus_attempts: row.consensus_attempts === null ? null : Number(row.consensus_attempts) }));
  }

  /**
   * The sources of these projects a user may take `kind` work from: every running batch (for
   * labeling, only batches with no groups or with a group the user belongs to) and each project's
   * tasks outside batches. Staging, paused, cancelled and completed batches are not sources.
   */
  async sources(projectIds: readonly string[], userId: string, kind: WorkKind): Promise<QueueSource[]> {
    if (projectIds.length === 0) return [];
    const batches = await this.db
      .selectFrom('batches as b')
      .select(['b.id', 'b.project_id', 'b.studio_priority', 'b.priority'])
      .where('b.project_id', 'in', projectIds)
      .where('b.status', '=', 'in_progress')
      .$if(kind === 'label', (query) =>
        query.where((eb) =>
          eb.or([
            eb.not(eb.exists(eb.selectFrom('batch_groups as g').select(sql.lit(1).as('one')).whereRef('g.batch_id', '=', 'b.id'))),
            eb.exists(
              eb
                .selectFrom('batch_groups as g')
                .innerJoin('project_group_members as m', 'm.group_id', 'g.group_id')
                .select(sql.lit(1).as('one'))
                .whereRef('g.batch_id', '=', 'b.id')
                .where('m.user_id', '=', userId),
            ),
          ]),
        ),
      )
      .execute();
    const sources: QueueSource[] = batches.map((batch) => ({
      project_id: batch.project_id,
      batch_key: batch.id,
      studio_priority: batch.studio_priority === null ? null : Number(batch.studio_priority),
      batch_priority: batch.priority === null ? null : Number(batch.priority),
    }));
    for (const projectId of projectIds) sources.push({ project_id: projectId, batch_key: '', studio_priority: null, batch_priority: null });
    return sources;
  }

  /** The first available task of each source (one index probe each), for choosing among sources of equal rank. */
  async heads(sources: readonly QueueSource[], userId: string, kind: WorkKind, skipCutoff: number): Promise<SourceHead[]> {
    const { head } = statementsFor(kind, this.dialect);
    const found = await Promise.all(
      sources.map(async (source) => {
        const { rows } = await head.execute(this.db, this.dialect.name, [source.project_id, source.batch_key, userId, skipCutoff]);
        const row = rows[0];
        return row && { source, task_id: row.id, priority: row.priority === null ? null : Number(row.priority), created_at: Number(row.created_at) };
      }),
    );
    return found.filter((entry): entry is SourceHead => entry !== undefined);
  }

  /**
   * Claims the first available task of the source for the user and records the lease, in one
   * transaction. Returns the lease, or undefined when the source had nothing left for them.
   */
  async claim(source: QueueSource, input: { accountId: string; userId: string; kind: WorkKind; leaseId: string; now: number; expiresAt: number; skipCutoff: number }): Promise<Lease | undefined> {
    const { claim } = statementsFor(input.kind, this.dialect);
    return this.db.transaction().execute(async (trx) => {
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
      await trx.insertInto('task_leases').values(lease).execute();
      return lease;
    });
  }

  /** The user's newest unexpired lease of this kind, if any. */
  async heldLease(userId: string, kind: WorkKind, now: number): Promise<Lease | undefined> {
    const row = await this.db
      .selectFrom('task_leases')
      .selectAll()
      .where('user_id', '=', userId)
      .where('kind', '=', kind)
      .where('expires_at', '>', now)
      .orderBy('expires_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row && normalizeLease(row);
  }

  async findLease(leaseId: string): Promise<Lease | undefined> {
    const row = await this.db.selectFrom('task_leases').selectAll().where('id', '=', leaseId).executeTakeFirst();
    return row && normalizeLease(row);
  }

  /** Extends the user's unexpired lease; undefined when it is expired, released or someone else's. */
  async renewLease(leaseId: string, userId: string, now: number, expiresAt: number): Promise<Lease | undefined> {
    const row = await this.db
      .updateTable('task_leases')
      .set({ expires_at: expiresAt })
      .where('id', '=', leaseId)
      .where('user_id', '=', userId)
      .where('expires_at', '>', now)
      .returningAll()
      .executeTakeFirst();
    return row && normalizeLease(row);
  }

  /**
   * Ends an unexpired lease of the user (inside the caller's transaction) and, for a customer task,
   * moves the task back to the waiting state of the lease's kind. False when the lease is not theirs
   * or has expired.
   */
  async endLease(trx: Kysely<Database>, lease: Pick<Lease, 'id' | 'user_id'>, now: number, options: { requeue: boolean }): Promise<boolean> {
    const ended = await trx
      .deleteFrom('task_leases')
      .where('id', '=', lease.id)
      .where('user_id', '=', lease.user_id)
      .where('expires_at', '>', now)
      .returning(['task_id', 'task_source', 'kind'])
      .executeTakeFirst();
    if (!ended) return false;
    if (options.requeue && ended.task_source === 'task') await requeue(trx, [ended.task_id], ended.kind as WorkKind);
    return true;
  }

  /**
   * Gives the tasks of expired leases back to their queues (up to `limit` per call). Runs before
   * every claim, so an expired lease is gone as soon as anyone asks for work; rows another process
   * is sweeping are skipped, not waited for.
   */
  async sweepExpiredLeases(now: number, limit = 200): Promise<number> {
    const expired = await this.db.selectFrom('task_leases').select('id').where('expires_at', '<=', now).limit(1).execute();
    if (expired.length === 0) return 0;
    return this.db.transaction().execute(async (trx) => {
      const ended = await trx
        .deleteFrom('task_leases')
        .where('id', 'in', (eb) => eb.selectFrom('task_leases').select('id').where('expires_at', '<=', now).limit(limit).modifyEnd(this.dialect.skipLocked))
        .where('expires_at', '<=', now)
        .returning(['task_id', 'task_source', 'kind'])
        .execute();
      const customer = ended.filter((lease) => lease.task_source === 'task');
      for (const kind of ['label', 'review'] as const) {
        const ids = customer.filter((lease) => lease.kind === kind).map((lease) => lease.task_id);
        if (ids.length > 0) await requeue(trx, ids, kind);
      }
      return ended.length;
    });
  }

  /** Locks a lease row until commit (PostgreSQL) and re-reads it: submit, skip and review hold it while they work. */
  async lockLease(trx: Kysely<Database>, leaseId: string): Promise<Lease | undefined> {
    const row = await trx.selectFrom('task_leases').selectAll().where('id', '=', leaseId).modifyEnd(this.dialect.forUpdate).executeTakeFirst();
    return row && normalizeLease(row);
  }

  /** Deletes a lease inside the caller's transaction (the task's new state is set by the caller). */
  async deleteLease(trx: Kysely<Database>, leaseId: string): Promise<void> {
    await trx.deleteFrom('task_leases').where('id', '=', leaseId).execute();
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
    const result = await this.db
      .insertInto('task_leases')
      .values(lease)
      .onConflict((conflict) => conflict.columns(['task_source', 'task_id', 'user_id']).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
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

/** Moves customer tasks whose lease ended back to the waiting state of that kind (pending tasks only). */
async function requeue(trx: Kysely<Database>, taskIds: readonly string[], kind: WorkKind): Promise<void> {
  const { from, to } = CLAIM_STATES[kind];
  await trx
    .updateTable('tasks')
    .set({ work_state: from as never })
    .where('id', 'in', taskIds)
    .where('status', '=', 'pending')
    .where('work_state', '=', to as never)
    .execute();
}

function normalizeLease(row: Lease): Lease {
  return { ...row, kind: row.kind as WorkKind, task_source: row.task_source as TaskSource, started_at: Number(row.started_at), expires_at: Number(row.expires_at) };
}
