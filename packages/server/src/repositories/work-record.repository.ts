import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { DialectHelpers } from '../db/dialect.ts';
import { CompiledStatement } from '../db/compiled-statement.ts';
import type { AttemptKind, TaskSource, WorkKind } from '../db/tables/queue.ts';
import type { DraftPart } from '../domain/draft-parts.ts';

/** One finished piece of work, JSON parsed. */
export interface Attempt {
  id: string;
  account_id: string;
  project_id: string;
  task_id: string;
  user_id: string;
  kind: AttemptKind;
  round: number;
  attempt_no: number | null;
  response: unknown;
  started_at: number;
  submitted_at: number;
  time_spent_ms: number;
  score: number | null;
  result: string | null;
  comments: string | null;
}

/** Pipeline state of a customer task (absent until its first submission). */
export interface TaskWork {
  task_id: string;
  round: number;
  attempts: number;
  pending_response: unknown;
  review_reason: string | null;
  agreement: number | null;
}

export interface Draft {
  response: unknown;
  updated_at: number;
}

/** A draft as stored: the whole draft last saved (if any) and the parts saved since (domain/draft-parts.ts). */
export interface StoredDraft {
  base?: Draft;
  parts: Array<DraftPart & { updated_at: number }>;
}

/** A labeler's running gold score in a project. */
export interface LabelerQuality {
  user_id: string;
  email: string;
  project_id: string;
  gold_attempts: number;
  score_sum: number;
}

function parse(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : value;
}

const ATTEMPT_COLUMNS = [
  'id', 'account_id', 'project_id', 'task_id', 'user_id', 'kind', 'round', 'attempt_no', 'response',
  'started_at', 'submitted_at', 'time_spent_ms', 'score', 'result', 'comments',
] as const;
const WORK_COLUMNS = ['round', 'attempts', 'pending_response', 'review_reason', 'agreement', 'updated_at'] as const;

// The statements every submission runs, compiled once per dialect.
const INSERT_ATTEMPT = new CompiledStatement(ATTEMPT_COLUMNS.length, (db: Kysely<Database>, ...values) =>
  db.insertInto('task_attempts').values(Object.fromEntries(ATTEMPT_COLUMNS.map((column, index) => [column, values[index]])) as never),
);
const FIND_WORK = new CompiledStatement<Record<string, unknown>>(1, (db: Kysely<Database>, taskId) => db.selectFrom('task_work').selectAll().where('task_id', '=', taskId));
const SAVE_WORK = new CompiledStatement(1 + WORK_COLUMNS.length * 2, (db: Kysely<Database>, taskId, ...values) => {
  const insert = Object.fromEntries(WORK_COLUMNS.map((column, index) => [column, values[index]]));
  const update = Object.fromEntries(WORK_COLUMNS.map((column, index) => [column, values[WORK_COLUMNS.length + index]]));
  return db
    .insertInto('task_work')
    .values({ task_id: taskId, ...insert } as never)
    .onConflict((conflict) => conflict.column('task_id').doUpdateSet(update as never));
});
const FIND_DRAFT = new CompiledStatement<{ response: string; updated_at: number }>(2, (db: Kysely<Database>, taskId, userId) =>
  db.selectFrom('task_drafts').select(['response', 'updated_at']).where('task_id', '=', taskId).where('user_id', '=', userId),
);
const SAVE_DRAFT = new CompiledStatement(6, (db: Kysely<Database>, taskId, userId, response, updatedAt, newResponse, newUpdatedAt) =>
  db
    .insertInto('task_drafts')
    .values({ task_id: taskId, user_id: userId, response, updated_at: updatedAt as unknown as number })
    .onConflict((conflict) => conflict.columns(['task_id', 'user_id']).doUpdateSet({ response: newResponse, updated_at: newUpdatedAt as unknown as number })),
);
const DELETE_DRAFT = new CompiledStatement(2, (db: Kysely<Database>, taskId, userId) => db.deleteFrom('task_drafts').where('task_id', '=', taskId).where('user_id', '=', userId));
const FIND_DRAFT_PARTS = new CompiledStatement<{ path: string; value: string; revision: number | string; updated_at: number | string }>(2, (db: Kysely<Database>, taskId, userId) =>
  db.selectFrom('task_draft_parts').select(['path', 'value', 'revision', 'updated_at']).where('task_id', '=', taskId).where('user_id', '=', userId),
);
const DELETE_DRAFT_PARTS = new CompiledStatement(2, (db: Kysely<Database>, taskId, userId) => db.deleteFrom('task_draft_parts').where('task_id', '=', taskId).where('user_id', '=', userId));
/** Rows per draft-part upsert: 6 bound values a row stays far under both databases' parameter limits. */
const PARTS_PER_STATEMENT = 500;
const DELETE_LEASE = new CompiledStatement(1, (db: Kysely<Database>, id) => db.deleteFrom('task_leases').where('id', '=', id));

/**
 * PostgreSQL: a label submission's four writes (attempt insert, lease and draft deletes, pipeline
 * state upsert) as one statement, the first three in data-modifying WITHs: one round trip where
 * four took four. They touch four different tables, so the shared snapshot changes nothing.
 * Arguments: the attempt's columns, the lease id, then the work columns (task_id from the attempt).
 */
const SUBMISSION_WRITES = new CompiledStatement(ATTEMPT_COLUMNS.length + 1 + WORK_COLUMNS.length, (db: Kysely<Database>, ...values) => {
  const attempt = Object.fromEntries(ATTEMPT_COLUMNS.map((column, index) => [column, values[index]]));
  const leaseId = values[ATTEMPT_COLUMNS.length];
  const work = Object.fromEntries(WORK_COLUMNS.map((column, index) => [column, values[ATTEMPT_COLUMNS.length + 1 + index]]));
  const taskId = attempt.task_id;
  return {
    compile: () =>
      sql`with attempt as (${db.insertInto('task_attempts').values(attempt as never)}),
        lease as (${db.deleteFrom('task_leases').where('id', '=', leaseId)}),
        draft as (${db.deleteFrom('task_drafts').where('task_id', '=', taskId).where('user_id', '=', attempt.user_id)}),
        draft_parts as (${db.deleteFrom('task_draft_parts').where('task_id', '=', taskId).where('user_id', '=', attempt.user_id)})
        ${db
          .insertInto('task_work')
          .values({ task_id: taskId, ...work } as never)
          .onConflict((conflict) => conflict.column('task_id').doUpdateSet(work as never))}`.compile(db),
  };
}, { prepared: true });

const REVIEW_COMMENTS = new CompiledStatement<{ comments: string | null }>(1, (db: Kysely<Database>, taskId) =>
  db
    .selectFrom('task_attempts')
    .select('comments')
    .where('task_id', '=', taskId)
    .where('kind', '=', sql.lit('review') as never)
    .where('comments', 'is not', null)
    .orderBy('submitted_at')
    .orderBy('id'),
);

/**
 * What people did with tasks: attempts (label, review, gold), skips, drafts, each task's pipeline
 * state and labelers' gold scores. The only code that builds SQL for these tables. Writes that
 * belong to a state change take the caller's transaction as `db`.
 */
export class WorkRecordRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: DialectHelpers,
  ) {}

  async insertAttempt(attempt: Attempt): Promise<void> {
    const row: Record<string, unknown> = { ...attempt, response: attempt.response === undefined || attempt.response === null ? null : JSON.stringify(attempt.response) };
    await INSERT_ATTEMPT.execute(this.db, this.dialect.name, ATTEMPT_COLUMNS.map((column) => row[column]));
  }

  /**
   * A label submission's writes, in the caller's transaction: the attempt, the end of its lease
   * (the lease row goes), the labeler's draft, and the task's pipeline state. One statement on
   * PostgreSQL (SUBMISSION_WRITES); SQLite has no writes in WITH and runs the four (no round trips there).
   */
  async recordSubmission(attempt: Attempt, leaseId: string, work: TaskWork, now: number): Promise<void> {
    const workValues = [work.round, work.attempts, work.pending_response === null || work.pending_response === undefined ? null : JSON.stringify(work.pending_response), work.review_reason, work.agreement, now];
    if (this.dialect.name === 'postgres') {
      const row: Record<string, unknown> = { ...attempt, response: attempt.response === undefined || attempt.response === null ? null : JSON.stringify(attempt.response) };
      await SUBMISSION_WRITES.execute(this.db, this.dialect.name, [...ATTEMPT_COLUMNS.map((column) => row[column]), leaseId, ...workValues]);
      return;
    }
    await this.insertAttempt(attempt);
    await DELETE_LEASE.execute(this.db, this.dialect.name, [leaseId]);
    await this.deleteDraft(attempt.task_id, attempt.user_id);
    await this.saveWork(work, now);
  }

  /**
   * How many attempts of these kinds a person submitted since a moment, in all projects and in one:
   * a range of the (user_id, submitted_at) index, so the cost follows the person's own work in that window.
   */
  async countSubmittedSince(userId: string, kinds: readonly AttemptKind[], since: number, projectId?: string): Promise<{ all: number; inProject: number }> {
    const row = await this.db
      .selectFrom('task_attempts')
      .select((eb) => [
        eb.fn.countAll<number | string>().as('all'),
        eb.fn.sum<number | string | null>(eb.case().when('project_id', '=', projectId ?? '').then(1).else(0).end()).as('in_project'),
      ])
      .where('user_id', '=', userId)
      .where('submitted_at', '>=', since)
      .where('kind', 'in', kinds)
      .executeTakeFirstOrThrow();
    return { all: Number(row.all), inProject: Number(row.in_project ?? 0) };
  }

  /** The label attempts of one round of a task, in submission order. */
  async roundAttempts(taskId: string, round: number): Promise<Attempt[]> {
    const rows = await this.db
      .selectFrom('task_attempts')
      .selectAll()
      .where('task_id', '=', taskId)
      .where('kind', '=', 'label')
      .where('round', '=', round)
      .orderBy('attempt_no')
      .execute();
    return rows.map(fromAttemptRow);
  }

  /** Reviewers' comments on a task, oldest first (shown to the next labeler and reviewer). */
  async reviewComments(taskId: string): Promise<string[]> {
    const { rows } = await REVIEW_COMMENTS.execute(this.db, this.dialect.name, [taskId]);
    return rows.map((row) => row.comments!).filter((comment) => comment.trim() !== '');
  }

  /**
   * The person's latest submission of a task (label or gold answer), or undefined when they never
   * submitted it: an index probe on (task_id, user_id).
   */
  async latestOwnAttempt(taskId: string, userId: string): Promise<Attempt | undefined> {
    const row = await this.db
      .selectFrom('task_attempts')
      .selectAll()
      .where('task_id', '=', taskId)
      .where('user_id', '=', userId)
      .where('kind', 'in', ['label', 'gold'])
      .orderBy('submitted_at', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row && fromAttemptRow(row);
  }

  /**
   * The person's label attempts submitted since a moment, newest first, at most `limit`: a range
   * of the (user_id, submitted_at) index read from its end.
   */
  async recentLabelAttempts(userId: string, since: number, limit: number): Promise<Attempt[]> {
    const rows = await this.db
      .selectFrom('task_attempts')
      .selectAll()
      .where('user_id', '=', userId)
      .where('submitted_at', '>=', since)
      .where('kind', '=', 'label')
      .orderBy('submitted_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(fromAttemptRow);
  }

  /**
   * Takes a label attempt back out of its round (a labeler reopening their submission), in the
   * caller's transaction. The round's last attempt moves into the freed slot, so the round's
   * attempt numbers stay 1..n-1 and the next submission takes slot n (attempt numbers are unique
   * per task, kind and round).
   */
  async withdrawAttempt(attempt: Attempt, attemptsInRound: number): Promise<void> {
    await this.db.deleteFrom('task_attempts').where('id', '=', attempt.id).execute();
    if (attempt.attempt_no === null || attempt.attempt_no >= attemptsInRound) return;
    await this.db
      .updateTable('task_attempts')
      .set({ attempt_no: attempt.attempt_no })
      .where('task_id', '=', attempt.task_id)
      .where('kind', '=', 'label')
      .where('round', '=', attempt.round)
      .where('attempt_no', '=', attemptsInRound)
      .execute();
  }

  async insertSkip(skip: { id: string; task_id: string; task_source: TaskSource; user_id: string; kind: WorkKind; reason: string; skipped_at: number }): Promise<void> {
    await this.db.insertInto('task_skips').values(skip).execute();
  }

  // Drafts.

  /** A whole draft: it replaces the stored one and every part saved before it. */
  async saveDraft(taskId: string, userId: string, response: unknown, now: number): Promise<void> {
    const text = JSON.stringify(response ?? null);
    await SAVE_DRAFT.execute(this.db, this.dialect.name, [taskId, userId, text, now, text, now]);
    await DELETE_DRAFT_PARTS.execute(this.db, this.dialect.name, [taskId, userId]);
  }

  /**
   * Draft parts, each stored only when no part at its path has the same or a later revision (one
   * conditional upsert per 500 parts). Answers the paths stored; the others were stale.
   */
  async saveDraftParts(taskId: string, userId: string, parts: readonly DraftPart[], now: number): Promise<Set<string>> {
    const stored = new Set<string>();
    for (let start = 0; start < parts.length; start += PARTS_PER_STATEMENT) {
      const rows = parts.slice(start, start + PARTS_PER_STATEMENT).map((part) => ({ task_id: taskId, user_id: userId, path: part.path, value: JSON.stringify(part.value ?? null), revision: part.revision, updated_at: now }));
      const written = await this.db
        .insertInto('task_draft_parts')
        .values(rows)
        .onConflict((conflict) =>
          conflict
            .columns(['task_id', 'user_id', 'path'])
            .doUpdateSet((update) => ({ value: update.ref('excluded.value'), revision: update.ref('excluded.revision'), updated_at: update.ref('excluded.updated_at') }))
            .where('task_draft_parts.revision', '<', (where) => where.ref('excluded.revision')),
        )
        .returning('path')
        .execute();
      for (const row of written) stored.add(row.path);
    }
    return stored;
  }

  /** The stored draft: the whole one and the parts (read side by side). */
  async findDraft(taskId: string, userId: string): Promise<StoredDraft | undefined> {
    const [{ rows }, { rows: partRows }] = await Promise.all([FIND_DRAFT.execute(this.db, this.dialect.name, [taskId, userId]), FIND_DRAFT_PARTS.execute(this.db, this.dialect.name, [taskId, userId])]);
    const row = rows[0];
    if (!row && partRows.length === 0) return undefined;
    return {
      base: row && { response: parse(row.response), updated_at: Number(row.updated_at) },
      parts: partRows.map((part) => ({ path: part.path, value: parse(part.value), revision: Number(part.revision), updated_at: Number(part.updated_at) })),
    };
  }

  async deleteDraft(taskId: string, userId: string): Promise<void> {
    await DELETE_DRAFT.execute(this.db, this.dialect.name, [taskId, userId]);
    await DELETE_DRAFT_PARTS.execute(this.db, this.dialect.name, [taskId, userId]);
  }

  // Pipeline state.

  async findWork(taskId: string): Promise<TaskWork | undefined> {
    const { rows } = await FIND_WORK.execute(this.db, this.dialect.name, [taskId]);
    const row = rows[0];
    if (!row) return undefined;
    return {
      task_id: row.task_id as string,
      round: Number(row.round),
      attempts: Number(row.attempts),
      pending_response: row.pending_response === null ? null : parse(row.pending_response),
      review_reason: (row.review_reason as string | null) ?? null,
      agreement: row.agreement === null ? null : Number(row.agreement),
    };
  }

  async saveWork(work: TaskWork, now: number): Promise<void> {
    const values = [
      work.round,
      work.attempts,
      work.pending_response === null || work.pending_response === undefined ? null : JSON.stringify(work.pending_response),
      work.review_reason,
      work.agreement,
      now,
    ];
    await SAVE_WORK.execute(this.db, this.dialect.name, [work.task_id, ...values, ...values]);
  }

  // Gold scores.

  async addGoldScore(input: { userId: string; projectId: string; accountId: string; score: number; now: number }): Promise<void> {
    await this.db
      .insertInto('labeler_quality')
      .values({ user_id: input.userId, project_id: input.projectId, account_id: input.accountId, gold_attempts: 1, score_sum: input.score, updated_at: input.now })
      .onConflict((conflict) =>
        conflict.columns(['user_id', 'project_id']).doUpdateSet({
          gold_attempts: sql`labeler_quality.gold_attempts + 1`,
          score_sum: sql`labeler_quality.score_sum + ${input.score}`,
          updated_at: input.now,
        }),
      )
      .execute();
  }

  /** Gold scores of a project's labelers, by email. */
  async projectQuality(projectId: string): Promise<LabelerQuality[]> {
    const rows = await this.db
      .selectFrom('labeler_quality as q')
      .innerJoin('users as u', 'u.id', 'q.user_id')
      .select(['q.user_id', 'u.email', 'q.project_id', 'q.gold_attempts', 'q.score_sum'])
      .where('q.project_id', '=', projectId)
      .orderBy('u.email')
      .execute();
    return rows.map((row) => ({ ...row, gold_attempts: Number(row.gold_attempts), score_sum: Number(row.score_sum) }));
  }
}

/** A task_attempts row as the rest of the code sees it (JSON parsed, numbers as numbers). */
export function fromAttemptRow(row: Record<string, unknown>): Attempt {
  return {
    id: row.id as string,
    account_id: row.account_id as string,
    project_id: row.project_id as string,
    task_id: row.task_id as string,
    user_id: row.user_id as string,
    kind: row.kind as AttemptKind,
    round: Number(row.round),
    attempt_no: row.attempt_no === null ? null : Number(row.attempt_no),
    response: row.response === null ? null : parse(row.response),
    started_at: Number(row.started_at),
    submitted_at: Number(row.submitted_at),
    time_spent_ms: Number(row.time_spent_ms),
    score: row.score === null ? null : Number(row.score),
    result: (row.result as string | null) ?? null,
    comments: (row.comments as string | null) ?? null,
  };
}
