import type { Kysely, RawBuilder, Selectable } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { FilesTable, FileState } from '../db/tables/files.ts';
import type { Environment } from '../db/tables/projects_batches.ts';

export type FileRow = Selectable<FilesTable>;

/** A file as the rest of the code sees it: project names parsed. */
export interface StoredFile extends Omit<FileRow, 'project_names'> {
  project_names: string[];
}

function fromRow(row: FileRow): StoredFile {
  const names = typeof row.project_names === 'string' ? JSON.parse(row.project_names) : row.project_names;
  return { ...row, project_names: names as string[] };
}

/** Files, scoped to (account, environment). The only code that builds SQL for the files table. */
export class FileRepository {
  constructor(
    private readonly db: Kysely<Database>,
    /** Appended to the claim sub-select (FOR UPDATE SKIP LOCKED on PostgreSQL). */
    private readonly skipLocked: RawBuilder<unknown>,
  ) {}

  async insert(file: StoredFile): Promise<void> {
    await this.db.insertInto('files').values({ ...file, project_names: JSON.stringify(file.project_names) }).execute();
  }

  async find(accountId: string, environment: Environment, id: string): Promise<StoredFile | undefined> {
    const row = await this.db
      .selectFrom('files')
      .selectAll()
      .where('id', '=', id)
      .where('account_id', '=', accountId)
      .where('environment', '=', environment)
      .executeTakeFirst();
    return row && fromRow(row);
  }

  /** The files of the account and environment among these ids, in one query (unknown ids are left out). */
  async findMany(accountId: string, environment: Environment, ids: readonly string[]): Promise<StoredFile[]> {
    if (ids.length === 0) return [];
    const rows = await this.db
      .selectFrom('files')
      .selectAll()
      .where('id', 'in', [...ids])
      .where('account_id', '=', accountId)
      .where('environment', '=', environment)
      .execute();
    return rows.map(fromRow);
  }

  /** Which of these ids name ready files of the account and environment, in one query. */
  async readyIds(accountId: string, environment: Environment, ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.db
      .selectFrom('files')
      .select('id')
      .where('id', 'in', [...ids])
      .where('account_id', '=', accountId)
      .where('environment', '=', environment)
      .where('state', '=', 'ready')
      .execute();
    return new Set(rows.map((row) => row.id));
  }

  /** By id alone, for signed links (the signature, not the caller, grants access). */
  async findById(id: string): Promise<StoredFile | undefined> {
    const row = await this.db.selectFrom('files').selectAll().where('id', '=', id).executeTakeFirst();
    return row && fromRow(row);
  }

  /**
   * Claims up to `limit` imports that no live worker holds, in one statement, and counts the
   * attempt. Safe with any number of workers: a row is returned to one claimer only.
   */
  async claimImports(now: number, claimUntil: number, limit: number): Promise<StoredFile[]> {
    const rows = await this.db
      .updateTable('files')
      .set((eb) => ({ claimed_until: claimUntil, import_attempts: eb('import_attempts', '+', 1) }))
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('files')
          .select('id')
          .where('state', '=', 'importing')
          .where((w) => w.or([w('claimed_until', 'is', null), w('claimed_until', '<', now)]))
          .orderBy('created_at')
          .limit(limit)
          .modifyEnd(this.skipLocked),
      )
      .where('state', '=', 'importing')
      .returningAll()
      .execute();
    return rows.map(fromRow);
  }

  /** Records the outcome of an import that is still `importing`; false when another writer finished it first. */
  async finishImport(
    id: string,
    outcome: { state: Exclude<FileState, 'importing'>; mime_type?: string | null; size?: number | null; sha256?: string | null; error?: string | null },
    now: number,
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('files')
      .set({
        state: outcome.state,
        mime_type: outcome.mime_type ?? null,
        size: outcome.size ?? null,
        sha256: outcome.sha256 ?? null,
        error: outcome.error ?? null,
        claimed_until: null,
        updated_at: now,
      })
      .where('id', '=', id)
      .where('state', '=', 'importing')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }
}
