import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../db/schema.ts';
import { CompiledStatement } from '../db/compiled-statement.ts';
import type { Attempt, TaskWork } from './work-record.repository.ts';
import type { SubmitVersions } from './queue.repository.ts';

/**
 * Where a submission moves its task: back to the label queue (a consensus round collects more
 * attempts), to review, or completed (with the completion's columns, counter rows and callback).
 */
export type SubmissionMove =
  | { to: 'queued' | 'review' }
  | {
      to: 'completed';
      /** The response the task stores, as stored (JSON text; null for none). */
      responseText: string | null;
      completedAt: number;
      updatedAt: number;
      /** TaskRepository.counterRows of the status change: 8 values a row, in the sorted lock order. */
      counterRows: unknown[][];
      /** The task callback's outbox row, when the task or its account has a callback URL. */
      callback?: { id: string; accountId: string; environment: string; target: string; payloadText: string };
    };

/** A label submission written by `writeSubmission`. */
export interface SubmissionWrite {
  leaseId: string;
  userId: string;
  taskId: string;
  /** The request's time: the lease must expire after it. */
  now: number;
  /** The row versions the decision was made from (QueueRepository.readForSubmit). */
  versions: SubmitVersions;
  attempt: Attempt;
  /** The task's pipeline state after this submission. */
  work: TaskWork;
  move: SubmissionMove;
}

/**
 * PostgreSQL: a whole label submission as ONE statement, run without BEGIN and COMMIT (a statement
 * is atomic on its own): one round trip where the transaction of lease lock-and-read, bookkeeping,
 * completion, BEGIN and COMMIT took five. The caller decided the outcome from an unlocked read
 * (QueueRepository.readForSubmit); the statement writes it only if nothing it was decided from has
 * changed since:
 * - `held` locks the lease row, still the caller's, for this task, label work, unexpired at `now`;
 * - `moved` updates the task only while its row version (xmin) is the one read, it is pending,
 *   `in_progress` and has no response, and its pipeline state's version is the one read (any
 *   write to either row since the read changes its xmin, and under READ COMMITTED an update that
 *   waited for a concurrent writer re-checks these conditions on the row as that writer left it);
 * - every other write (lease delete, attempt, drafts, pipeline state, counters, the callback's
 *   outbox row and the superseding of an older one) happens only if `moved` did.
 * So the statement writes all of it or nothing; nothing means the caller's view was stale, and the
 * caller then runs the locking transaction, which answers as before (409 for a lost lease or a task
 * failed meanwhile).
 *
 * Lock order, as everywhere: the lease (held), then the task (moved reads held), then the pipeline
 * state, the counter rows (sorted) and outbox rows (all after moved). Within one statement the
 * data-modifying WITHs that the main SELECT does not read run after it, each reading `moved`'s
 * stored result, so these waits cannot come first. Tasks in a batch are not written this way: their
 * completion decides batch completion under the batch lock, which one snapshot cannot do.
 */
export async function writeSubmission(db: Kysely<Database>, write: SubmissionWrite): Promise<{ held: boolean; moved: boolean }> {
  const { move } = write;
  const statement = statementFor(move);
  const attempt = write.attempt;
  const work = write.work;
  const args: unknown[] = [
    write.leaseId, write.userId, write.taskId, write.now, write.versions.task ?? '', write.versions.work ?? '',
    attempt.id, attempt.account_id, attempt.project_id, attempt.round, attempt.attempt_no, attempt.response === undefined || attempt.response === null ? null : JSON.stringify(attempt.response),
    attempt.started_at, attempt.submitted_at, attempt.time_spent_ms,
    work.round, work.attempts, work.pending_response === null || work.pending_response === undefined ? null : JSON.stringify(work.pending_response), work.review_reason, work.agreement,
  ];
  if (move.to === 'completed') {
    args.push(move.responseText, move.completedAt, move.updatedAt, ...move.counterRows.flat());
    if (move.callback) args.push(move.callback.id, move.callback.accountId, move.callback.environment, move.callback.target, move.callback.payloadText);
  }
  const { rows } = await statement.execute(db, 'postgres', args);
  const row = rows[0];
  return { held: Boolean(row?.held), moved: Boolean(row?.moved) };
}

/** Arguments before the completion's: lease, user, task, now, the two versions, 9 attempt columns, 5 work columns. */
const COMMON_ARGS = 20;

const STATEMENTS = new Map<string, CompiledStatement<{ held: boolean; moved: boolean }>>();

function statementFor(move: SubmissionMove): CompiledStatement<{ held: boolean; moved: boolean }> {
  const counters = move.to === 'completed' ? move.counterRows.length : 0;
  const callback = move.to === 'completed' && move.callback !== undefined;
  const key = `${move.to}:${counters}:${callback}`;
  let statement = STATEMENTS.get(key);
  if (!statement) {
    const arity = COMMON_ARGS + (move.to === 'completed' ? 3 + 8 * counters + (callback ? 5 : 0) : 0);
    statement = new CompiledStatement(arity, (db: Kysely<Database>, ...p: string[]) => ({ compile: () => submissionSql(move.to, counters, callback, p).compile(db) }), { prepared: true });
    STATEMENTS.set(key, statement);
  }
  return statement;
}

function submissionSql(to: SubmissionMove['to'], counters: number, callback: boolean, p: string[]): RawBuilder<{ held: boolean; moved: boolean }> {
  const [leaseId, userId, taskId, , taskVersion, workVersion] = p.slice(0, 6).map((value) => sql`cast(${value} as text)`);
  const nowBig = sql`cast(${p[3]} as bigint)`;
  const [attemptId, accountId, projectId, round, attemptNo, response, startedAt, submittedAt, timeSpent] = p.slice(6, 15);
  const [workRound, workAttempts, pendingResponse, reviewReason, agreement] = p.slice(15, 20);
  let set: RawBuilder<unknown>;
  const withs: RawBuilder<unknown>[] = [];
  if (to === 'completed') {
    const [responseText, completedAt, updatedAt] = p.slice(20, 23);
    set = sql`status = 'completed', work_state = 'completed', response = cast(${responseText} as text), completed_at = cast(${completedAt} as bigint), updated_at = cast(${updatedAt} as bigint)`;
    if (counters > 0) {
      const values = Array.from({ length: counters }, (_, row) => {
        const [a, e, pr, bk, ty, st, sh, n] = p.slice(23 + 8 * row, 31 + 8 * row);
        return sql`(cast(${a} as text), cast(${e} as text), cast(${pr} as text), cast(${bk} as text), cast(${ty} as text), cast(${st} as text), cast(${sh} as integer), cast(${n} as bigint))`;
      });
      withs.push(sql`counted as (
          insert into task_counts (account_id, environment, project_id, batch_key, type, status, shard, n)
          select * from (values ${sql.join(values)}) as v (account_id, environment, project_id, batch_key, type, status, shard, n)
          where exists (select 1 from moved)
          on conflict (account_id, environment, project_id, batch_key, type, status, shard) do update set n = task_counts.n + excluded.n
        )`);
    }
    if (callback) {
      const [outboxId, outboxAccount, environment, target, payload] = p.slice(23 + 8 * counters, 28 + 8 * counters);
      // As OutboxRepository.enqueue: a newer event supersedes one still waiting; a row mid-delivery is only touched.
      withs.push(sql`superseded as (
          update outbox set
            state = case when state = 'pending' then 'superseded' else state end,
            finished_at = case when state = 'pending' then ${nowBig} else finished_at end,
            updated_at = ${nowBig}
          where subject_type = 'task' and subject_id = ${taskId} and state in ('pending', 'delivering') and exists (select 1 from moved)
        ), queued_callback as (
          insert into outbox (id, account_id, environment, subject_type, subject_id, event, target, payload, state, attempts, next_attempt_at, claimed_until, created_at, updated_at, finished_at)
          select cast(${outboxId} as text), cast(${outboxAccount} as text), cast(${environment} as text), 'task', ${taskId}, 'completed', cast(${target} as text),
            cast(${payload} as text), 'pending', 0, ${nowBig}, null, ${nowBig}, ${nowBig}, null
          where exists (select 1 from moved)
        )`);
    }
  } else {
    set = to === 'queued' ? sql`work_state = 'queued'` : sql`work_state = 'review'`;
  }
  return sql<{ held: boolean; moved: boolean }>`with held as (
      select id from task_leases
      where id = ${leaseId} and user_id = ${userId} and task_id = ${taskId} and task_source = 'task' and kind = 'label' and expires_at > ${nowBig}
      for update
    ), moved as (
      update tasks set ${set}
      where id = ${taskId} and xmin = cast(${taskVersion} as xid) and status = 'pending' and work_state = 'in_progress' and response is null
        and coalesce((select w.xmin::text from task_work w where w.task_id = ${taskId}), '') = ${workVersion}
        and exists (select 1 from held)
      returning id
    ), ended as (
      delete from task_leases where id in (select id from held) and exists (select 1 from moved)
    ), attempt as (
      insert into task_attempts (id, account_id, project_id, task_id, user_id, kind, round, attempt_no, response, started_at, submitted_at, time_spent_ms, score, result, comments)
      select cast(${attemptId} as text), cast(${accountId} as text), cast(${projectId} as text), ${taskId}, ${userId}, 'label', cast(${round} as integer), cast(${attemptNo} as integer),
        cast(${response} as text), cast(${startedAt} as bigint), cast(${submittedAt} as bigint), cast(${timeSpent} as bigint), null, null, null
      where exists (select 1 from moved)
    ), draft as (
      delete from task_drafts where task_id = ${taskId} and user_id = ${userId} and exists (select 1 from moved)
    ), draft_parts as (
      delete from task_draft_parts where task_id = ${taskId} and user_id = ${userId} and exists (select 1 from moved)
    ), work as (
      insert into task_work (task_id, round, attempts, pending_response, review_reason, agreement, updated_at)
      select ${taskId}, cast(${workRound} as integer), cast(${workAttempts} as integer), cast(${pendingResponse} as text), cast(${reviewReason} as text), cast(${agreement} as double precision), ${nowBig}
      where exists (select 1 from moved)
      on conflict (task_id) do update set round = excluded.round, attempts = excluded.attempts, pending_response = excluded.pending_response,
        review_reason = excluded.review_reason, agreement = excluded.agreement, updated_at = excluded.updated_at
    )${withs.length > 0 ? sql`, ${sql.join(withs)}` : sql``}
    select exists (select 1 from held) as held, exists (select 1 from moved) as moved`;
}
