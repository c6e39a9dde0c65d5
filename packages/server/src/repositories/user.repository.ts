import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { UserRow } from './account.repository.ts';
import { newId } from '../domain/ids.ts';

export type TeamRole = UserRow['role'];

/** Users of an account (teammates). The only code that builds SQL for the users table. */
export class UserRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insertTeammate(input: { accountId: string; email: string; role: TeamRole; inviteTokenHash?: string; inviteExpiresAt?: number }): Promise<UserRow> {
    const now = Date.now();
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

  /** Teammates in stable insertion order. */
  listByAccount(accountId: string): Promise<UserRow[]> {
    return this.db.selectFrom('users').selectAll().where('account_id', '=', accountId).orderBy('created_at').orderBy('id').execute();
  }

  findByEmail(email: string): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
  }
}
