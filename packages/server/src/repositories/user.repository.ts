import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { UserRow } from './account.repository.ts';
import { newId } from '../domain/ids.ts';

export type TeamRole = UserRow['role'];

/** Users of an account (teammates). The only code that builds SQL for the users table. */
export class UserRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insertTeammate(input: { accountId: string; email: string; role: TeamRole; inviteTokenHash?: string; inviteExpiresAt?: number; now?: number }): Promise<UserRow> {
    const now = input.now ?? Date.now();
    const row: UserRow = {
      id: newId(now),
      account_id: input.accountId,
      email: input.email,
      role: input.role,
      first_name: null,
      last_name: null,
      company: null,
      password_hash: null,
      invite_token_hash: input.inviteTokenHash ?? null,
      invite_expires_at: input.inviteExpiresAt ?? null,
      failed_logins: 0,
      locked_until: null,
      created_at: now,
    };
    await this.db.insertInto('users').values(row).execute();
    return row;
  }

  /**
   * Inserts new teammates in one statement. An email that another writer registered meanwhile is
   * skipped, not an error; the rows actually inserted are returned.
   */
  async insertTeammates(rows: readonly UserRow[]): Promise<UserRow[]> {
    if (rows.length === 0) return [];
    return this.db
      .insertInto('users')
      .values([...rows])
      .onConflict((conflict) => conflict.column('email').doNothing())
      .returningAll()
      .execute();
  }

  /** Teammates in stable insertion order. */
  listByAccount(accountId: string): Promise<UserRow[]> {
    return this.db.selectFrom('users').selectAll().where('account_id', '=', accountId).orderBy('created_at').orderBy('id').execute();
  }

  findByEmail(email: string): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
  }

  /** The users (of any account) holding these emails, in one query. */
  async findByEmails(emails: readonly string[]): Promise<UserRow[]> {
    if (emails.length === 0) return [];
    return this.db.selectFrom('users').selectAll().where('email', 'in', [...emails]).execute();
  }

  /** Sets the role of these teammates of the account; returns how many rows changed. */
  async setRole(accountId: string, emails: readonly string[], role: TeamRole): Promise<number> {
    if (emails.length === 0) return 0;
    const result = await this.db.updateTable('users').set({ role }).where('account_id', '=', accountId).where('email', 'in', [...emails]).executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** Replaces a pending invitation's one-time token (only its hash is stored) and optionally the role. */
  async renewInvite(userId: string, input: { inviteTokenHash: string; inviteExpiresAt: number; role?: TeamRole }): Promise<void> {
    await this.db
      .updateTable('users')
      .set({ invite_token_hash: input.inviteTokenHash, invite_expires_at: input.inviteExpiresAt, ...(input.role ? { role: input.role } : {}) })
      .where('id', '=', userId)
      .execute();
  }

  /** Lifts a sign-in lock and restarts the count of failed sign-ins. */
  async clearLock(userId: string): Promise<void> {
    await this.db.updateTable('users').set({ failed_logins: 0, locked_until: null }).where('id', '=', userId).execute();
  }

  /** Sets a password; any pending invitation ends and a sign-in lock is lifted. */
  async setPassword(userId: string, passwordHash: string): Promise<void> {
    await this.db
      .updateTable('users')
      .set({ password_hash: passwordHash, invite_token_hash: null, invite_expires_at: null, failed_logins: 0, locked_until: null })
      .where('id', '=', userId)
      .execute();
  }
}
