import type { MailMessage } from '../outbound/mailer.ts';
import type { PublicUrl } from './public-url.ts';
import { invitationPath, type Invitation } from './team.service.ts';

/** Where mail outcomes are written: a Fastify request logger fits. */
export interface MailLog {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
}

/** What submits a message (SmtpMailer); resolves with the server's reply, rejects on refusal. */
export interface MailTransport {
  send(message: MailMessage): Promise<string>;
}

/** Who asked for a password-reset link: the teammate themselves (Forgot password) or an admin. */
export type ResetRequester = 'self' | 'admin';

const HOURS = 60 * 60 * 1000;

/**
 * Emails invitation and password-reset links to teammates when TAGWRIGHT_SMTP_URL is set.
 *
 * Sending happens after the HTTP answer, in this process, and is never retried: the link holds a
 * one-time token that is stored only as a hash, so it cannot wait in an outbox row for a worker.
 * A failed or lost mail is logged; the admin can still copy the link from their answer, and a
 * teammate can ask again. Nothing here throws into the caller.
 */
export class TeamMailer {
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly transport: MailTransport | undefined,
    private readonly from: string,
    private readonly publicUrl: PublicUrl,
  ) {}

  /** True when a mail transport is configured. */
  get configured(): boolean {
    return this.transport !== undefined;
  }

  /** Emails each new teammate their sign-up link; does nothing without a transport. */
  sendInvitations(invitations: readonly Invitation[], accountName: string, log: MailLog): void {
    for (const invitation of invitations) {
      const link = this.link(invitation);
      const days = Math.round((invitation.user.invite_expires_at! - Date.now()) / (24 * HOURS));
      this.deliver(
        {
          to: invitation.user.email,
          subject: `You are invited to ${accountName} on Tagwright`,
          body: [
            `You have been invited to join ${accountName} on Tagwright as ${invitation.user.role}.`,
            '',
            `Choose your password here (the link works once, for ${days} days):`,
            link,
            '',
            'If you did not expect this invitation, ignore this mail.',
          ].join('\n'),
        },
        { event: 'invitation_mail', teammate: invitation.user.email },
        log,
      );
    }
  }

  /** Emails a teammate who has signed up their one-time link to choose a new password. */
  sendPasswordReset(invitation: Invitation, requestedBy: ResetRequester, log: MailLog): void {
    const hours = Math.round((invitation.user.invite_expires_at! - Date.now()) / HOURS);
    const why =
      requestedBy === 'self'
        ? `Someone (we hope you) asked to reset the Tagwright password of ${invitation.user.email}.`
        : `An admin of your Tagwright account made a link for ${invitation.user.email} to choose a new password.`;
    this.deliver(
      {
        to: invitation.user.email,
        subject: 'Choose a new Tagwright password',
        body: [
          why,
          '',
          `Choose a new password here (the link works once, for ${hours} hours; your other sessions end when you use it):`,
          this.link({ ...invitation, purpose: 'password_reset' }),
          '',
          'If you did not ask for this, ignore this mail: your current password keeps working.',
        ].join('\n'),
      },
      { event: 'password_reset_mail', teammate: invitation.user.email, requested_by: requestedBy },
      log,
    );
  }

  /** Resolves once every mail started so far has been sent or has failed (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  private link(invitation: Pick<Invitation, 'token' | 'purpose'>): string {
    return this.publicUrl.base + invitationPath(invitation);
  }

  private deliver(mail: { to: string; subject: string; body: string }, details: Record<string, unknown>, log: MailLog): void {
    const transport = this.transport;
    if (!transport) return;
    const message: MailMessage = { from: this.from, to: mail.to, subject: mail.subject, text: `${mail.body}\n` };
    const sending = transport.send(message).then(
      (reply) => log.info({ ...details, reply }, 'mail sent'),
      (error: unknown) => log.warn({ ...details, error: error instanceof Error ? error.message : String(error) }, 'mail could not be sent'),
    );
    const tracked = sending.finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }
}
