import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { SessionsTable } from '../db/tables/work.ts';
import type { AccountRow, UserRow } from './account.repository.ts';
import { prepareQuery } from '../db/compiled-statement.ts';

export type SessionRow = Selectable<SessionsTable>;

/** A session with its user and account, read in one round trip on every cookie-authenticated request. */
export interface SessionLookup {
  session: SessionRow;
  user: Pick<UserRow, 'id' | 'email' | 'role' | 'first_name' | 'last_name'>;
  account: AccountRow;
}

/**
 * The session with this id (a token's hash) joined to its user and account, as one row. Also run
 * inside the first statement of `queue/next` and of a submission on PostgreSQL (queue.repository.ts),
 * which check the session in the same round trip; `id` may be an SQL expression there.
 */
export function sessionReadQuery(db: Kysely<Database>, id: string) {
  return db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .innerJoin('accounts as a', 'a.id', 's.account_id')
    .select([
      's.id', 's.user_id', 's.account_id', 's.csrf_token', 's.created_at as session_created_at', 's.expires_at', 's.last_seen_at',
      'u.email', 'u.role', 'u.first_name', 'u.last_name',
      'a.name', 'a.callback_auth_key_live', 'a.callback_auth_key_test', 'a.default_callback_url', 'a.created_at as account_created_at',
    ])
    .where('s.id', '=', id);
}

export type SessionReadRow = Awaited<ReturnType<ReturnType<typeof sessionReadQuery>['executeTakeFirstOrThrow']>>;

/** sessionReadQuery's row as a SessionLookup (also for the row arriving as JSON from a folded read: its numbers are JSON numbers). */
export function sessionLookupFromRow(row: SessionReadRow): SessionLookup {
  return {
    session: {
      id: row.id, user_id: row.user_id, account_id: row.account_id, csrf_token: row.csrf_token,
      created_at: Number(row.session_created_at), expires_at: Number(row.expires_at), last_seen_at: Number(row.last_seen_at),
    },
    user: { id: row.user_id, email: row.email, role: row.role, first_name: row.first_name, last_name: row.last_name },
    account: {
      id: row.account_id, name: row.name, callback_auth_key_live: row.callback_auth_key_live,
      callback_auth_key_test: row.callback_auth_key_test, default_callback_url: row.default_callback_url, created_at: Number(row.account_created_at),
    },
  };
}

/**
 * Web sessions, and the sign-in state kept on users (password hash, failed attempts, lock,
 * one-time invitation token). The only code that builds SQL for sessions and for those columns.
 */
export class SessionRepository {
  // Read on every cookie-authenticated request: built and compiled once (db/compiled-statement.ts prepareQuery).
  private readonly sessionById = prepareQuery(() => this.db, 1, (id) => sessionReadQuery(this.db, id));

  constructor(private readonly db: Kysely<Database>) {}

  /** The user signing in with this email. Emails are matched as given and lower-cased, both through the unique index. */
  findUserByEmail(email: string): Promise<UserRow | undefined> {
    const candidates = [...new Set([email, email.toLowerCase()])];
    return this.db.selectFrom('users').selectAll().where('email', 'in', candidates).orderBy('created_at').executeTakeFirst();
  }

  findUserByInviteHash(tokenHash: string): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('invite_token_hash', '=', tokenHash).executeTakeFirst();
  }

  /**
   * Counts one failed attempt in a single statement, so concurrent attempts cannot lose counts.
   * On the `maxFailures`-th consecutive failure the user is locked until `lockUntil` and the count restarts.
   * Returns the lock end when this attempt set one.
   */
  async recordFailedLogin(userId: string, maxFailures: number, lockUntil: number): Promise<number | undefined> {
    const row = await this.db
      .updateTable('users')
      .set({
        failed_logins: sql<number>`case when failed_logins + 1 >= ${maxFailures} then 0 else failed_logins + 1 end`,
        locked_until: sql<number | null>`case when failed_logins + 1 >= ${maxFailures} then ${lockUntil} else locked_until end`,
      })
      .where('id', '=', userId)
      .returning(['failed_logins', 'locked_until'])
      .executeTakeFirst();
    return row && row.locked_until === lockUntil ? lockUntil : undefined;
  }

  async clearFailedLogins(userId: string): Promise<void> {
    await this.db.updateTable('users').set({ failed_logins: 0, locked_until: null }).where('id', '=', userId).execute();
  }

  /**
   * Uses the invitation: sets the password and clears the token, only if the token is still the
   * user's and unexpired. Returns false when another request used it first.
   */
  async acceptInvite(input: { userId: string; tokenHash: string; passwordHash: string; firstName?: string; lastName?: string; now: number }): Promise<boolean> {
    const result = await this.db
      .updateTable('users')
      .set({
        password_hash: input.passwordHash,
        invite_token_hash: null,
        invite_expires_at: null,
        failed_logins: 0,
        locked_until: null,
        ...(input.firstName !== undefined ? { first_name: input.firstName } : {}),
        ...(input.lastName !== undefined ? { last_name: input.lastName } : {}),
      })
      .where('id', '=', input.userId)
      .where('invite_token_hash', '=', input.tokenHash)
      .where('invite_expires_at', '>', input.now)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async setPassword(userId: string, passwordHash: string): Promise<void> {
    await this.db.updateTable('users').set({ password_hash: passwordHash, failed_logins: 0, locked_until: null }).where('id', '=', userId).execute();
  }

  async insertSession(row: SessionRow): Promise<void> {
    await this.db.insertInto('sessions').values(row).execute();
  }

  async findSession(id: string): Promise<SessionLookup | undefined> {
    const [row] = await this.sessionById(id);
    return row && sessionLookupFromRow(row);
  }

  async touchSession(id: string, now: number): Promise<void> {
    await this.db.updateTable('sessions').set({ last_seen_at: now }).where('id', '=', id).execute();
  }

  async deleteSession(id: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('id', '=', id).execute();
  }

  /** Drops this user's sessions that can no longer be used, so the table does not grow with every sign-in. */
  async deleteStaleSessions(userId: string, now: number, idleCutoff: number): Promise<void> {
    await this.db
      .deleteFrom('sessions')
      .where('user_id', '=', userId)
      .where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<=', idleCutoff)]))
      .execute();
  }

  async deleteOtherSessions(userId: string, keepId: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('user_id', '=', userId).where('id', '!=', keepId).execute();
  }

  /** Deletes every session past its end or idle since before the cutoff (both through an index); returns how many. */
  async deleteEndedSessions(now: number, idleCutoff: number): Promise<number> {
    const expired = await this.db.deleteFrom('sessions').where('expires_at', '<=', now).executeTakeFirst();
    const idle = await this.db.deleteFrom('sessions').where('last_seen_at', '<=', idleCutoff).executeTakeFirst();
    return Number(expired.numDeletedRows) + Number(idle.numDeletedRows);
  }

  /** Ends every session of a user (after a password change). */
  async deleteUserSessions(userId: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('user_id', '=', userId).execute();
  }
}
