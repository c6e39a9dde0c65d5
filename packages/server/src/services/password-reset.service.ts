import type { PasswordResetRequestRepository } from '../repositories/password-reset-request.repository.ts';
import type { UserRepository } from '../repositories/user.repository.ts';
import { InvalidRequest } from '../domain/errors.ts';
import { newId, sha256 } from '../domain/ids.ts';
import type { MailLog, TeamMailer } from './team-mail.ts';
import { isEmailAddress, normalizeEmail, type TeamService } from './team.service.ts';

/** Requests let through per hour; 0 turns a limit off. */
export interface PasswordResetLimits {
  perEmailPerHour: number;
  perAddressPerHour: number;
}

const RESET_REQUEST_WINDOW_MS = 60 * 60 * 1000;

/**
 * Self-service "Forgot password" (docs/auth-and-roles.md). The caller always gets the same answer,
 * so nobody learns from it which emails are teammates; what happened is only logged.
 */
export class PasswordResetService {
  constructor(
    private readonly requests: PasswordResetRequestRepository,
    private readonly users: UserRepository,
    private readonly teams: TeamService,
    private readonly mailer: TeamMailer,
    private readonly limits: PasswordResetLimits,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Emails a one-time reset link (the admin reset link's token, PASSWORD_RESET_TTL_MS; it replaces
   * an older one) when `email` belongs to a teammate who has signed up, mail is configured and the
   * limits allow. Emails are unique across the deployment, so there is at most one such teammate.
   * Only a malformed email is an error; every other outcome returns normally.
   */
  async requestReset(rawEmail: string, clientAddress: string, log: MailLog): Promise<void> {
    const email = normalizeEmail(rawEmail);
    if (!email) throw new InvalidRequest("Missing required parameter 'email': the email you sign in with.");
    if (!isEmailAddress(email)) throw new InvalidRequest("Invalid value for 'email': not an email address.");

    const limited = await this.spendAllowance(email, clientAddress);
    if (limited) {
      log.warn({ event: 'password_reset_rate_limited', limit: limited, email, client_address: clientAddress }, 'password reset request over the limit; nothing sent');
      return;
    }
    if (!this.mailer.configured) {
      log.info({ event: 'password_reset_not_sent', reason: 'smtp_unset', email }, 'password reset requested, but no mail was sent: TAGWRIGHT_SMTP_URL is not set');
      return;
    }
    const user = await this.users.findByEmail(email);
    if (!user?.password_hash) {
      const reason = user ? 'not_signed_up' : 'unknown_email';
      log.info({ event: 'password_reset_not_sent', reason, email }, 'password reset requested for an email with no signed-up teammate; no mail sent');
      return;
    }
    let invitation;
    try {
      invitation = await this.teams.issuePasswordReset(user.account_id, email);
    } catch (error) {
      // The teammate was removed or reset meanwhile: still the same answer to the caller.
      if (!(error instanceof InvalidRequest)) throw error;
      log.info({ event: 'password_reset_not_sent', reason: 'teammate_changed', email }, error.message);
      return;
    }
    log.info({ event: 'password_reset_requested', teammate: email, client_address: clientAddress }, 'password reset link issued to the teammate by mail');
    this.mailer.sendPasswordReset(invitation, 'self', log);
  }

  /** Deletes requests that no longer count towards any limit. Returns how many. */
  purgeOld(): Promise<number> {
    return this.requests.deleteBefore(this.now() - RESET_REQUEST_WINDOW_MS);
  }

  /**
   * Records the request, then counts the window including it, and takes it back when it is over a
   * limit: concurrent requests (several processes) can only be refused too often, never let
   * through too often. Refused requests do not count, so the window always frees up.
   */
  private async spendAllowance(email: string, clientAddress: string): Promise<'email' | 'address' | undefined> {
    const now = this.now();
    const id = newId(now);
    const emailHash = sha256(email);
    await this.requests.insert({ id, email_hash: emailHash, client_address: clientAddress, created_at: now });
    const counts = await this.requests.countSince({ emailHash, clientAddress, since: now - RESET_REQUEST_WINDOW_MS + 1 });
    const limited =
      this.limits.perEmailPerHour > 0 && counts.byEmail > this.limits.perEmailPerHour
        ? 'email'
        : this.limits.perAddressPerHour > 0 && counts.byAddress > this.limits.perAddressPerHour
          ? 'address'
          : undefined;
    if (limited) await this.requests.delete(id);
    return limited;
  }
}
