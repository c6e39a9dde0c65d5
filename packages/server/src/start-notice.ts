import type { BootstrapResult } from './services/bootstrap.ts';
import { invitationPath } from './services/team.service.ts';

/** The CLI command that issues a new one-time sign-in link (README, docs/cli.md). */
export function signInLinkCommand(email: string): string {
  return `npx tagwright users sign-in-link --email ${email}`;
}

/**
 * What a person starting the server must read on standard output (logs go to the logger): on
 * first start the admin's one-time sign-in link and the generated API keys; on a later start, how
 * to get a link while the admin has never set a password. Empty when there is nothing to say.
 */
export function startNotice(bootstrap: BootstrapResult, baseUrl: string, adminEmail: string): string {
  const lines: string[] = [];
  const invitation = bootstrap.adminInvitation;
  if (invitation) {
    const email = invitation.user.email;
    lines.push(
      'Tagwright created the first account.',
      '',
      `Sign in to the web UI as ${email}: open this one-time link and choose a password (valid 7 days).`,
      `  ${baseUrl}${invitationPath(invitation)}`,
      `Lost it? ${signInLinkCommand(email)} prints a new one.`,
    );
  }
  if (bootstrap.generatedKeys) {
    lines.push('', 'API keys of the account (save them now; they are not shown again):', `  live key: ${bootstrap.generatedKeys.live}`, `  test key: ${bootstrap.generatedKeys.test}`);
  }
  if (!bootstrap.created && bootstrap.adminWithoutPassword) {
    lines.push(`The admin ${adminEmail} has not set a password yet. Get a one-time sign-in link with:`, `  ${signInLinkCommand(adminEmail)}`);
  }
  if (lines.length === 0) return '';
  lines.push('', `Web UI: ${baseUrl}/ui/`);
  return `\n${lines.map((line) => (line ? `  ${line}` : line)).join('\n')}\n\n`;
}
