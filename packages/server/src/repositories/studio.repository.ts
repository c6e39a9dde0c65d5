import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { DialectHelpers } from '../db/dialect.ts';
import type { Environment } from '../db/tables/projects_batches.ts';

export interface StudioProjectRef {
  id: string;
  name: string;
  studio: boolean;
}

export interface TeammateRef {
  id: string;
  email: string;
}

export interface AssignmentRow {
  user_id: string;
  project_name: string;
}

export interface ProjectGroup {
  id: string;
  project_id: string;
  name: string;
  is_singleton: boolean;
  created_at: number;
  workers: TeammateRef[];
}

export interface StudioBatch {
  id: string;
  name: string;
  project_id: string;
  project_name: string;
  status: string;
  studio_priority: number | null;
  created_at: number;
  total: number;
  completed: number;
  /** Group names, in the order they were assigned. */
  groups: string[];
}

// Keeps `IN (...)` lists and CASE updates well under every driver's bound-parameter limit.
const CHUNK = 500;

function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const FINISHED_BATCH_STATUSES = ['completed', 'cancelled'] as const;

/** At most this many blocking batch names are read when a group cannot be deleted (the rest are counted). */
const BLOCKING_BATCHES_NAMED = 10;

/** What deleting a group did: removed it, or left it because batches (never cancelled ones) are still assigned to it: the first few names, oldest first, and how many there are. */
export type GroupDeletion = { deleted: true } | { deleted: false; assignedBatches: string[]; assignedCount: number };

/**
 * Studio assignments, project groups and their members, batch ↔ group links and the Studio
 * priority of batches. The only code that builds SQL for these tables. Multi-statement writes
 * run in their own transaction.
 */
export class StudioRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: DialectHelpers,
  ) {}

  async findProject(accountId: string, environment: Environment, name: string): Promise<StudioProjectRef | undefined> {
    const row = await this.db
      .selectFrom('projects')
      .select(['id', 'name', 'studio'])
      .where('account_id', '=', accountId)
      .where('environment', '=', environment)
      .where('name', '=', name)
      .executeTakeFirst();
    return row && { id: row.id, name: row.name, studio: Boolean(row.studio) };
  }

  async findProjects(accountId: string, environment: Environment, names: readonly string[]): Promise<StudioProjectRef[]> {
    const found: StudioProjectRef[] = [];
    for (const part of chunks([...new Set(names)])) {
      const rows = await this.db
        .selectFrom('projects')
        .select(['id', 'name', 'studio'])
        .where('account_id', '=', accountId)
        .where('environment', '=', environment)
        .where('name', 'in', part)
        .execute();
      found.push(...rows.map((row) => ({ id: row.id, name: row.name, studio: Boolean(row.studio) })));
    }
    return found;
  }

  /** Teammates of the account whose email is one of these, as given or lower-cased (through the unique email index). */
  async findTeammates(accountId: string, emails: readonly string[]): Promise<TeammateRef[]> {
    const variants = [...new Set(emails.flatMap((email) => [email, email.toLowerCase()]))];
    const found: TeammateRef[] = [];
    for (const part of chunks(variants)) {
      found.push(...(await this.db.selectFrom('users').select(['id', 'email']).where('account_id', '=', accountId).where('email', 'in', part).execute()));
    }
    return found;
  }

  /** Every teammate of the account, with role, in insertion order. */
  listTeammates(accountId: string): Promise<Array<TeammateRef & { role: string }>> {
    return this.db.selectFrom('users').select(['id', 'email', 'role']).where('account_id', '=', accountId).orderBy('created_at').orderBy('id').execute();
  }

  /** The account's assignments to projects of one environment. */
  listAssignments(accountId: string, environment: Environment): Promise<AssignmentRow[]> {
    return this.db
      .selectFrom('studio_assignments as a')
      .innerJoin('projects as p', 'p.id', 'a.project_id')
      .select(['a.user_id', 'p.name as project_name'])
      .where('a.account_id', '=', accountId)
      .where('p.environment', '=', environment)
      .execute();
  }

  /** Adds every (user, project) pair not already assigned. */
  async addAssignments(accountId: string, userIds: readonly string[], projectIds: readonly string[], now: number): Promise<void> {
    const rows = userIds.flatMap((userId) => projectIds.map((projectId) => ({ account_id: accountId, user_id: userId, project_id: projectId, created_at: now })));
    await this.db.transaction().execute(async (trx) => {
      for (const part of chunks(rows, 200)) {
        await trx.insertInto('studio_assignments').values(part).onConflict((conflict) => conflict.columns(['user_id', 'project_id']).doNothing()).execute();
      }
    });
  }

  /** Removes the (user, project) pairs, and with them those users' places in the projects' groups. */
  async removeAssignments(accountId: string, userIds: readonly string[], projectIds: readonly string[]): Promise<void> {
    if (userIds.length === 0 || projectIds.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      for (const users of chunks(userIds)) {
        for (const projects of chunks(projectIds)) {
          await trx
            .deleteFrom('project_group_members')
            .where('user_id', 'in', users)
            .where('group_id', 'in', (eb) => eb.selectFrom('project_groups').select('id').where('project_id', 'in', projects))
            .execute();
          await trx
            .deleteFrom('studio_assignments')
            .where('account_id', '=', accountId)
            .where('user_id', 'in', users)
            .where('project_id', 'in', projects)
            .execute();
        }
      }
    });
  }

  /** Which of these users are assigned to the project. */
  async assignedUserIds(projectId: string, userIds: readonly string[]): Promise<Set<string>> {
    const assigned = new Set<string>();
    for (const part of chunks([...new Set(userIds)])) {
      const rows = await this.db.selectFrom('studio_assignments').select('user_id').where('project_id', '=', projectId).where('user_id', 'in', part).execute();
      for (const row of rows) assigned.add(row.user_id);
    }
    return assigned;
  }

  /** The project's groups with their workers, in creation order. */
  async listGroups(projectId: string): Promise<ProjectGroup[]> {
    const groups = await this.db
      .selectFrom('project_groups')
      .select(['id', 'project_id', 'name', 'is_singleton', 'created_at'])
      .where('project_id', '=', projectId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    const members = await this.db
      .selectFrom('project_group_members as m')
      .innerJoin('project_groups as g', 'g.id', 'm.group_id')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .select(['m.group_id', 'u.id', 'u.email'])
      .where('g.project_id', '=', projectId)
      .orderBy('m.created_at')
      .orderBy('u.id')
      .execute();
    return groups.map((group) => ({
      ...group,
      is_singleton: Boolean(group.is_singleton),
      workers: members.filter((member) => member.group_id === group.id).map((member) => ({ id: member.id, email: member.email })),
    }));
  }

  async findGroup(projectId: string, name: string): Promise<ProjectGroup | undefined> {
    return (await this.listGroups(projectId)).find((group) => group.name === name);
  }

  /** Group ids by name, for the names that exist in the project. */
  async groupIdsByName(projectId: string, names: readonly string[]): Promise<Map<string, string>> {
    const result = new Map<string, string>();
    for (const part of chunks([...new Set(names)])) {
      const rows = await this.db.selectFrom('project_groups').select(['id', 'name']).where('project_id', '=', projectId).where('name', 'in', part).execute();
      for (const row of rows) result.set(row.name, row.id);
    }
    return result;
  }

  /** Creates the group with its first workers; returns false (and writes nothing) when the name is taken in the project. */
  async insertGroup(group: { id: string; accountId: string; projectId: string; name: string; now: number }, userIds: readonly string[]): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const result = await trx
        .insertInto('project_groups')
        .values({ id: group.id, account_id: group.accountId, project_id: group.projectId, name: group.name, is_singleton: 0, created_at: group.now })
        .onConflict((conflict) => conflict.columns(['project_id', 'name']).doNothing())
        .executeTakeFirst();
      if (Number(result.numInsertedOrUpdatedRows ?? 0) === 0) return false;
      await insertMembers(trx, group.id, userIds, group.now);
      return true;
    });
  }

  async updateGroupMembers(groupId: string, addUserIds: readonly string[], removeUserIds: readonly string[], now: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      for (const part of chunks([...new Set(removeUserIds)])) {
        await trx.deleteFrom('project_group_members').where('group_id', '=', groupId).where('user_id', 'in', part).execute();
      }
      await insertMembers(trx, groupId, addUserIds, now);
    });
  }

  /** Renames the group, keeping its id (so its members and batch assignments); returns false (and changes nothing) when the name is taken in the project. */
  async renameGroup(groupId: string, name: string): Promise<boolean> {
    try {
      await this.db.updateTable('project_groups').set({ name }).where('id', '=', groupId).execute();
      return true;
    } catch (error) {
      // The unique (project_id, name) index decides, so two concurrent renames cannot both take a name.
      if (this.dialect.isUniqueViolation(error)) return false;
      throw error;
    }
  }

  /**
   * Deletes the group with its memberships, in one transaction, unless a batch that is not
   * cancelled is assigned to it: the queue opens a batch without groups to every labeler of the
   * project, and a completed batch is reopened when tasks are added or sent back. Links from
   * cancelled batches (which never run again) go with the group. The group row is locked first
   * (PostgreSQL), so a batch assignment racing with the delete waits for it and then fails on
   * the foreign key instead of slipping in between the check and the delete.
   */
  async deleteGroup(groupId: string): Promise<GroupDeletion> {
    return this.db.transaction().execute(async (trx) => {
      const locked = await trx.selectFrom('project_groups').select('id').where('id', '=', groupId).modifyEnd(this.dialect.forUpdate).executeTakeFirst();
      if (!locked) return { deleted: true };
      const assigned = trx
        .selectFrom('batch_groups as bg')
        .innerJoin('batches as b', 'b.id', 'bg.batch_id')
        .where('bg.group_id', '=', groupId)
        .where('b.status', '!=', 'cancelled');
      const blocking = await assigned.select('b.name').orderBy('b.created_at').orderBy('b.id').limit(BLOCKING_BATCHES_NAMED).execute();
      if (blocking.length > 0) {
        const { n } = await assigned.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
        return { deleted: false, assignedBatches: blocking.map((row) => row.name), assignedCount: Number(n) };
      }
      await trx.deleteFrom('batch_groups').where('group_id', '=', groupId).execute();
      await trx.deleteFrom('project_group_members').where('group_id', '=', groupId).execute();
      await trx.deleteFrom('project_groups').where('id', '=', groupId).execute();
      return { deleted: true };
    });
  }

  /**
   * Pending Studio batches of (account, environment): not completed or cancelled, in Studio
   * projects, in priority order (explicit positions first, then oldest first), with task counts
   * and groups.
   */
  async listPendingStudioBatches(accountId: string, environment: Environment): Promise<StudioBatch[]> {
    const rows = await this.pendingStudioBatches(accountId, environment)
      .orderBy(sql`b.studio_priority is null`)
      .orderBy('b.studio_priority')
      .orderBy('b.created_at')
      .orderBy('b.id')
      .execute();
    return this.withCountsAndGroups(rows);
  }

  async findStudioBatch(accountId: string, environment: Environment, name: string): Promise<StudioBatch | undefined> {
    const rows = await this.db
      .selectFrom('batches as b')
      .innerJoin('projects as p', 'p.id', 'b.project_id')
      .select(['b.id', 'b.name', 'b.project_id', 'p.name as project_name', 'b.status', 'b.studio_priority', 'b.created_at'])
      .where('b.account_id', '=', accountId)
      .where('b.environment', '=', environment)
      .where('b.name', '=', name)
      .where('p.studio', '=', 1)
      .execute();
    return (await this.withCountsAndGroups(rows))[0];
  }

  /** Replaces the batch's groups with these, in this order. */
  async setBatchGroups(batchId: string, groupIds: readonly string[]): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('batch_groups').where('batch_id', '=', batchId).execute();
      const rows = [...new Set(groupIds)].map((groupId, position) => ({ batch_id: batchId, group_id: groupId, position }));
      for (const part of chunks(rows, 200)) await trx.insertInto('batch_groups').values(part).execute();
    });
  }

  /**
   * Stores positions 1..n for the batch ids in this order, in one statement per chunk. On PostgreSQL
   * the batches are locked in id order first: the updates take them in priority order, and a
   * transaction holding several batches must take them in id order (docs/tasks.md, "Lock order").
   */
  async setStudioPriorities(orderedBatchIds: readonly string[], now: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      if (this.dialect.name === 'postgres') {
        for (const part of chunks([...orderedBatchIds].sort())) {
          await trx.selectFrom('batches').select('id').where('id', 'in', part).orderBy('id').modifyEnd(this.dialect.forUpdate).execute();
        }
      }
      for (const [chunkIndex, part] of chunks(orderedBatchIds).entries()) {
        const cases = sql.join(part.map((id, index) => sql`when ${id} then ${sql.lit(chunkIndex * CHUNK + index + 1)}`), sql` `);
        await trx
          .updateTable('batches')
          .set({ studio_priority: sql<number>`case id ${cases} end`, updated_at: now })
          .where('id', 'in', part)
          .execute();
      }
    });
  }

  /** Clears every explicit Studio priority in (account, environment), back to oldest first. */
  async resetStudioPriorities(accountId: string, environment: Environment, now: number): Promise<void> {
    // The batches are locked in id order (the sub-select), as every writer holding several batches takes them.
    await this.db
      .updateTable('batches')
      .set({ studio_priority: null, updated_at: now })
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('batches')
          .select('id')
          .where('account_id', '=', accountId)
          .where('environment', '=', environment)
          .where('studio_priority', 'is not', null)
          .orderBy('id')
          .modifyEnd(this.dialect.forUpdate),
      )
      .where('studio_priority', 'is not', null)
      .execute();
  }

  private pendingStudioBatches(accountId: string, environment: Environment) {
    return this.db
      .selectFrom('batches as b')
      .innerJoin('projects as p', 'p.id', 'b.project_id')
      .select(['b.id', 'b.name', 'b.project_id', 'p.name as project_name', 'b.status', 'b.studio_priority', 'b.created_at'])
      .where('b.account_id', '=', accountId)
      .where('b.environment', '=', environment)
      .where('b.status', 'not in', FINISHED_BATCH_STATUSES)
      .where('p.studio', '=', 1);
  }

  private async withCountsAndGroups(
    rows: Array<Pick<StudioBatch, 'id' | 'name' | 'project_id' | 'project_name' | 'status' | 'studio_priority' | 'created_at'>>,
  ): Promise<StudioBatch[]> {
    const counts = new Map<string, { total: number; completed: number }>();
    const groups = new Map<string, string[]>();
    for (const part of chunks(rows.map((row) => row.id))) {
      // One index range per batch on tasks (batch_id, status).
      const countRows = await this.db
        .selectFrom('tasks')
        .select(['batch_id', 'status', (eb) => eb.fn.countAll<number>().as('n')])
        .where('batch_id', 'in', part)
        .groupBy(['batch_id', 'status'])
        .execute();
      for (const row of countRows) {
        if (row.batch_id === null) continue;
        const entry = counts.get(row.batch_id) ?? { total: 0, completed: 0 };
        entry.total += Number(row.n);
        if (row.status === 'completed') entry.completed += Number(row.n);
        counts.set(row.batch_id, entry);
      }
      const groupRows = await this.db
        .selectFrom('batch_groups as bg')
        .innerJoin('project_groups as g', 'g.id', 'bg.group_id')
        .select(['bg.batch_id', 'g.name'])
        .where('bg.batch_id', 'in', part)
        .orderBy('bg.batch_id')
        .orderBy('bg.position')
        .execute();
      for (const row of groupRows) groups.set(row.batch_id, [...(groups.get(row.batch_id) ?? []), row.name]);
    }
    return rows.map((row) => ({
      ...row,
      studio_priority: row.studio_priority === null ? null : Number(row.studio_priority),
      created_at: Number(row.created_at),
      total: counts.get(row.id)?.total ?? 0,
      completed: counts.get(row.id)?.completed ?? 0,
      groups: groups.get(row.id) ?? [],
    }));
  }
}

async function insertMembers(db: Kysely<Database>, groupId: string, userIds: readonly string[], now: number): Promise<void> {
  const rows = [...new Set(userIds)].map((userId) => ({ group_id: groupId, user_id: userId, created_at: now }));
  for (const part of chunks(rows, 200)) {
    await db.insertInto('project_group_members').values(part).onConflict((conflict) => conflict.columns(['group_id', 'user_id']).doNothing()).execute();
  }
}
