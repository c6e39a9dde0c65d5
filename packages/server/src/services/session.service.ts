import crypto from 'node:crypto';
import type { SessionLookup, SessionRepository } from '../repositories/session.repository.ts';
import type { AccountRow, UserRow } from '../repositories/account.repository.ts';
import { InvalidRequest, Unauthorized } from '../domain/errors.ts';
import { sha256 } from '../domain/ids.ts';
import { hashPassword, verifyPassword } from '../domain/passwords.ts';
import { toIso } from '../domain/time.ts';

export const MIN_PASSWORD_LENGTH = 10;

export interface SessionPolicy {
  /** A session unused for this long ends. */
  idleMs: number;
  /** A session ends this long after sign-in, however active. */
  absoluteMs: number;
  /** Consecutive failed sign-ins that lock the user. */
  maxFailedLogins: number;
  lockMs: number;
  /** last_seen_at is written at most this often, so reads do not become writes. */
  touchEveryMs: number;
}

export const DEFAULT_SESSION_POLICY: SessionPolicy = {
  idleMs: 12 * 60 * 60 * 1000,
  absoluteMs: 7 * 24 * 60 * 60 * 1000,
  maxFailedLogins: 5,
  lockMs: 15 * 60 * 1000,
  touchEveryMs: 60 * 1000,
};

export type SessionUser = SessionLookup['user'];

/** An authenticated web session: who, in which account, and the CSRF token their writes must echo. */
export interface ActiveSession {
  id: string;
  csrfToken: string;
  expiresAt: number;
  user: SessionUser;
  account: AccountRow;
}

/** A new session; `token` goes into the cookie and is never stored. */
export interface StartedSession extends ActiveSession {
  token: string;
}

const BAD_CREDENTIALS = 'The email or password is incorrect.';

/** Sign-in, sign-out, invitation acceptance and session checks for the web UI. */
export class SessionService {
  private dummyHash: Promise<string> | undefined;

  constructor(
    private readonly sessions: SessionRepository,
    private readonly policy: SessionPolicy = DEFAULT_SESSION_POLICY,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Checks the email and password and opens a session. Unknown email, missing password and wrong
   * password share one message; a locked user is told until when.
   */
  async login(email: string, password: string): Promise<StartedSession> {
    const user = await this.sessions.findUserByEmail(email.trim().toLowerCase());
    const now = this.now();
    if (user?.locked_until && user.locked_until > now) throw this.lockedError(user.locked_until);
    if (!user || !user.password_hash) {
      // Spend the same time as a real check so response timing does not reveal which emails exist.
      await verifyPassword(password, await this.dummy());
      throw new Unauthorized(BAD_CREDENTIALS);
    }
    if (!(await verifyPassword(password, user.password_hash))) {
      const lockedUntil = await this.sessions.recordFailedLogin(user.id, this.policy.maxFailedLogins, now + this.policy.lockMs);
      if (lockedUntil) throw this.lockedError(lockedUntil);
      throw new Unauthorized(BAD_CREDENTIALS);
    }
    if (user.failed_logins > 0 || user.locked_until) await this.sessions.clearFailedLogins(user.id);
    return this.start(user, now);
  }

  /** Sets the password of an invited teammate from the one-time invitation token, then signs them in. */
  async acceptInvite(input: { token: string; password: string; firstName?: string; lastName?: string }): Promise<StartedSession> {
    checkPassword(input.password);
    const tokenHash = sha256(input.token);
    const user = await this.sessions.findUserByInviteHash(tokenHash);
    const now = this.now();
    const invalid = new InvalidRequest("The invitation 'token' is not valid or has expired; ask an admin to invite you again.");
    if (!user || !user.invite_expires_at || user.invite_expires_at <= now) throw invalid;
    const passwordHash = await hashPassword(input.password);
    const accepted = await this.sessions.acceptInvite({ userId: user.id, tokenHash, passwordHash, firstName: input.firstName, lastName: input.lastName, now });
    if (!accepted) throw invalid;
    // Sessions opened with an older password end with the new one.
    await this.sessions.deleteUserSessions(user.id);
    return this.start({ ...user, first_name: input.firstName ?? user.first_name, last_name: input.lastName ?? user.last_name }, now);
  }

  /**
   * The teammate a still-valid invitation or password-reset token belongs to, so the accept page can
   * name them before they choose a password; the same 400 as acceptInvite for anything else.
   */
  async invitationHolder(token: string): Promise<UserRow> {
    const user = await this.sessions.findUserByInviteHash(sha256(token));
    if (!user || !user.invite_expires_at || user.invite_expires_at <= this.now()) {
      throw new InvalidRequest("The invitation 'token' is not valid or has expired; ask an admin to invite you again.");
    }
    return user;
  }

  /** The session a cookie token names, or undefined when it is unknown, idle too long or past its end. */
  async authenticate(token: string): Promise<ActiveSession | undefined> {
    if (!token) return undefined;
    return this.admit(await this.sessions.findSession(sha256(token)));
  }

  /**
   * The rules of `authenticate` applied to a session row read elsewhere: by authenticate, or inside
   * the first statement of an operation that reads the session with its own data (PostgreSQL's
   * `queue/next` and submission, docs/work-queue.md). Undefined when it is unknown, idle too long or
   * past its end (an ended one is deleted, a used one touched, as authenticate always did). `now`:
   * the instant of the check (see admissionCheck).
   */
  async admit(found: SessionLookup | undefined, now: number = this.now()): Promise<ActiveSession | undefined> {
    if (!found) return undefined;
    const { session } = found;
    if (session.expires_at <= now || session.last_seen_at + this.policy.idleMs <= now) {
      await this.sessions.deleteSession(session.id);
      return undefined;
    }
    if (now - session.last_seen_at >= this.policy.touchEveryMs) await this.sessions.touchSession(session.id, now);
    return { id: session.id, csrfToken: session.csrf_token, expiresAt: session.expires_at, user: found.user, account: found.account };
  }

  /**
   * The instant and idle window for a session check made in SQL before `admit` (PostgreSQL's
   * one-statement `queue/next` claims only for a session that passes them): pass the same `now` to
   * `admit`, which then decides exactly as the SQL did on the same row.
   */
  admissionCheck(): { now: number; idleMs: number } {
    return { now: this.now(), idleMs: this.policy.idleMs };
  }

  /**
   * Changes the signed-in teammate's password after checking the current one. Every other session
   * of theirs ends; the calling session stays open.
   */
  async changePassword(session: ActiveSession, currentPassword: string, newPassword: string): Promise<void> {
    checkPassword(newPassword, 'new_password');
    const user = await this.sessions.findUserByEmail(session.user.email);
    if (!user || user.id !== session.user.id || !user.password_hash || !(await verifyPassword(currentPassword, user.password_hash))) {
      throw new InvalidRequest("The 'current_password' is incorrect.");
    }
    await this.sessions.setPassword(user.id, await hashPassword(newPassword));
    await this.sessions.deleteOtherSessions(user.id, session.id);
  }

  /** Ends the session the token names; unknown tokens are ignored. */
  async logout(token: string): Promise<void> {
    if (token) await this.sessions.deleteSession(sha256(token));
  }

  /** Deletes ended sessions (they are already refused; this keeps the table small). Returns how many. */
  purgeEnded(): Promise<number> {
    const now = this.now();
    return this.sessions.deleteEndedSessions(now, now - this.policy.idleMs);
  }

  /** Seconds a new session cookie should live: the absolute session length. */
  get cookieMaxAgeSeconds(): number {
    return Math.floor(this.policy.absoluteMs / 1000);
  }

  private async start(user: Pick<UserRow, 'id' | 'account_id' | 'email' | 'role' | 'first_name' | 'last_name'>, now: number): Promise<StartedSession> {
    await this.sessions.deleteStaleSessions(user.id, now, now - this.policy.idleMs);
    const token = crypto.randomBytes(32).toString('base64url');
    const csrfToken = crypto.randomBytes(24).toString('base64url');
    const id = sha256(token);
    const expiresAt = now + this.policy.absoluteMs;
    await this.sessions.insertSession({ id, user_id: user.id, account_id: user.account_id, csrf_token: csrfToken, created_at: now, expires_at: expiresAt, last_seen_at: now });
    const found = await this.sessions.findSession(id);
    if (!found) throw new Error('session vanished right after it was created');
    return { token, id, csrfToken, expiresAt, user: found.user, account: found.account };
  }

  /** The message names the time in UTC, said so; `locked_until` lets a client show it in the reader's own zone. */
  private lockedError(until: number): Unauthorized {
    return new Unauthorized(
      `This account is locked until ${toIso(until)} (UTC) after ${this.policy.maxFailedLogins} failed sign-in attempts; try again then, or ask an admin to unlock it.`,
      { locked_until: toIso(until) },
    );
  }

  private dummy(): Promise<string> {
    this.dummyHash ??= hashPassword(crypto.randomBytes(16).toString('hex'));
    return this.dummyHash;
  }
}

/** The password rules: at least MIN_PASSWORD_LENGTH characters. */
export function checkPassword(password: string, field = 'password'): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new InvalidRequest(`The '${field}' must be at least ${MIN_PASSWORD_LENGTH} characters long.`);
  }
}

/** Constant-time comparison of the CSRF header with the session's token. */
export function csrfTokenMatches(sent: string | undefined, expected: string): boolean {
  if (!sent) return false;
  const a = Buffer.from(sent);
  const b = Buffer.from(expected);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}
