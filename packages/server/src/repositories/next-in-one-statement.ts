import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { DialectHelpers } from '../db/dialect.ts';
import { CompiledStatement } from '../db/compiled-statement.ts';
import {
  assignedProjectsQuery,
  claimedFromRow,
  claimUpdate,
  claimedAssignmentSelect,
  contextFromRow,
  heldLeaseQuery,
  runningBatchesQuery,
  type Claimed,
  type ClaimedRow,
  type ContextRow,
  type NextContext,
} from './queue.repository.ts';
import { sessionLookupFromRow, sessionReadQuery, type SessionLookup } from './session.repository.ts';

/** What `NextInOneStatement.run` needs: the session token's hash and the admission check's instant, the queue's instant and the lease to write. */
export interface NextInOneInput {
  tokenHash: string;
  /** The instant and idle window SessionService.admit will check the session row with (SessionCaller.sessionCheck). */
  session: { now: number; idleMs: number };
  /** False when the gold draw (made before the statement) picked gold: then nothing is claimed here. */
  claimAllowed: boolean;
  leaseId: string;
  now: number;
  expiresAt: number;
  skipCutoff: number;
}

/** The statement's answer: the context (as nextContextForSession), the session row, whether it tried the top source, and what it claimed there. */
export interface NextInOneResult extends NextContext {
  session?: SessionLookup;
  /** The guard passed and the top rank tier's one source was tried (claimed holds its task, or it had none for the user). */
  tried: boolean;
  claimed?: Claimed;
}

type Row = ContextRow & { tried: boolean } & { [K in keyof ClaimedRow]: ClaimedRow[K] | null };

/**
 * PostgreSQL, labeling: `queue/next` across all the caller's projects as ONE statement in the
 * common case, where the session read with the context read (nextContextForSession) and the claim
 * (claimWithLease) took two round trips. It returns the same context columns as
 * nextContextForSession, and claims and leases (data-modifying WITHs, as claimWithLease) only when
 * the answer would otherwise be that claim, decided in `pick`:
 * - the session row passes the checks SessionService.admit makes, at the very instant and idle
 *   window admit is then given (`expires_at > now` and `last_seen_at + idle > now`, the exact
 *   negation of admit's refusal, on the same row: so admit cannot refuse what this let through);
 * - the user holds no unexpired label lease (that is handed back instead) and no lease anywhere has
 *   expired (the sweep runs first);
 * - the gold draw did not pick gold (`claimAllowed`);
 * - the most urgent rank tier (rankTiers: Studio place first, nulls last; then batch priority,
 *   higher first, nulls last) has exactly one source: of the two first sources in rank order, the
 *   second (if any) ranks lower. Several sources of one tier are ordered by their heads first.
 * Otherwise nothing is written, and the caller goes on from the context as before (skipping the
 * top tier when `tried`: its one source had nothing for the user). The claim reads the source from
 * `pick` and the user from `sess` as InitPlans: the same index scan of tasks_label_queue from its
 * head as claimWithLease (EXPLAIN in docs/work-queue.md).
 */
function nextInOneStatementFor(dialect: DialectHelpers) {
  return new CompiledStatement<Row>(9, (db: Kysely<Database>, tokenHash, sessionNow, idleMs, claimAllowed, now, skipCutoff, leaseId, startedAt, expiresAt) => {
    const userId = sql<string>`(select user_id from sess)` as unknown as string;
    const accountId = sql<string>`(select account_id from sess)` as unknown as string;
    const projectId = sql<string>`(select project_id from pick)` as unknown as string;
    const batchKey = sql<string>`(select batch_key from pick)` as unknown as string;
    const assigned = assignedProjectsQuery(db, userId, accountId);
    const held = heldLeaseQuery(db, 'label', userId, now);
    const running = runningBatchesQuery(db, userId).where('b.project_id', 'in', sql<string>`(select id from assigned)`);
    const claim = claimUpdate(db, 'label', dialect, projectId, batchKey, userId, skipCutoff).returningAll();
    return {
      compile: () =>
        sql<Row>`with sess as (${sessionReadQuery(db, tokenHash)}), assigned as (${assigned}), held as (${held}), running as (${running}),
          ranked as (
            select project_id, id as batch_key, studio_priority, priority as batch_priority from running
            union all select id, '', null, null from assigned
            order by studio_priority asc nulls last, batch_priority desc nulls last
            limit 2
          ),
          pick as (
            select r.project_id, r.batch_key from (select * from ranked order by studio_priority asc nulls last, batch_priority desc nulls last limit 1) r
            where cast(${claimAllowed} as boolean)
              and exists (select 1 from sess where sess.expires_at > cast(${sessionNow} as bigint) and sess.last_seen_at + cast(${idleMs} as bigint) > cast(${sessionNow} as bigint))
              and not exists (select 1 from held)
              and not exists (select 1 from task_leases where expires_at <= cast(${now} as bigint))
              and (select count(*) from ranked o where o.studio_priority is not distinct from r.studio_priority and o.batch_priority is not distinct from r.batch_priority) = 1
          ),
          claimed as (${claim}),
          leased as (
            insert into task_leases (id, account_id, task_id, task_source, user_id, kind, started_at, expires_at)
            select cast(${leaseId} as text), ${accountId}, claimed.id, 'task', ${userId}, 'label', cast(${startedAt} as bigint), cast(${expiresAt} as bigint) from claimed
            returning task_id
          )
          select
            exists (select 1 from task_leases where expires_at <= cast(${now} as bigint)) as expired,
            (select row_to_json(h) from held h) as held,
            (select coalesce(json_agg(a order by a.name), '[]') from assigned a) as projects,
            (select coalesce(json_agg(s order by s.project_id, s.id), '[]') from running s) as batches,
            (select row_to_json(sess) from sess) as session,
            exists (select 1 from pick) as tried,
            got.*
          from (select 1 as one) one
          left join (${claimedAssignmentSelect(userId)}) got on true`.compile(db),
    };
  }, { prepared: true });
}

/** PostgreSQL: runs the one-statement `queue/next` (see nextInOneStatementFor). */
export class NextInOneStatement {
  private readonly statement: CompiledStatement<Row>;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: DialectHelpers,
  ) {
    this.statement = nextInOneStatementFor(dialect);
  }

  /**
   * Reads the session and the context and, in the common case, claims and leases the top source's
   * first task, in one round trip. The caller must admit `session` (at `input.session.now`) before
   * using anything else, and release `claimed` if it refuses.
   */
  async run(input: NextInOneInput): Promise<NextInOneResult> {
    const { rows } = await this.statement.execute(this.db, this.dialect.name, [
      input.tokenHash, input.session.now, input.session.idleMs, input.claimAllowed, input.now, input.skipCutoff, input.leaseId, input.now, input.expiresAt,
    ]);
    const row = rows[0];
    const session = row.session ? sessionLookupFromRow(row.session) : undefined;
    const context = contextFromRow(row);
    // Object.assign onto the fresh context, not `{ ...context, session, … }`: on Node 20 a spread
    // followed by keys its source lacks took 1.1-5.9 µs against 40 ns (docs/work-queue.md, "Where
    // the server's CPU goes"), on every queue/next.
    if (row.id === null || !session) return Object.assign(context, { session, tried: row.tried });
    const claimed = claimedFromRow(row as unknown as ClaimedRow, { accountId: session.account.id, userId: session.user.id, kind: 'label', leaseId: input.leaseId, now: input.now, expiresAt: input.expiresAt });
    return Object.assign(context, { session, tried: row.tried, claimed });
  }
}
