import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Environment } from '../db/tables/projects_batches.ts';
import type { QualityTaskKind, QualityTasksTable } from '../db/tables/quality_tasks.ts';

export type QualityTaskRow = Selectable<QualityTasksTable>;

/** An evaluation or training task as the rest of the code sees it: JSON parsed, with its project and batch names. */
export interface QualityTask {
  id: string;
  account_id: string;
  environment: Environment;
  kind: QualityTaskKind;
  project_id: string;
  project_name: string;
  batch_id: string | null;
  batch_name: string | null;
  type: string;
  instruction: string | null;
  params: Record<string, unknown>;
  callback_url: string | null;
  metadata: Record<string, unknown>;
  unique_id: string | null;
  tags: string[] | null;
  priority: number | null;
  project_param_version: number | null;
  /** null when none was given. */
  expected_response: unknown;
  /** undefined when none was given (review-phase evaluation tasks carry one). */
  initial_response: unknown;
  created_at: number;
  updated_at: number;
}

function parse(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : value;
}

function fromRow(row: QualityTaskRow & { project_name: string; batch_name: string | null }): QualityTask {
  return {
    ...row,
    params: parse(row.params) as Record<string, unknown>,
    metadata: parse(row.metadata) as Record<string, unknown>,
    tags: row.tags === null ? null : (parse(row.tags) as string[]),
    expected_response: row.expected_response === null ? null : parse(row.expected_response),
    initial_response: row.initial_response === null ? undefined : parse(row.initial_response),
    created_at: Number(row.created_at),
    updated_at: Number(row.updated_at),
  };
}

/** Evaluation and training tasks (contract 4.5). The only code that builds SQL for quality_tasks. */
export class QualityTaskRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Inserts the task; returns false (writing nothing) when its unique_id is taken among the quality tasks of its (account, environment). */
  async insert(task: QualityTask): Promise<boolean> {
    const { project_name: _project, batch_name: _batch, ...rest } = task;
    const result = await this.db
      .insertInto('quality_tasks')
      .values({
        ...rest,
        params: JSON.stringify(task.params),
        metadata: JSON.stringify(task.metadata),
        tags: task.tags === null ? null : JSON.stringify(task.tags),
        expected_response: task.expected_response === null || task.expected_response === undefined ? null : JSON.stringify(task.expected_response),
        initial_response: task.initial_response === undefined ? null : JSON.stringify(task.initial_response),
      })
      .onConflict((conflict) => conflict.columns(['account_id', 'environment', 'unique_id']).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async findById(accountId: string, environment: Environment, id: string): Promise<QualityTask | undefined> {
    const row = await this.db
      .selectFrom('quality_tasks as q')
      .innerJoin('projects as p', 'p.id', 'q.project_id')
      .leftJoin('batches as b', 'b.id', 'q.batch_id')
      .selectAll('q')
      .select(['p.name as project_name', 'b.name as batch_name'])
      .where('q.id', '=', id)
      .where('q.account_id', '=', accountId)
      .where('q.environment', '=', environment)
      .executeTakeFirst();
    return row && fromRow(row);
  }

  async idByUniqueId(accountId: string, environment: Environment, uniqueId: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('quality_tasks')
      .select('id')
      .where('account_id', '=', accountId)
      .where('environment', '=', environment)
      .where('unique_id', '=', uniqueId)
      .executeTakeFirst();
    return row?.id;
  }
}
