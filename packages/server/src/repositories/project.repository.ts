import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database } from '../db/schema.ts';
import { prepareQuery } from '../db/compiled-statement.ts';
import type { Environment, ProjectsTable } from '../db/tables/projects_batches.ts';

export type ProjectRow = Selectable<ProjectsTable>;

/**
 * One entry of a project's parameter history (contract 4.3.1): the parameter keys themselves plus
 * `version` and `created_at` (epoch ms here; the presenter turns it into ISO text).
 */
export type ParamVersion = Record<string, unknown> & { version: number; created_at: number };

/** A project as the rest of the code sees it: JSON parsed, flags as booleans. */
export interface Project {
  id: string;
  account_id: string;
  environment: Environment;
  name: string;
  type: string;
  /** Oldest first; the last entry is the current parameter set. */
  param_history: ParamVersion[];
  rapid: boolean;
  studio: boolean;
  archived: boolean;
  pipeline: 'standard_task' | 'consensus_task' | null;
  consensus_attempts: number | null;
  dataset_id: string | null;
  created_at: number;
  updated_at: number;
}

export interface ProjectListOptions {
  /** true: archived only; false: unarchived only; undefined: all. */
  archived?: boolean;
  createdFrom?: number;
  createdTo?: number;
}

function fromRow(row: ProjectRow): Project {
  const history = typeof row.param_history === 'string' ? JSON.parse(row.param_history) : row.param_history;
  return {
    ...row,
    param_history: history as ParamVersion[],
    rapid: Boolean(row.rapid),
    studio: Boolean(row.studio),
    archived: Boolean(row.archived),
  };
}

function toRow(project: Project): ProjectRow {
  return {
    ...project,
    param_history: JSON.stringify(project.param_history),
    rapid: project.rapid ? 1 : 0,
    studio: project.studio ? 1 : 0,
    archived: project.archived ? 1 : 0,
  };
}

/**
 * Projects, scoped to (account, environment). The only code that builds SQL for this table.
 * To use it inside a transaction, construct one on the transaction: `new ProjectRepository(trx)`.
 */
export class ProjectRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Inserts the project; returns false (and writes nothing) when the name is taken in its (account, environment). */
  async insert(project: Project): Promise<boolean> {
    const result = await this.db
      .insertInto('projects')
      .values(toRow(project))
      .onConflict((conflict) => conflict.columns(['account_id', 'environment', 'name']).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  // Built once: project lookup by name runs on most v1 requests that name a project.
  private readonly byNameQuery = prepareQuery(() => this.db, 3, (accountId, environment, name) =>
    this.db.selectFrom('projects').selectAll().where('account_id', '=', accountId).where('environment', '=', environment as Environment).where('name', '=', name),
  );

  async findByName(accountId: string, environment: Environment, name: string): Promise<Project | undefined> {
    const [row] = await this.byNameQuery(accountId, environment, name);
    return row && fromRow(row);
  }

  /**
   * `findByName` with the md5 (hex) of the stored param_history text, which a create
   * sends back so its one statement can check the project is still the one its task was built from
   * (TaskRepository.insertUnbatchedChecked). Not cached here; the task service remembers the result.
   */
  async findByNameWithHistoryMd5(accountId: string, environment: Environment, name: string): Promise<{ project: Project; historyMd5: string } | undefined> {
    const [row] = await this.byNameWithMd5Query(accountId, environment, name);
    if (!row) return undefined;
    const { history_md5: historyMd5, ...project } = row;
    return { project: fromRow(project), historyMd5 };
  }

  private readonly byNameWithMd5Query = prepareQuery(() => this.db, 3, (accountId, environment, name) =>
    this.db
      .selectFrom('projects')
      .selectAll()
      .select(sql<string>`md5(param_history)`.as('history_md5'))
      .where('account_id', '=', accountId)
      .where('environment', '=', environment as Environment)
      .where('name', '=', name),
  );

  async findById(accountId: string, environment: Environment, id: string): Promise<Project | undefined> {
    const row = await this.db
      .selectFrom('projects')
      .selectAll()
      .where('id', '=', id)
      .where('account_id', '=', accountId)
      .where('environment', '=', environment)
      .executeTakeFirst();
    return row && fromRow(row);
  }

  /** Names of the given project ids (for presenting tasks and batches in bulk); unknown ids are absent. */
  async namesByIds(ids: readonly string[]): Promise<Map<string, string>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    const rows = await this.db.selectFrom('projects').select(['id', 'name']).where('id', 'in', unique).execute();
    return new Map(rows.map((row) => [row.id, row.name]));
  }

  /** Every project of the environment, newest first (created_at desc, id desc); unpaginated (contract 6.4). */
  async list(accountId: string, environment: Environment, options: ProjectListOptions = {}): Promise<Project[]> {
    const rows = await this.db
      .selectFrom('projects')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('environment', '=', environment)
      .$if(options.archived !== undefined, (query) => query.where('archived', '=', options.archived ? 1 : 0))
      .$if(options.createdFrom !== undefined, (query) => query.where('created_at', '>=', options.createdFrom!))
      .$if(options.createdTo !== undefined, (query) => query.where('created_at', '<=', options.createdTo!))
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    return rows.map(fromRow);
  }

  /** Replaces the parameter history unconditionally. */
  async updateParamHistory(id: string, history: ParamVersion[], now: number): Promise<void> {
    await this.db.updateTable('projects').set({ param_history: JSON.stringify(history), updated_at: now }).where('id', '=', id).execute();
  }

  async setArchived(id: string, archived: boolean, now: number): Promise<void> {
    await this.db.updateTable('projects').set({ archived: archived ? 1 : 0, updated_at: now }).where('id', '=', id).execute();
  }

  /**
   * Compare-and-set on the stored history text: writes `history` only when the row still holds
   * `previous` (what the caller read). Returns false when another writer got there first.
   */
  async updateParamHistoryIfUnchanged(id: string, previous: ParamVersion[], history: ParamVersion[], now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('projects')
      .set({ param_history: JSON.stringify(history), updated_at: now })
      .where('id', '=', id)
      .where('param_history', '=', JSON.stringify(previous))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  // --- Added by the v2 area: bulk lookup for `expand=project`. ---

  /** The caller's projects by id, in one query (for expanding v2 objects); unknown ids are absent. */
  async findByIds(accountId: string, environment: Environment, ids: readonly string[]): Promise<Map<string, Project>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    // Only the primary key in SQL, so the planner never prefers the (account, environment) index; scope checked here.
    const rows = await this.db.selectFrom('projects').selectAll().where('id', 'in', unique).execute();
    const scoped = rows.filter((row) => row.account_id === accountId && row.environment === environment);
    return new Map(scoped.map((row) => [row.id, fromRow(row)]));
  }
}
