import crypto from 'node:crypto';
import type { UserRow } from '../repositories/account.repository.ts';
import type { TeamRole, UserRepository } from '../repositories/user.repository.ts';
import { InvalidRequest, NotFound } from '../domain/errors.ts';
import { newId, sha256 } from '../domain/ids.ts';
import { hashPassword } from '../domain/passwords.ts';
import { checkPassword } from './session.service.ts';

export const TEAM_ROLES: readonly TeamRole[] = ['labeler', 'member', 'manager', 'admin'];
/** How long a one-time sign-up token stays valid. */
export const INVITE_TTL_MS = 7 * 24 * 60 * 60 * 1000;
/** How long a password-reset link (a one-time token for a teammate who has signed up) stays valid. */
export const PASSWORD_RESET_TTL_MS = 24 * 60 * 60 * 1000;

const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** A teammate created (or re-invited) with its one-time sign-up token, shown once: only its hash is stored. */
export interface Invitation {
  user: UserRow;
  token: string;
  /** `password_reset` when the token lets a teammate who has signed up choose a new password. */
  purpose?: 'invite' | 'password_reset';
}

/**
 * The web UI page (relative to the public base URL) where the holder of an invitation or
 * password-reset token sets a password: shown in admin answers and sent in invitation mails.
 */
export function invitationPath(invitation: Pick<Invitation, 'token' | 'purpose'>): string {
  return `/ui/#/accept-invite?token=${encodeURIComponent(invitation.token)}${invitation.purpose === 'password_reset' ? '&reset=1' : ''}`;
}

/** True for something shaped like an email address (one @, no spaces). */
export function isEmailAddress(email: string): boolean {
  // 254 characters is the longest address SMTP carries (RFC 5321); it also keeps the users_email index row small.
  return email.length <= 254 && EMAIL.test(email);
}

/** Emails are compared and stored in lower case, so one person has one account whatever they type. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

function readRole(value: unknown): TeamRole {
  if (value === undefined || value === null || value === '') {
    throw new InvalidRequest(`Missing required parameter 'team_role': one of ${TEAM_ROLES.join(', ')}.`);
  }
  if (typeof value !== 'string' || !(TEAM_ROLES as readonly string[]).includes(value)) {
    throw new InvalidRequest(`Invalid value for 'team_role': "${String(value)}". Use one of ${TEAM_ROLES.join(', ')}.`);
  }
  return value as TeamRole;
}

function readEmails(value: unknown): string[] {
  if (value === undefined || value === null) throw new InvalidRequest("Missing required parameter 'emails': an array of email addresses.");
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    throw new InvalidRequest("Invalid value for 'emails': expected an array of email addresses.");
  }
  const emails = [...new Set((value as string[]).map(normalizeEmail))];
  if (emails.length === 0) throw new InvalidRequest("Invalid value for 'emails': give at least one email address.");
  const malformed = emails.filter((email) => !EMAIL.test(email));
  if (malformed.length > 0) throw new InvalidRequest(`Invalid value for 'emails': not an email address: ${malformed.join(', ')}.`);
  return emails;
}

function newInviteToken(): string {
  return crypto.randomBytes(24).toString('base64url');
}

/**
 * Teammates (contract 4.6): the users of an account, shared by its live and test environments.
 * An invitation creates the user with a one-time sign-up token; they set a password with it in the web UI.
 */
export class TeamService {
  constructor(
    private readonly users: UserRepository,
    private readonly now: () => number = Date.now,
  ) {}

  /** The teammate with this (normalised) email in any account, if any. */
  findByEmail(email: string): Promise<UserRow | undefined> {
    return this.users.findByEmail(normalizeEmail(email));
  }

  /** Every teammate, in insertion order (the account's first admin comes first). */
  list(accountId: string): Promise<UserRow[]> {
    return this.users.listByAccount(accountId);
  }

  /**
   * Invites `emails` with `team_role`. Emails that are already teammates stay as they are; an
   * email registered in another account is a 400. Returns every teammate and the new invitations.
   */
  async invite(accountId: string, body: Record<string, unknown>): Promise<{ teammates: UserRow[]; invitations: Invitation[] }> {
    const emails = readEmails(body.emails);
    const role = readRole(body.team_role);
    const existing = await this.users.findByEmails(emails);
    this.refuseOtherAccounts(accountId, existing);
    const known = new Set(existing.map((user) => user.email));
    const now = this.now();
    const tokens = new Map<string, string>();
    const rows: UserRow[] = emails
      .filter((email) => !known.has(email))
      .map((email) => {
        const token = newInviteToken();
        tokens.set(email, token);
        return {
          id: newId(now), account_id: accountId, email, role, first_name: null, last_name: null, company: null,
          password_hash: null, invite_token_hash: sha256(token), invite_expires_at: now + INVITE_TTL_MS,
          failed_logins: 0, locked_until: null, created_at: now,
        };
      });
    const inserted = await this.users.insertTeammates(rows);
    if (inserted.length < rows.length) {
      // Another writer registered one of these emails meanwhile: it may belong to another account.
      this.refuseOtherAccounts(accountId, await this.users.findByEmails(emails));
    }
    return {
      teammates: await this.users.listByAccount(accountId),
      invitations: inserted.map((user) => ({ user, token: tokens.get(user.email)! })),
    };
  }

  /** Gives `team_role` to `emails`, which must all be teammates of the account. At least one admin always remains. */
  async setRole(accountId: string, body: Record<string, unknown>): Promise<UserRow[]> {
    const emails = readEmails(body.emails);
    const role = readRole(body.team_role);
    const teammates = await this.users.listByAccount(accountId);
    const byEmail = new Map(teammates.map((user) => [user.email, user]));
    const strangers = emails.filter((email) => !byEmail.has(email));
    if (strangers.length > 0) throw new InvalidRequest(`Invalid value for 'emails': not a teammate of this account: ${strangers.join(', ')}.`);
    if (role !== 'admin') {
      const changing = new Set(emails);
      if (!teammates.some((user) => user.role === 'admin' && !changing.has(user.email))) {
        throw new InvalidRequest("Invalid value for 'team_role': the account must keep at least one admin.");
      }
    }
    await this.users.setRole(accountId, emails, role);
    return this.users.listByAccount(accountId);
  }

  /**
   * Invites one person (admin CLI). A teammate who has not signed up yet gets a fresh token (the
   * old one stops working) and the given role; one who has signed up is a 400.
   */
  async inviteOne(accountId: string, email: string, role: string): Promise<Invitation> {
    const result = await this.invite(accountId, { emails: [email], team_role: role });
    if (result.invitations.length === 1) return result.invitations[0];
    const user = result.teammates.find((teammate) => teammate.email === normalizeEmail(email));
    if (!user) throw new Error(`teammate ${email} vanished right after the invitation`);
    if (user.password_hash) throw new InvalidRequest(`${user.email} has already signed up; change their role with set_role (CLI: users set-role) instead.`);
    const token = newInviteToken();
    const renewed = { inviteTokenHash: sha256(token), inviteExpiresAt: this.now() + INVITE_TTL_MS, role: readRole(role) };
    await this.users.renewInvite(user.id, renewed);
    return { user: { ...user, role: renewed.role, invite_token_hash: renewed.inviteTokenHash, invite_expires_at: renewed.inviteExpiresAt }, token };
  }

  /** Sets a teammate's password (admin CLI): ends any pending invitation and lifts a sign-in lock. */
  async setPassword(email: string, password: string): Promise<UserRow> {
    checkPassword(password);
    const user = await this.users.findByEmail(normalizeEmail(email));
    if (!user) throw new NotFound(`No teammate with email ${normalizeEmail(email)}.`);
    await this.users.setPassword(user.id, await hashPassword(password));
    return user;
  }

  /**
   * Lifts a teammate's sign-in lock-out (after repeated failed sign-ins) and restarts their count of
   * failed attempts, so they can sign in at once. Harmless when they are not locked.
   */
  async unlock(accountId: string, email: string): Promise<UserRow> {
    const user = await this.teammate(accountId, email);
    await this.users.clearLock(user.id);
    return { ...user, failed_logins: 0, locked_until: null };
  }

  /**
   * A one-time link with which a teammate who has signed up chooses a new password (through the
   * same accept-invite step as an invitation; using it ends their sessions and lifts a lock-out).
   * Valid PASSWORD_RESET_TTL_MS; a newer link replaces an older one. The current password keeps
   * working until the link is used. A teammate who has not signed up gets a new invitation instead.
   */
  async issuePasswordReset(accountId: string, email: string): Promise<Invitation> {
    const user = await this.teammate(accountId, email);
    if (!user.password_hash) {
      throw new InvalidRequest(`${user.email} has not signed up yet; send them a new invitation link (reinvite) instead.`);
    }
    const token = newInviteToken();
    const renewed = { inviteTokenHash: sha256(token), inviteExpiresAt: this.now() + PASSWORD_RESET_TTL_MS };
    await this.users.renewInvite(user.id, renewed);
    return { user: { ...user, invite_token_hash: renewed.inviteTokenHash, invite_expires_at: renewed.inviteExpiresAt }, token, purpose: 'password_reset' };
  }

  /**
   * A one-time link for a teammate who cannot sign in (admin CLI `users sign-in-link`, and the first
   * start for the first admin): a fresh invitation while they have not signed up, else a
   * password-reset link. Either way the link sets a password and signs them in.
   */
  async issueSignInLink(email: string): Promise<Invitation> {
    const user = await this.users.findByEmail(normalizeEmail(email));
    if (!user) throw new NotFound(`No teammate with email ${normalizeEmail(email)}.`);
    if (user.password_hash) return this.issuePasswordReset(user.account_id, user.email);
    return this.inviteOne(user.account_id, user.email, user.role);
  }

  /** The account's teammate with this email; anyone else (unknown, or another account's) is a 400 naming the email. */
  private async teammate(accountId: string, email: string): Promise<UserRow> {
    const user = await this.users.findByEmail(normalizeEmail(email));
    if (!user || user.account_id !== accountId) throw new InvalidRequest(`Invalid value for 'email': ${normalizeEmail(email)} is not a teammate of this account.`);
    return user;
  }

  private refuseOtherAccounts(accountId: string, users: UserRow[]): void {
    const elsewhere = users.filter((user) => user.account_id !== accountId).map((user) => user.email);
    if (elsewhere.length > 0) {
      throw new InvalidRequest(`Invalid value for 'emails': already registered in another account: ${elsewhere.join(', ')}.`);
    }
  }
}
