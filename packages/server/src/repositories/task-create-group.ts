import { CompiledQuery, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { registerPreparedSql } from '../db/prepared-statements.ts';
import { COUNT_SHARDS, TASK_COLUMNS, byCodeUnits, countKey, deltaId, toRow, type CheckedInsert, type NewTask, type ProjectCheck } from './task.repository.ts';

/** One create of a group: a live task with no batch and no tags, and the project it was built from. */
export interface CheckedCreate {
  task: NewTask;
  project: ProjectCheck;
}

const INTEGER_COLUMNS = new Set<string>(['callback_succeeded', 'priority', 'project_param_version']);
const BIGINT_COLUMNS = new Set<string>(['created_at', 'updated_at', 'completed_at']);
const arrayType = (column: string) => (INTEGER_COLUMNS.has(column) ? 'integer[]' : BIGINT_COLUMNS.has(column) ? 'bigint[]' : 'text[]');

/** Parameters after the task columns' arrays: project names, history md5s, insert order, counter rank (arrays), then the shard. */
const EXTRA = ['project_name', 'history_md5', 'insert_order', 'counter_rank'] as const;
const EXTRA_TYPES = ['text[]', 'text[]', 'integer[]', 'integer[]'];
const SHARD_AT = TASK_COLUMNS.length + EXTRA.length + 1;
const COLUMNS = TASK_COLUMNS.join(', ');

/**
 * PostgreSQL: INSERT_COUNTED_CHECKED_POSTGRES (task.repository.ts) for several tasks in one statement,
 * each unit with its own project check and its own outcome. One SQL text for every group size (the
 * rows come as one typed array per column, unnested), so it is one named prepared statement.
 *
 * - `checked`: the units whose project still holds what the task was built from (id, account,
 *   environment, name and the md5 of its stored parameter history).
 * - `inserted`: those tasks, in `insert_order` — sorted by (account, environment, unique_id), then
 *   arrival — with ON CONFLICT DO NOTHING: of two units with one unique_id the first that arrived goes
 *   in and the second is a duplicate, and two groups take the unique-index entries they share in the
 *   same order, so they never wait on each other in a circle.
 * - `counted`: the counters, aggregated first (ON CONFLICT DO UPDATE may not touch one row twice, and
 *   the aggregate reads every inserted row before the first counter is written: the lock order is
 *   tasks, then counters), one row per key, written in `counter_rank` order: TaskRepository.counterRows's
 *   sorted key order, so a group and any transaction lock counters in the same order. One shard for the
 *   whole statement, as one per transaction.
 *
 * Answers per unit (by `ord`, its position): `project_ok` (the check held) and `created` (it went in).
 */
export const INSERT_CHECKED_GROUP_POSTGRES =
  `with input as (select * from unnest(${[...TASK_COLUMNS.map(arrayType), ...EXTRA_TYPES].map((type, index) => `$${index + 1}::${type}`).join(', ')}) ` +
  `with ordinality as u(${COLUMNS}, ${EXTRA.join(', ')}, ord)), ` +
  'checked as (select u.* from input u where exists (select 1 from projects p where p.id = u.project_id and p.account_id = u.account_id ' +
  'and p.environment = u.environment and p.name = u.project_name and md5(p.param_history) = u.history_md5)), ' +
  `inserted as (insert into tasks (${COLUMNS}) select ${COLUMNS} from checked order by insert_order ` +
  'on conflict (account_id, environment, unique_id) do nothing returning id, account_id, environment, project_id, type, status), ' +
  'counted as (insert into task_counts (account_id, environment, project_id, batch_key, type, status, shard, n) ' +
  `select account_id, environment, project_id, '', type, status, $${SHARD_AT}::integer, n from ` +
  '(select u.counter_rank, t.account_id, t.environment, t.project_id, t.type, t.status, count(*)::integer as n ' +
  'from inserted t join input u on u.id = t.id group by u.counter_rank, t.account_id, t.environment, t.project_id, t.type, t.status) as keyed ' +
  'order by counter_rank ' +
  'on conflict (account_id, environment, project_id, batch_key, type, status, shard) do update set n = task_counts.n + excluded.n) ' +
  'select u.ord, u.id in (select id from checked) as project_ok, u.id in (select id from inserted) as created from input u order by u.ord';
registerPreparedSql(INSERT_CHECKED_GROUP_POSTGRES);

/**
 * Runs INSERT_CHECKED_GROUP_POSTGRES on `db` (outside a transaction: the statement is atomic alone)
 * and answers each unit's outcome, in the units' order. It writes all of its units or, when it fails,
 * none of them.
 */
export async function insertCheckedGroup(db: Kysely<Database>, units: readonly CheckedCreate[]): Promise<CheckedInsert[]> {
  const rows = units.map((unit) => toRow(unit.task));
  const columns: unknown[][] = TASK_COLUMNS.map((column) => rows.map((row) => row[column]));
  // Insert order: by unique-index key, then arrival (units without a unique_id cannot conflict).
  const byUniqueKey = units.map((unit, index) => ({ index, key: unit.task.unique_id === null ? null : JSON.stringify([unit.task.account_id, unit.task.environment, unit.task.unique_id]) }));
  byUniqueKey.sort((a, b) => (a.key === b.key ? a.index - b.index : a.key === null ? 1 : b.key === null ? -1 : byCodeUnits(a.key, b.key)));
  const insertOrder: number[] = new Array(units.length);
  byUniqueKey.forEach((entry, position) => (insertOrder[entry.index] = position));
  // Counter rank: the position of the unit's counter key among the group's keys in counterRows's order.
  const keys = units.map((unit) => deltaId(countKey(unit.task)));
  const rankOf = new Map([...new Set(keys)].sort(byCodeUnits).map((key, rank) => [key, rank]));
  const counterRank = keys.map((key) => rankOf.get(key)!);
  const shard = Math.floor(Math.random() * COUNT_SHARDS.postgres);
  const parameters = [
    ...columns,
    units.map((unit) => unit.project.name),
    units.map((unit) => unit.project.historyMd5),
    insertOrder,
    counterRank,
    shard,
  ];
  const result = await db.executeQuery<{ ord: string | number; project_ok: boolean; created: boolean }>(CompiledQuery.raw(INSERT_CHECKED_GROUP_POSTGRES, parameters));
  const outcomes: CheckedInsert[] = new Array(units.length);
  for (const row of result.rows) outcomes[Number(row.ord) - 1] = !row.project_ok ? 'stale-project' : row.created ? 'created' : 'duplicate';
  if (outcomes.length !== units.length || outcomes.some((outcome) => outcome === undefined)) throw new Error('insertCheckedGroup: an outcome is missing');
  return outcomes;
}
