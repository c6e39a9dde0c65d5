import { CompiledQuery, sql, type Compilable, type Expression, type ExpressionBuilder, type Kysely, type Selectable, type SqlBool } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { DialectHelpers } from '../db/dialect.ts';
import type { Environment } from '../db/tables/projects_batches.ts';
import type { TaskStatus, TasksTable, WorkState } from '../db/tables/tasks.ts';
import { CompiledStatement, perDialect } from '../db/compiled-statement.ts';
import { registerPreparedSql } from '../db/prepared-statements.ts';

export type TaskRow = Selectable<TasksTable>;

/** One `audits` entry (contract 5.5); `audited_at` is kept as wire text. */
export interface AuditEntry {
  audit_result: 'accepted' | 'rejected' | 'fixed' | 'commented';
  audited_by: string;
  audited_at: string;
  audit_time_secs: number;
  audit_source: 'customer' | 'internal';
  comments?: string;
}

/** A customer task as the rest of the code sees it: JSON parsed, flags as booleans, with its project and batch names. */
export interface Task {
  id: string;
  account_id: string;
  environment: Environment;
  project_id: string;
  project_name: string;
  batch_id: string | null;
  batch_name: string | null;
  type: string;
  status: TaskStatus;
  work_state: WorkState;
  instruction: string | null;
  params: Record<string, unknown>;
  callback_url: string | null;
  callback_succeeded: boolean | null;
  /** The latest response, or null when there is none. */
  response: unknown;
  metadata: Record<string, unknown>;
  unique_id: string | null;
  /** null: the task never had tags (no `tags` key on the wire). */
  tags: string[] | null;
  priority: number | null;
  project_param_version: number | null;
  customer_review_status: string | null;
  customer_review_comments: string[] | null;
  prior_responses: unknown[] | null;
  audits: AuditEntry[] | null;
  created_at: number;
  updated_at: number;
  completed_at: number | null;
}

export type NewTask = Omit<Task, 'project_name' | 'batch_name'>;

/** Columns a task update may change (besides updated_at, which every update sets). */
export type TaskPatch = Partial<
  Pick<
    Task,
    | 'status' | 'work_state' | 'instruction' | 'callback_url' | 'callback_succeeded' | 'response' | 'metadata' | 'unique_id'
    | 'tags' | 'priority' | 'customer_review_status' | 'customer_review_comments' | 'prior_responses' | 'audits' | 'completed_at'
  >
>;

/** `GET tasks` filters, already resolved to ids and instants (inclusive bounds). */
export interface TaskFilters {
  projectId?: string;
  batchId?: string;
  status?: TaskStatus;
  type?: string;
  createdFrom?: number;
  createdTo?: number;
  completedFrom?: number;
  completedTo?: number;
  updatedFrom?: number;
  updatedTo?: number;
  /** OR-ed; `pending` means completed and never audited. */
  reviewStatuses?: string[];
  /** OR-ed exact matches. */
  uniqueIds?: string[];
  /** Any-of. */
  tags?: string[];
}

/** A position in the (created_at desc, id desc) order: the last task of the previous page. */
export interface TaskCursor {
  createdAt: number;
  id: string;
}

/** A change to one maintained counter (task_counts). */
export interface CountDelta {
  account_id: string;
  environment: Environment;
  project_id: string;
  batch_id: string | null;
  type: string;
  status: TaskStatus;
  delta: number;
}

type JoinedRow = TaskRow & { project_name: string; batch_name: string | null };

/** A task row as stored, with its project and batch names: JSON columns as text, flags 0/1, times as numbers. */
export type StoredTask = JoinedRow;

const JSON_COLUMNS = ['params', 'response', 'metadata', 'tags', 'customer_review_comments', 'prior_responses', 'audits'] as const;

/** The row with JSON columns as text and times as numbers on both databases (a driver may hand back parsed JSON or numeric strings). */
function storedRow(row: Record<string, unknown>): StoredTask {
  const stored = row as JoinedRow;
  for (const column of JSON_COLUMNS) {
    const value = row[column];
    if (value !== null && value !== undefined && typeof value !== 'string') (stored as Record<string, unknown>)[column] = JSON.stringify(value);
  }
  if (typeof stored.created_at !== 'number') stored.created_at = Number(stored.created_at);
  if (typeof stored.updated_at !== 'number') stored.updated_at = Number(stored.updated_at);
  if (stored.completed_at !== null && typeof stored.completed_at !== 'number') stored.completed_at = Number(stored.completed_at);
  return stored;
}

/** The task as the rest of the code sees it, from a stored row (listStored). */
export function taskFromStored(row: StoredTask): Task {
  return fromRow(row);
}

function json<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

function jsonOrNull<T>(value: unknown): T | null {
  return value === null || value === undefined ? null : json<T>(value);
}

function fromRow(row: JoinedRow): Task {
  return {
    id: row.id,
    account_id: row.account_id,
    environment: row.environment,
    project_id: row.project_id,
    project_name: row.project_name,
    batch_id: row.batch_id,
    batch_name: row.batch_name,
    type: row.type,
    status: row.status,
    work_state: row.work_state,
    instruction: row.instruction,
    params: json(row.params),
    callback_url: row.callback_url,
    callback_succeeded: row.callback_succeeded === null ? null : Boolean(row.callback_succeeded),
    response: jsonOrNull(row.response),
    metadata: json(row.metadata),
    unique_id: row.unique_id,
    tags: jsonOrNull(row.tags),
    priority: row.priority,
    project_param_version: row.project_param_version,
    customer_review_status: row.customer_review_status,
    customer_review_comments: jsonOrNull(row.customer_review_comments),
    prior_responses: jsonOrNull(row.prior_responses),
    audits: jsonOrNull(row.audits),
    created_at: Number(row.created_at),
    updated_at: Number(row.updated_at),
    completed_at: row.completed_at === null ? null : Number(row.completed_at),
  };
}

function textOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

export function toRow(task: NewTask): TaskRow {
  return {
    id: task.id,
    account_id: task.account_id,
    environment: task.environment,
    project_id: task.project_id,
    batch_id: task.batch_id,
    type: task.type,
    status: task.status,
    work_state: task.work_state,
    instruction: task.instruction,
    params: JSON.stringify(task.params),
    callback_url: task.callback_url,
    callback_succeeded: task.callback_succeeded === null ? null : task.callback_succeeded ? 1 : 0,
    response: textOrNull(task.response),
    metadata: JSON.stringify(task.metadata),
    unique_id: task.unique_id,
    tags: textOrNull(task.tags),
    priority: task.priority,
    project_param_version: task.project_param_version,
    customer_review_status: task.customer_review_status,
    customer_review_comments: textOrNull(task.customer_review_comments),
    prior_responses: textOrNull(task.prior_responses),
    audits: textOrNull(task.audits),
    created_at: task.created_at,
    updated_at: task.updated_at,
    completed_at: task.completed_at,
  };
}

const JSON_PATCH_KEYS = new Set(['response', 'metadata', 'tags', 'customer_review_comments', 'prior_responses', 'audits']);

function patchToColumns(patch: TaskPatch): Partial<TaskRow> {
  const columns: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (key === 'callback_succeeded') columns[key] = value === null ? null : value ? 1 : 0;
    else if (JSON_PATCH_KEYS.has(key)) columns[key] = textOrNull(value);
    else columns[key] = value;
  }
  return columns as Partial<TaskRow>;
}

/** Every column of a task row, in one fixed order (the compiled insert binds them positionally). */
export const TASK_COLUMNS = [
  'id', 'account_id', 'environment', 'project_id', 'batch_id', 'type', 'status', 'work_state', 'instruction', 'params',
  'callback_url', 'callback_succeeded', 'response', 'metadata', 'unique_id', 'tags', 'priority', 'project_param_version',
  'customer_review_status', 'customer_review_comments', 'prior_responses', 'audits', 'created_at', 'updated_at', 'completed_at',
] as const satisfies ReadonlyArray<keyof TaskRow>;

/**
 * PostgreSQL: a task's insert and its counter change in one statement (a data-modifying WITH). A
 * single statement is atomic on its own, so a task with no tags and no batch is created in one round
 * trip, with no BEGIN and COMMIT around it (three round trips fewer). It returns a row only when the
 * task went in (its unique_id was free). Parameters: the TASK_COLUMNS values, then the counter shard.
 */
const INSERT_COUNTED_POSTGRES =
  `with inserted as (insert into tasks (${TASK_COLUMNS.join(', ')}) values (${TASK_COLUMNS.map((_, index) => `$${index + 1}`).join(', ')}) ` +
  'on conflict (account_id, environment, unique_id) do nothing returning account_id, environment, project_id, type, status) ' +
  'insert into task_counts (account_id, environment, project_id, batch_key, type, status, shard, n) ' +
  `select account_id, environment, project_id, '', type, status, $${TASK_COLUMNS.length + 1}::integer, 1 from inserted ` +
  'on conflict (account_id, environment, project_id, batch_key, type, status, shard) do update set n = task_counts.n + excluded.n returning n';
registerPreparedSql(INSERT_COUNTED_POSTGRES);

/**
 * PostgreSQL: INSERT_COUNTED_POSTGRES for a task built from a project the caller remembered (the
 * task service's ProjectCache), whole in one statement: the project is looked up again in the same
 * statement (id, scope, name and an md5 of its stored parameter history), and the task and its
 * counter go in only if it still holds what the task was built from. So a create needs no separate
 * project read, and a project whose parameters another process changed is never used stale: the
 * statement then inserts nothing and answers `project_ok = false`, and the caller reads the project
 * again. `created = false` with `project_ok = true`: the unique_id was taken (ON CONFLICT). A single
 * statement is atomic, so no BEGIN/COMMIT. Parameters: the TASK_COLUMNS values, the counter shard,
 * the project's name, the md5 of its param_history text.
 */
const PROJECT_AT = TASK_COLUMNS.indexOf('project_id') + 1;
const ACCOUNT_AT = TASK_COLUMNS.indexOf('account_id') + 1;
const ENVIRONMENT_AT = TASK_COLUMNS.indexOf('environment') + 1;
const INSERT_COUNTED_CHECKED_POSTGRES =
  `with project as (select 1 from projects where id = $${PROJECT_AT} and account_id = $${ACCOUNT_AT} and environment = $${ENVIRONMENT_AT} ` +
  `and name = $${TASK_COLUMNS.length + 2} and md5(param_history) = $${TASK_COLUMNS.length + 3}), ` +
  `inserted as (insert into tasks (${TASK_COLUMNS.join(', ')}) select ${TASK_COLUMNS.map((_, index) => `$${index + 1}`).join(', ')} from project ` +
  'on conflict (account_id, environment, unique_id) do nothing returning account_id, environment, project_id, type, status), ' +
  'counted as (insert into task_counts (account_id, environment, project_id, batch_key, type, status, shard, n) ' +
  `select account_id, environment, project_id, '', type, status, $${TASK_COLUMNS.length + 1}::integer, 1 from inserted ` +
  'on conflict (account_id, environment, project_id, batch_key, type, status, shard) do update set n = task_counts.n + excluded.n returning 1) ' +
  'select exists (select 1 from project) as project_ok, exists (select 1 from counted) as created';
registerPreparedSql(INSERT_COUNTED_CHECKED_POSTGRES);

/**
 * SQLite: the task insert of INSERT_COUNTED_CHECKED_POSTGRES (the counter upsert follows in the same
 * transaction). `md5` is registered on every SQLite connection (db/connect.ts). Parameters: the
 * TASK_COLUMNS values, then the project's id, account, environment, name and history md5.
 */
const PROJECT_CHECK_SQLITE = 'where exists (select 1 from projects where id = ? and account_id = ? and environment = ? and name = ? and md5(param_history) = ?)';
const INSERT_CHECKED_SQLITE =
  `insert into tasks (${TASK_COLUMNS.join(', ')}) select ${TASK_COLUMNS.map(() => '?').join(', ')} ${PROJECT_CHECK_SQLITE} ` +
  'on conflict (account_id, environment, unique_id) do nothing';

/** What the one-statement create of a remembered project did (see INSERT_COUNTED_CHECKED_POSTGRES). */
export type CheckedInsert = 'created' | 'duplicate' | 'stale-project';

/** Thrown by a checked insert inside a transaction when the project changed, so that the transaction rolls back. */
export class StaleProject extends Error {
  constructor() {
    super('the project changed since this process read it');
  }
}

/** The project a task was built from, as INSERT_COUNTED_CHECKED_POSTGRES checks it again. */
export interface ProjectCheck {
  name: string;
  /** md5 (hex) of the project's stored param_history text. */
  historyMd5: string;
}

// The hot statements, compiled once per dialect (building a Kysely query costs more than running these).
const INSERT_TASK = new CompiledStatement(TASK_COLUMNS.length, (db: Kysely<Database>, ...values) =>
  db
    .insertInto('tasks')
    .values(Object.fromEntries(TASK_COLUMNS.map((column, index) => [column, values[index]])) as unknown as TaskRow)
    .onConflict((conflict) => conflict.columns(['account_id', 'environment', 'unique_id']).doNothing()),
  { prepared: true },
);

const FIND_TASK = new CompiledStatement<JoinedRow>(3, (db: Kysely<Database>, id, accountId, environment) =>
  db
    .selectFrom('tasks as t')
    .innerJoin('projects as p', 'p.id', 't.project_id')
    .leftJoin('batches as b', 'b.id', 't.batch_id')
    .selectAll('t')
    .select(['p.name as project_name', 'b.name as batch_name'])
    .where('t.id', '=', id)
    .where('t.account_id', '=', accountId)
    .where('t.environment', '=', environment as Environment),
  { committedReads: true, prepared: true },
);

/**
 * FIND_TASK without the join: the task row alone by primary key, still scoped to the account and
 * environment. `GET task/{id}` takes the project's and batch's names from memory (services/task-names.ts);
 * on PostgreSQL the join cost 14 µs of backend and 9 µs of client CPU per get over this read (57 / 73
 * against 43 / 64 µs, the bare floor's own figures; bench/task-statements-pg.bench.ts). The same bench
 * measured the row as one JSON text built by PostgreSQL (row_to_json) and parsed here: 11 µs less
 * client CPU but 7 µs more backend CPU on the same cores, so not adopted.
 */
const FIND_TASK_ROW = new CompiledStatement<TaskRow>(3, (db: Kysely<Database>, id, accountId, environment) =>
  db
    .selectFrom('tasks')
    .selectAll()
    .where('id', '=', id)
    .where('account_id', '=', accountId)
    .where('environment', '=', environment as Environment),
  { committedReads: true, prepared: true },
);

/** Most counter rows one upsert writes (a status change writes two, a bulk change a few more). */
const COUNTS_PER_STATEMENT = 8;
const UPSERT_COUNTS = new Map<number, CompiledStatement<unknown>>();

/** The upsert of `rows` counter rows (8 parameters per row), compiled once per row count. */
function upsertCounts(rows: number): CompiledStatement<unknown> {
  let statement = UPSERT_COUNTS.get(rows);
  if (!statement) {
    statement = new CompiledStatement(8 * rows, (db: Kysely<Database>, ...values) =>
      db
        .insertInto('task_counts')
        .values(
          Array.from({ length: rows }, (_, row) => {
            const [accountId, environment, projectId, batchKey, type, status, shard, n] = values.slice(8 * row, 8 * row + 8);
            return {
              account_id: accountId,
              environment: environment as Environment,
              project_id: projectId,
              batch_key: batchKey,
              type,
              status: status as TaskStatus,
              shard: shard as unknown as number,
              n: n as unknown as number,
            };
          }),
        )
        .onConflict((conflict) =>
          conflict
            .columns(['account_id', 'environment', 'project_id', 'batch_key', 'type', 'status', 'shard'])
            .doUpdateSet((eb) => ({ n: eb('task_counts.n', '+', eb.ref('excluded.n')) })),
        ),
      { prepared: true },
    );
    UPSERT_COUNTS.set(rows, statement);
  }
  return statement;
}

/**
 * Rows per counter (migration 0011). On PostgreSQL concurrent creates in one project would otherwise
 * queue on one row lock until each commit; SQLite serialises writers, so one row is enough there.
 */
export const COUNT_SHARDS: Record<DialectHelpers['name'], number> = { postgres: 16, sqlite: 1 };
/** The shard each open transaction writes its counter changes to (see TaskRepository.countShard). */
const SHARD_BY_TRANSACTION = new WeakMap<object, number>();

/**
 * `lockAndFind`'s statement by dialect: the joined read of FIND_TASK that also locks the task row
 * (`for update of t`: the project and batch rows are only read) on PostgreSQL, one round trip where
 * a lock and then a read took two; SQLite's one writer needs no row lock.
 */
const lockAndFindStatement = perDialect(
  (dialect) =>
    new CompiledStatement<JoinedRow>(3, (db: Kysely<Database>, id, accountId, environment) =>
      db
        .selectFrom('tasks as t')
        .innerJoin('projects as p', 'p.id', 't.project_id')
        .leftJoin('batches as b', 'b.id', 't.batch_id')
        .selectAll('t')
        .select(['p.name as project_name', 'b.name as batch_name'])
        .where('t.id', '=', id)
        .where('t.account_id', '=', accountId)
        .where('t.environment', '=', environment as Environment)
        .modifyEnd(dialect.name === 'postgres' ? sql`for update of t` : sql``),
    ),
);

/** `lock`'s statement by dialect (its row-lock clause depends on the dialect). */
const lockStatement = perDialect(
  (dialect) => new CompiledStatement<{ id: string }>(1, (db: Kysely<Database>, id) => db.selectFrom('tasks').select('id').where('id', '=', id).modifyEnd(dialect.forUpdate)),
);

/**
 * `update`'s statements by the columns the patch sets, in that order (each compiled once per
 * dialect). Patches come from a handful of code paths, so this stays small; the bound is a guard.
 */
const UPDATE_BY_COLUMNS = new Map<string, CompiledStatement<never>>();
const UPDATE_CACHE_LIMIT = 64;

/** `update tasks set <columns>, updated_at where id`; arguments: id, updated_at, then the columns' values. */
function updateStatement(columns: readonly string[]): CompiledStatement<never> {
  const key = columns.join(',');
  let statement = UPDATE_BY_COLUMNS.get(key);
  if (!statement) {
    statement = new CompiledStatement<never>(2 + columns.length, (db: Kysely<Database>, id, updatedAt, ...values) =>
      db
        .updateTable('tasks')
        .set({ ...Object.fromEntries(columns.map((column, index) => [column, values[index]])), updated_at: updatedAt as unknown as number })
        .where('id', '=', id),
    );
    if (UPDATE_BY_COLUMNS.size >= UPDATE_CACHE_LIMIT) UPDATE_BY_COLUMNS.delete(UPDATE_BY_COLUMNS.keys().next().value!);
    UPDATE_BY_COLUMNS.set(key, statement);
  }
  return statement;
}

const COMPLETE_PENDING = new Map<string, CompiledStatement<TaskRow>>();

/**
 * completePending's statement: `update tasks set <columns>, updated_at where id and status pending
 * and work_state and response is null returning *`; with `countRows` > 0 (PostgreSQL) the update
 * runs in a WITH and the counter upsert of that many rows follows it in the same statement, writing
 * only when the update did. Arguments: id, updated_at, work state, the columns' values, then the
 * counter rows' values.
 */
function completePendingStatement(columns: readonly string[], countRows: number): CompiledStatement<TaskRow> {
  const key = `${columns.join(',')}:${countRows}`;
  let statement = COMPLETE_PENDING.get(key);
  if (!statement) {
    statement = new CompiledStatement<TaskRow>(3 + columns.length + 8 * countRows, (db: Kysely<Database>, id, updatedAt, workState, ...rest) => {
      const update = db
        .updateTable('tasks')
        .set({ ...Object.fromEntries(columns.map((column, index) => [column, rest[index]])), updated_at: updatedAt as unknown as number })
        .where('id', '=', id)
        .where('status', '=', sql.lit('pending') as never)
        .where('work_state', '=', workState as WorkState)
        .where('response', 'is', null)
        .returningAll();
      if (countRows === 0) return update as unknown as Compilable<TaskRow>;
      const values = Array.from({ length: countRows }, (_, row) => {
        const [accountId, environment, projectId, batchKey, type, status, shard, n] = rest.slice(columns.length + 8 * row, columns.length + 8 * row + 8);
        return sql`(cast(${accountId} as text), cast(${environment} as text), cast(${projectId} as text), cast(${batchKey} as text), cast(${type} as text), cast(${status} as text), cast(${shard} as integer), cast(${n} as bigint))`;
      });
      return {
        compile: () =>
          sql<TaskRow>`with updated as (${update}), counted as (
              insert into task_counts (account_id, environment, project_id, batch_key, type, status, shard, n)
              select * from (values ${sql.join(values)}) as v (account_id, environment, project_id, batch_key, type, status, shard, n)
              where exists (select 1 from updated)
              on conflict (account_id, environment, project_id, batch_key, type, status, shard) do update set n = task_counts.n + excluded.n
            )
            select * from updated`.compile(db),
      };
    }, { prepared: true });
    COMPLETE_PENDING.set(key, statement);
  }
  return statement;
}

/** Rows per multi-row INSERT: under SQLite's and PostgreSQL's bound-parameter limits for 26 columns. */
const INSERT_CHUNK = 1000;

/**
 * A tag filter whose tags are on at most this many tasks (in the whole database) is answered from the
 * tag index: those task ids, each looked up by primary key. Past it, tasks are walked in the page's
 * order and each is probed for the tags (EXISTS), which finds a page of a common tag quickly. Either
 * way alone fails at a million tasks: the walk meets a rare tag's few tasks only after reading every
 * task (0.7 s per page on SQLite, blocking the server), and the ids of a common tag are too many.
 */
const RARE_TAG_ROWS = 2000;

/** insertNew's compiled statements by dialect and row count (a bulk import uses one or two sizes). */
const INSERT_NEW_CACHE = new Map<string, CompiledQuery<{ id: string }>>();

/**
 * Customer tasks, their tag index rows, the maintained counters and Idempotency-Key records. The
 * only code that builds SQL for these tables. To use it inside a transaction, construct one on
 * the transaction: `new TaskRepository(trx, dialect)`.
 */
export class TaskRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: DialectHelpers,
  ) {}

  private selectJoined() {
    return this.db
      .selectFrom('tasks as t')
      .innerJoin('projects as p', 'p.id', 't.project_id')
      .leftJoin('batches as b', 'b.id', 't.batch_id')
      .selectAll('t')
      .select(['p.name as project_name', 'b.name as batch_name']);
  }

  /**
   * Inserts the task, its tag rows and its counter; returns false (writing nothing) when its
   * unique_id is already held in its (account, environment).
   */
  async insert(task: NewTask): Promise<boolean> {
    const row = toRow(task);
    const result = await INSERT_TASK.execute(this.db, this.dialect.name, TASK_COLUMNS.map((column) => row[column]));
    if (Number(result.numAffectedRows ?? 0) === 0) return false;
    if (task.tags && task.tags.length > 0) await this.insertTagRows(task.id, task.tags);
    await this.adjustCounts([{ ...countKey(task), delta: 1 }]);
    return true;
  }

  /**
   * `insert` for a task with no tags and no batch, in one statement on PostgreSQL (see
   * INSERT_COUNTED_POSTGRES), meant to run outside a transaction; on SQLite it is `insert`.
   */
  async insertUnbatched(task: NewTask): Promise<boolean> {
    if (task.batch_id !== null || (task.tags && task.tags.length > 0)) throw new Error('insertUnbatched: the task must have no batch and no tags');
    if (this.dialect.name !== 'postgres') return this.insert(task);
    const row = toRow(task);
    const parameters = [...TASK_COLUMNS.map((column) => row[column]), this.countShard()];
    const result = await this.db.executeQuery(CompiledQuery.raw(INSERT_COUNTED_POSTGRES, parameters));
    return result.rows.length > 0;
  }

  /**
   * `insertUnbatched` of a task built from a remembered project, checking that project in the same
   * statement. PostgreSQL: INSERT_COUNTED_CHECKED_POSTGRES, outside a transaction or inside one
   * (test-mode creates); SQLite: insertCheckedSqlite, inside the create group's transaction.
   */
  async insertUnbatchedChecked(task: NewTask, project: ProjectCheck): Promise<CheckedInsert> {
    if (task.batch_id !== null || (task.tags && task.tags.length > 0)) throw new Error('insertUnbatchedChecked: the task must have no batch and no tags');
    const row = toRow(task);
    if (this.dialect.name === 'sqlite') return this.insertCheckedSqlite(task, row, project);
    const parameters = [...TASK_COLUMNS.map((column) => row[column]), this.countShard(), project.name, project.historyMd5];
    const result = await this.db.executeQuery<{ project_ok: boolean; created: boolean }>(CompiledQuery.raw(INSERT_COUNTED_CHECKED_POSTGRES, parameters));
    const [outcome] = result.rows;
    if (!outcome?.project_ok) return 'stale-project';
    return outcome.created ? 'created' : 'duplicate';
  }

  /**
   * SQLite's `insertUnbatchedChecked`, inside the caller's transaction (a create group): the task
   * insert runs only while the project holds what the task was built from (INSERT_CHECKED_SQLITE),
   * then the counter upsert. The check replaces the project read a create made before joining its
   * group: that read ran on the read-only connection, whose page cache every commit invalidates, and
   * cost about a tenth of a create's CPU in the server's profile (bench/tasks.bench.ts, BENCH_CPU_PROF).
   * Nothing inserted: one more read tells a taken unique_id from a changed project.
   */
  private async insertCheckedSqlite(task: NewTask, row: TaskRow, project: ProjectCheck): Promise<CheckedInsert> {
    const check = [task.project_id, task.account_id, task.environment, project.name, project.historyMd5];
    const result = await this.db.executeQuery(CompiledQuery.raw(INSERT_CHECKED_SQLITE, [...TASK_COLUMNS.map((column) => row[column]), ...check]));
    if (Number(result.numAffectedRows ?? 0) > 0) {
      await this.adjustCounts([{ ...countKey(task), delta: 1 }]);
      return 'created';
    }
    const still = await this.db.executeQuery(CompiledQuery.raw(`select 1 as ok ${PROJECT_CHECK_SQLITE}`, check));
    return still.rows.length > 0 ? 'duplicate' : 'stale-project';
  }

  /** Bulk insert for imports, fixtures and benchmarks: multi-row INSERTs, tag rows and counters in aggregate. No unique_id conflict handling. */
  async insertMany(tasks: readonly NewTask[]): Promise<void> {
    const deltas = new Map<string, CountDelta>();
    for (let start = 0; start < tasks.length; start += INSERT_CHUNK) {
      const chunk = tasks.slice(start, start + INSERT_CHUNK);
      await this.db.insertInto('tasks').values(chunk.map(toRow)).execute();
      const tagRows = chunk.flatMap((task) => (task.tags ?? []).map((tag) => ({ task_id: task.id, tag })));
      for (let at = 0; at < tagRows.length; at += INSERT_CHUNK * 10) {
        await this.db.insertInto('task_tags').values(tagRows.slice(at, at + INSERT_CHUNK * 10)).execute();
      }
      for (const task of chunk) {
        const key = countKey(task);
        const id = deltaId(key);
        const existing = deltas.get(id);
        if (existing) existing.delta += 1;
        else deltas.set(id, { ...key, delta: 1 });
      }
    }
    await this.adjustCounts([...deltas.values()]);
  }

  // --- Added by the import area: bulk creation that skips taken unique_ids (services/task-import.service.ts). ---

  /**
   * Inserts the tasks with multi-row INSERT ... ON CONFLICT (unique_id) DO NOTHING RETURNING id,
   * then the tag rows and counters of the rows that went in; returns their ids. A task whose
   * unique_id is already held in its (account, environment), or by an earlier task of the list,
   * is left out without an error. The statement for a given number of rows is compiled once.
   */
  async insertNew(tasks: readonly NewTask[]): Promise<Set<string>> {
    const inserted = new Set<string>();
    for (let start = 0; start < tasks.length; start += INSERT_CHUNK) {
      const chunk = tasks.slice(start, start + INSERT_CHUNK);
      const parameters: unknown[] = [];
      for (const task of chunk) {
        const row = toRow(task);
        for (const column of TASK_COLUMNS) parameters.push(row[column]);
      }
      const result = await this.db.executeQuery<{ id: string }>({ ...this.compiledInsertNew(chunk.length), parameters });
      for (const row of result.rows) inserted.add(row.id);
      const kept = chunk.filter((task) => inserted.has(task.id));
      const tagRows = kept.flatMap((task) => (task.tags ?? []).map((tag) => ({ task_id: task.id, tag })));
      for (let at = 0; at < tagRows.length; at += INSERT_CHUNK * 10) {
        await this.db.insertInto('task_tags').values(tagRows.slice(at, at + INSERT_CHUNK * 10)).execute();
      }
      // One counter change per counter key, not per task.
      const deltas = new Map<string, CountDelta>();
      for (const task of kept) {
        const key = `${task.account_id}\u0000${task.environment}\u0000${task.project_id}\u0000${task.batch_id ?? ''}\u0000${task.type}\u0000${task.status}`;
        const delta = deltas.get(key);
        if (delta) delta.delta += 1;
        else deltas.set(key, { ...countKey(task), delta: 1 });
      }
      await this.adjustCounts([...deltas.values()]);
    }
    return inserted;
  }

  /** The multi-row insert of `rows` tasks, compiled once per dialect and row count (parameters are row-major in TASK_COLUMNS order). */
  private compiledInsertNew(rows: number): CompiledQuery<{ id: string }> {
    const key = `${this.dialect.name}:${rows}`;
    let compiled = INSERT_NEW_CACHE.get(key);
    if (!compiled) {
      const placeholder = Object.fromEntries(TASK_COLUMNS.map((column) => [column, ''])) as unknown as TaskRow;
      compiled = this.db
        .insertInto('tasks')
        .values(Array.from({ length: rows }, () => placeholder))
        .onConflict((conflict) => conflict.columns(['account_id', 'environment', 'unique_id']).doNothing())
        .returning('id')
        .compile();
      if (compiled.parameters.length !== rows * TASK_COLUMNS.length) throw new Error('insertNew: every task column must be a bound parameter');
      if (INSERT_NEW_CACHE.size >= 16) INSERT_NEW_CACHE.delete(INSERT_NEW_CACHE.keys().next().value!);
      INSERT_NEW_CACHE.set(key, compiled);
    }
    return compiled;
  }

  /** Which of these unique_ids are held by a task of the (account, environment), in one indexed query. */
  async takenUniqueIds(accountId: string, environment: Environment, uniqueIds: readonly string[]): Promise<Set<string>> {
    const taken = new Set<string>();
    for (let start = 0; start < uniqueIds.length; start += INSERT_CHUNK) {
      const rows = await this.db
        .selectFrom('tasks')
        .select('unique_id')
        .where('account_id', '=', accountId)
        .where('environment', '=', environment)
        .where('unique_id', 'in', uniqueIds.slice(start, start + INSERT_CHUNK))
        .execute();
      for (const row of rows) if (row.unique_id !== null) taken.add(row.unique_id);
    }
    return taken;
  }

  async findById(accountId: string, environment: Environment, id: string): Promise<Task | undefined> {
    const { rows } = await FIND_TASK.execute(this.db, this.dialect.name, [id, accountId, environment]);
    return rows[0] && fromRow(rows[0]);
  }

  /**
   * The row as stored (JSON columns as text) without the project's and batch's names (`GET task/{id}`, which knows them from
   * memory or reads them with `namesOf`): one primary-key read.
   */
  async findStoredRowById(accountId: string, environment: Environment, id: string): Promise<Omit<StoredTask, 'project_name' | 'batch_name'> | undefined> {
    const { rows } = await FIND_TASK_ROW.execute(this.db, this.dialect.name, [id, accountId, environment]);
    return rows[0] && (storedRow(rows[0] as Record<string, unknown>) as TaskRow);
  }

  /** The names of a task's project and batch (batch null when the task has none). */
  async namesOf(projectId: string, batchId: string | null): Promise<{ project_name: string; batch_name: string | null } | undefined> {
    const project = await this.db.selectFrom('projects').select('name').where('id', '=', projectId).executeTakeFirst();
    if (!project) return undefined;
    if (batchId === null) return { project_name: project.name, batch_name: null };
    const batch = await this.db.selectFrom('batches').select('name').where('id', '=', batchId).executeTakeFirst();
    return batch && { project_name: project.name, batch_name: batch.name };
  }

  /** Locks the task row until commit (PostgreSQL), so read-modify-write changes of one task apply one at a time. */
  async lock(id: string): Promise<void> {
    await lockStatement(this.dialect).execute(this.db, this.dialect.name, [id]);
  }

  /** Locks the task row until commit (PostgreSQL) and reads it, in one statement; undefined when it is not in the scope. */
  async lockAndFind(accountId: string, environment: Environment, id: string): Promise<Task | undefined> {
    const { rows } = await lockAndFindStatement(this.dialect).execute(this.db, this.dialect.name, [id, accountId, environment]);
    return rows[0] && fromRow(rows[0]);
  }

  /** The id of the task holding this unique_id in the (account, environment), if any. */
  async idByUniqueId(accountId: string, environment: Environment, uniqueId: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('tasks')
      .select('id')
      .where('account_id', '=', accountId)
      .where('environment', '=', environment)
      .where('unique_id', '=', uniqueId)
      .executeTakeFirst();
    return row?.id;
  }

  /** Writes the patch and `updated_at`. */
  async update(id: string, patch: TaskPatch, now: number): Promise<void> {
    const columns = patchToColumns(patch) as Record<string, unknown>;
    const names = Object.keys(columns);
    const values = names.map((name) => columns[name]);
    await updateStatement(names).execute(this.db, this.dialect.name, [id, now, ...values]);
  }

  /** Changes only the internal work state (not visible on the wire, so `updated_at` stays). */
  async setWorkState(id: string, workState: WorkState): Promise<void> {
    await this.db.updateTable('tasks').set({ work_state: workState }).where('id', '=', id).execute();
  }

  /**
   * Cancels every pending, not-started task of the batch and moves their counters; returns how many.
   * One statement locks the tasks in id order (the order in which any transaction holding several
   * tasks takes them, docs/tasks.md) and cancels them; the counters move by what it returned, so a
   * task claimed between a count and the update (claims do not take the batch lock) cannot make
   * them drift.
   */
  async cancelUnstartedInBatch(batchId: string, now: number): Promise<number> {
    const canceled = await this.db
      .updateTable('tasks')
      .set({ status: 'canceled', work_state: 'canceled', updated_at: now })
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('tasks')
          .select('id')
          .where('batch_id', '=', batchId)
          .where('status', '=', 'pending')
          .where('work_state', '=', 'queued')
          .orderBy('id')
          .modifyEnd(this.dialect.forUpdate),
      )
      .where('status', '=', 'pending')
      .where('work_state', '=', 'queued')
      .returning(['account_id', 'environment', 'project_id', 'type'])
      .execute();
    const groups = new Map<string, CountDelta>();
    for (const task of canceled) {
      const name = `${task.account_id} ${task.environment} ${task.project_id} ${task.type}`;
      const group = groups.get(name);
      if (group) group.delta++;
      else groups.set(name, { account_id: task.account_id, environment: task.environment, project_id: task.project_id, batch_id: batchId, type: task.type, status: 'canceled', delta: 1 });
    }
    await this.adjustCounts([...groups.values()].flatMap((group) => [{ ...group, status: 'pending' as const, delta: -group.delta }, group]));
    return canceled.length;
  }

  /** Sets the unique_id; returns false (writing nothing) when another task of the (account, environment) holds it. */
  async setUniqueId(task: Pick<Task, 'id' | 'account_id' | 'environment'>, uniqueId: string, now: number): Promise<boolean> {
    const holder = await this.idByUniqueId(task.account_id, task.environment, uniqueId);
    if (holder !== undefined && holder !== task.id) return false;
    try {
      await this.update(task.id, { unique_id: uniqueId }, now);
    } catch (error) {
      // A concurrent writer took the value between the check and the write; the index refused it.
      if (this.dialect.isUniqueViolation(error)) return false;
      throw error;
    }
    return true;
  }

  /** Brings the task_tags rows of a task from `before` to `after` (both deduplicated). */
  async syncTagRows(taskId: string, before: readonly string[], after: readonly string[]): Promise<void> {
    const removed = before.filter((tag) => !after.includes(tag));
    const added = after.filter((tag) => !before.includes(tag));
    if (removed.length > 0) await this.db.deleteFrom('task_tags').where('task_id', '=', taskId).where('tag', 'in', removed).execute();
    if (added.length > 0) await this.insertTagRows(taskId, added);
  }

  private async insertTagRows(taskId: string, tags: readonly string[]): Promise<void> {
    await this.db.insertInto('task_tags').values(tags.map((tag) => ({ task_id: taskId, tag }))).execute();
  }

  /** True while any task of the batch is still `pending` (one index probe on (batch_id, status)). */
  async batchHasPendingTasks(batchId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('tasks')
      .select('id')
      .where('batch_id', '=', batchId)
      .where('status', '=', 'pending')
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  /**
   * Applies counter changes. Deltas on one key are summed, and keys are written in a fixed order so
   * that two transactions touching the same counters never lock them in opposite orders. Each call
   * writes to one randomly chosen shard row of each counter; readers sum the shards.
   */
  async adjustCounts(deltas: readonly CountDelta[]): Promise<void> {
    const rows = this.counterRows(deltas);
    // One statement for every counter of the call (PostgreSQL locks its rows in VALUES order, the
    // sorted order), in groups of at most COUNTS_PER_STATEMENT rows.
    for (let start = 0; start < rows.length; start += COUNTS_PER_STATEMENT) {
      const group = rows.slice(start, start + COUNTS_PER_STATEMENT);
      await upsertCounts(group.length).execute(this.db, this.dialect.name, group.flat());
    }
  }

  /** Counter deltas as upsert rows (8 values each): summed per key, zero sums dropped, in the sorted lock order, on this transaction's shard. */
  counterRows(deltas: readonly CountDelta[]): unknown[][] {
    const merged = new Map<string, CountDelta>();
    for (const delta of deltas) {
      const id = deltaId(delta);
      const existing = merged.get(id);
      if (existing) existing.delta += delta.delta;
      else merged.set(id, { ...delta });
    }
    const ordered = [...merged.entries()].filter(([, delta]) => delta.delta !== 0).sort(([a], [b]) => byCodeUnits(a, b));
    const shard = this.countShard();
    return ordered.map(([, delta]) => [delta.account_id, delta.environment, delta.project_id, delta.batch_id ?? '', delta.type, delta.status, shard, delta.delta]);
  }

  /**
   * A task's first completion by the work queue: writes `patch` (its status, work state, response,
   * completed_at) and moves the task's two counters, only while the task is still pending in
   * `workState` with no response stored. The update takes the task's row lock and checks that
   * condition on the row as it then stands, so it replaces locking and re-reading the task; on
   * PostgreSQL the counter upsert rides in the same statement (one round trip where the lock-and-read,
   * the update and the upsert took three). Returns the task as it now stands, or undefined, having
   * written nothing, when the condition no longer holds.
   */
  async completePending(task: Task, patch: TaskPatch & { status: TaskStatus }, workState: WorkState, now: number): Promise<Task | undefined> {
    const columns = patchToColumns(patch) as Record<string, unknown>;
    const names = Object.keys(columns);
    const counts = this.counterRows(statusChangeDeltas(task, patch.status));
    const args = [task.id, now, workState, ...names.map((name) => columns[name])];
    const postgres = this.dialect.name === 'postgres';
    const { rows } = await completePendingStatement(names, postgres ? counts.length : 0).execute(this.db, this.dialect.name, postgres ? [...args, ...counts.flat()] : args);
    if (!rows[0]) return undefined;
    if (!postgres) await this.adjustCounts(statusChangeDeltas(task, patch.status));
    return fromRow({ ...rows[0], project_name: task.project_name, batch_name: task.batch_name });
  }

  /**
   * The counter shard of this repository's transaction: chosen at random once per transaction, so
   * every adjustCounts call in it writes the same shard and its row locks keep one sorted order
   * (two calls on independently chosen shards could lock in opposite orders and deadlock).
   */
  private countShard(): number {
    let shard = SHARD_BY_TRANSACTION.get(this.db);
    if (shard === undefined) {
      shard = Math.floor(Math.random() * COUNT_SHARDS[this.dialect.name]);
      if (this.db.isTransaction) SHARD_BY_TRANSACTION.set(this.db, shard);
    }
    return shard;
  }

  /** One page in (created_at desc, id desc) order, after the cursor or skipping `offset` matches. */
  async list(accountId: string, environment: Environment, filters: TaskFilters, page: { limit: number; after?: TaskCursor; offset?: number }): Promise<Task[]> {
    if (filters.uniqueIds !== undefined) return this.listByUniqueIds(accountId, environment, filters, page, await this.rareTagTaskIds(filters.tags));
    return (await this.listStored(accountId, environment, filters, page)).map(fromRow);
  }

  /**
   * `list` without parsing: the rows as stored, JSON columns as text (exports write them as they
   * are). Not for unique_id filters.
   */
  async listStored(accountId: string, environment: Environment, filters: TaskFilters, page: { limit: number; after?: TaskCursor; offset?: number }): Promise<StoredTask[]> {
    if (filters.uniqueIds !== undefined) throw new Error('listStored does not take unique_id filters; use list');
    const tagged = await this.rareTagTaskIds(filters.tags);
    // The page is chosen on tasks alone (an index range scan), then joined for the names.
    const inner = this.db
      .selectFrom('tasks')
      .selectAll('tasks')
      .where((eb) => this.matching(eb, accountId, environment, filters, tagged))
      .$if(page.after !== undefined, (query) =>
        query
          .where('tasks.created_at', '<=', page.after!.createdAt)
          .where((eb) => eb.or([eb('tasks.created_at', '<', page.after!.createdAt), eb('tasks.id', '<', page.after!.id)])),
      )
      .orderBy('tasks.created_at', 'desc')
      .orderBy('tasks.id', 'desc')
      .limit(page.limit)
      .$if(page.after === undefined && (page.offset ?? 0) > 0, (query) => query.offset(page.offset!));
    const rows = await this.db
      .selectFrom(inner.as('t'))
      .innerJoin('projects as p', 'p.id', 't.project_id')
      .leftJoin('batches as b', 'b.id', 't.batch_id')
      .selectAll('t')
      .select(['p.name as project_name', 'b.name as batch_name'])
      .orderBy('t.created_at', 'desc')
      .orderBy('t.id', 'desc')
      .execute();
    return rows.map(storedRow);
  }

  /**
   * A unique_id filter matches at most one task per value, so the matches are read through the
   * (account, environment, unique_id) index with no ORDER BY (which would tempt SQLite's planner to
   * walk the whole account in date order instead) and the page is cut here.
   */
  private async listByUniqueIds(
    accountId: string,
    environment: Environment,
    filters: TaskFilters,
    page: { limit: number; after?: TaskCursor; offset?: number },
    tagged: string[] | undefined,
  ): Promise<Task[]> {
    const inner = this.db.selectFrom('tasks').selectAll('tasks').where((eb) => this.matching(eb, accountId, environment, filters, tagged));
    const rows = await this.db
      .selectFrom(inner.as('t'))
      .innerJoin('projects as p', 'p.id', 't.project_id')
      .leftJoin('batches as b', 'b.id', 't.batch_id')
      .selectAll('t')
      .select(['p.name as project_name', 'b.name as batch_name'])
      .execute();
    const after = page.after;
    const ordered = rows
      .map((row) => fromRow(row as JoinedRow))
      .sort((a, b) => b.created_at - a.created_at || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
      .filter((task) => !after || task.created_at < after.createdAt || (task.created_at === after.createdAt && task.id < after.id));
    const skip = after === undefined ? (page.offset ?? 0) : 0;
    return ordered.slice(skip, skip + page.limit);
  }

  /**
   * Number of tasks matching the filters. Filters the counters cover (project, batch, type,
   * status) are answered from task_counts in a few index reads; any other filter counts rows.
   */
  async count(accountId: string, environment: Environment, filters: TaskFilters): Promise<number> {
    if (coveredByCounters(filters)) {
      const row = await this.db
        .selectFrom('task_counts')
        .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('n'), sql<number>`0`).as('n'))
        .where('account_id', '=', accountId)
        .where('environment', '=', environment)
        .$if(filters.projectId !== undefined, (query) => query.where('project_id', '=', filters.projectId!))
        .$if(filters.batchId !== undefined, (query) => query.where('batch_key', '=', filters.batchId!))
        .$if(filters.type !== undefined, (query) => query.where('type', '=', filters.type!))
        .$if(filters.status !== undefined, (query) => query.where('status', '=', filters.status!))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    }
    return this.countRows(accountId, environment, filters);
  }

  /** Counts tasks by counting rows, never from the counters (for checks and repairs). */
  async countRows(accountId: string, environment: Environment, filters: TaskFilters): Promise<number> {
    const tagged = await this.rareTagTaskIds(filters.tags);
    const row = await this.db
      .selectFrom('tasks')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where((eb) => this.matching(eb, accountId, environment, filters, tagged))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** The ids of the tasks carrying any of `tags` when they are few (RARE_TAG_ROWS), else undefined. */
  private async rareTagTaskIds(tags: string[] | undefined): Promise<string[] | undefined> {
    if (tags === undefined) return undefined;
    const rows = await this.db.selectFrom('task_tags').select('task_id').where('tag', 'in', tags).limit(RARE_TAG_ROWS + 1).execute();
    return rows.length > RARE_TAG_ROWS ? undefined : [...new Set(rows.map((row) => row.task_id))];
  }

  /** `tagged`: the tag filter already resolved to task ids (rareTagTaskIds); else the tags are probed per task. */
  private matching(eb: ExpressionBuilder<Database, 'tasks'>, accountId: string, environment: Environment, filters: TaskFilters, tagged: string[] | undefined): Expression<SqlBool> {
    const conditions: Expression<SqlBool>[] = [];
    // With the tag filter resolved to a few task ids, those ids are the way in: no other term may
    // send SQLite's planner down an index over all of a project's or account's tasks.
    const column = (name: `tasks.${keyof TasksTable & string}`) => (tagged === undefined ? name : this.dialect.unindexed(name));
    // A project or batch id was resolved in the caller's (account, environment) and implies it. Leaving
    // the account condition out then keeps SQLite's planner on the project or batch index instead of
    // the (account, environment, created_at) one, which would scan every task of the account. With
    // unique_id values it stays, so the (account, environment, unique_id) index applies.
    if ((filters.projectId === undefined && filters.batchId === undefined) || filters.uniqueIds !== undefined) {
      conditions.push(eb(column('tasks.account_id'), '=', accountId), eb(column('tasks.environment'), '=', environment));
    }
    if (filters.batchId !== undefined) conditions.push(eb(column('tasks.batch_id'), '=', filters.batchId));
    else if (filters.projectId !== undefined) conditions.push(eb(column('tasks.project_id'), '=', filters.projectId));
    if (filters.status !== undefined) conditions.push(eb(column('tasks.status'), '=', filters.status));
    if (filters.type !== undefined) conditions.push(eb(column('tasks.type'), '=', filters.type));
    if (filters.createdFrom !== undefined) conditions.push(eb(column('tasks.created_at'), '>=', filters.createdFrom));
    if (filters.createdTo !== undefined) conditions.push(eb(column('tasks.created_at'), '<=', filters.createdTo));
    if (filters.completedFrom !== undefined) conditions.push(eb(column('tasks.completed_at'), '>=', filters.completedFrom));
    if (filters.completedTo !== undefined) conditions.push(eb(column('tasks.completed_at'), '<=', filters.completedTo));
    if (filters.updatedFrom !== undefined) conditions.push(eb(column('tasks.updated_at'), '>=', filters.updatedFrom));
    if (filters.updatedTo !== undefined) conditions.push(eb(column('tasks.updated_at'), '<=', filters.updatedTo));
    if (filters.uniqueIds !== undefined) conditions.push(eb(column('tasks.unique_id'), 'in', filters.uniqueIds));
    if (filters.reviewStatuses !== undefined) {
      const stored = filters.reviewStatuses.filter((status) => status !== 'pending');
      const alternatives: Expression<SqlBool>[] = [];
      if (stored.length > 0) alternatives.push(eb(column('tasks.customer_review_status'), 'in', stored));
      if (filters.reviewStatuses.includes('pending')) {
        alternatives.push(eb.and([eb(column('tasks.status'), '=', 'completed'), eb(column('tasks.customer_review_status'), 'is', null)]));
      }
      conditions.push(eb.or(alternatives));
    }
    if (tagged !== undefined) {
      conditions.push(tagged.length > 0 ? eb('tasks.id', 'in', tagged) : sql<SqlBool>`1 = 0`);
    } else if (filters.tags !== undefined) {
      conditions.push(
        eb.exists(
          eb.selectFrom('task_tags').select('task_tags.task_id').whereRef('task_tags.task_id', '=', 'tasks.id').where('task_tags.tag', 'in', filters.tags),
        ),
      );
    }
    return eb.and(conditions);
  }

  // Idempotency-Key records (contract 7.3).

  /** The task created under this Idempotency-Key, when the record is younger than `notBefore`. */
  async findIdempotencyKey(accountId: string, environment: Environment, key: string, notBefore: number): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('idempotency_keys')
      .select('task_id')
      .where('account_id', '=', accountId)
      .where('environment', '=', environment)
      .where('idempotency_key', '=', key)
      .where('created_at', '>=', notBefore)
      .executeTakeFirst();
    return row?.task_id;
  }

  /**
   * Records the key for `taskId`. An expired record of the same key is taken over; a live one is
   * left alone and the call returns false.
   */
  async recordIdempotencyKey(accountId: string, environment: Environment, key: string, taskId: string, now: number, notBefore: number): Promise<boolean> {
    const rows = await this.db
      .insertInto('idempotency_keys')
      .values({ account_id: accountId, environment, idempotency_key: key, task_id: taskId, created_at: now })
      .onConflict((conflict) =>
        conflict
          .columns(['account_id', 'environment', 'idempotency_key'])
          .doUpdateSet({ task_id: taskId, created_at: now })
          .where('idempotency_keys.created_at', '<', notBefore),
      )
      .returning('task_id')
      .execute();
    return rows.length > 0;
  }

  /** Deletes Idempotency-Key records older than `before`; returns how many went. */
  async purgeIdempotencyKeys(before: number): Promise<number> {
    const result = await this.db.deleteFrom('idempotency_keys').where('created_at', '<', before).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  // --- Added by the v2 area: bulk lookup for delivered tasks; batch completion after v2 finalize/resume. ---

  /** True when the batch has any task (one index probe on (batch_id, created_at, id)). */
  async batchHasAnyTask(batchId: string): Promise<boolean> {
    const row = await this.db.selectFrom('tasks').select('id').where('batch_id', '=', batchId).limit(1).executeTakeFirst();
    return row !== undefined;
  }

  /** The caller's tasks by id, in one query (for a page of delivered tasks); unknown ids are absent. */
  async findByIds(accountId: string, environment: Environment, ids: readonly string[]): Promise<Map<string, Task>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    // Only the primary key in SQL (with the scope columns too, SQLite chose the (account, environment)
    // index and scanned the environment: 15 to 60 ms for 100 ids among 20,000); scope checked here.
    const rows = await this.selectJoined().where('t.id', 'in', unique).execute();
    const scoped = rows.filter((row) => row.account_id === accountId && row.environment === environment);
    return new Map(scoped.map((row) => [row.id, fromRow(row as JoinedRow)]));
  }
}

export function countKey(task: Pick<Task, 'account_id' | 'environment' | 'project_id' | 'batch_id' | 'type' | 'status'>): Omit<CountDelta, 'delta'> {
  return {
    account_id: task.account_id,
    environment: task.environment,
    project_id: task.project_id,
    batch_id: task.batch_id,
    type: task.type,
    status: task.status,
  };
}

/** The counter change that moves one task from its current status to `status`. */
export function statusChangeDeltas(task: Pick<Task, 'account_id' | 'environment' | 'project_id' | 'batch_id' | 'type' | 'status'>, status: TaskStatus): CountDelta[] {
  if (task.status === status) return [];
  // Literals, not `{ ...countKey(task), delta }`: on Node 20 a spread followed by a key its source
  // lacks took 3.6 µs for these two against 21 ns (docs/work-queue.md, "Where the server's CPU goes"), on every completion.
  const { account_id, environment, project_id, batch_id, type } = task;
  return [
    { account_id, environment, project_id, batch_id, type, status: task.status, delta: -1 },
    { account_id, environment, project_id, batch_id, type, status, delta: 1 },
  ];
}

/** Strings in UTF-16 code-unit order: the counters' lock order (counterRows, and the grouped creates' counter ranks). */
export function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function deltaId(key: Omit<CountDelta, 'delta'>): string {
  return JSON.stringify([key.account_id, key.environment, key.project_id, key.batch_id ?? '', key.type, key.status]);
}

function coveredByCounters(filters: TaskFilters): boolean {
  return Object.entries(filters).every(([key, value]) => value === undefined || key === 'projectId' || key === 'batchId' || key === 'type' || key === 'status');
}
