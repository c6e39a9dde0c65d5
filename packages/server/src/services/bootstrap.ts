import type { Config } from '../config.ts';
import type { AccountService } from './account.service.ts';
import { normalizeEmail, type Invitation, type TeamService } from './team.service.ts';

export interface BootstrapResult {
  created: boolean;
  /** Set only when the keys were generated here, so they can be shown once. */
  generatedKeys?: { live: string; test: string };
  /** The first admin's one-time link to set a password, issued when the account was created here (shown once). */
  adminInvitation?: Invitation;
  /** True when the configured admin exists but has never set a password (a later start prints how to get a link). */
  adminWithoutPassword?: boolean;
}

/**
 * On first start with an empty database, creates the first account with the configured (or
 * generated) keys and a one-time sign-in link for its admin, so the web UI can be entered at once.
 */
export async function bootstrapFirstAccount(config: Config, accounts: AccountService, teams: TeamService): Promise<BootstrapResult> {
  if (await accounts.hasAnyAccount()) {
    const admin = (await teams.findByEmail(normalizeEmail(config.adminEmail)));
    return { created: false, adminWithoutPassword: admin !== undefined && !admin.password_hash };
  }
  const { liveKey, testKey } = await accounts.createAccount({
    name: 'default',
    adminEmail: config.adminEmail,
    liveKey: config.bootstrapApiKey,
    testKey: config.bootstrapTestApiKey,
  });
  const adminInvitation = await teams.issueSignInLink(config.adminEmail);
  const generated = !config.bootstrapApiKey || !config.bootstrapTestApiKey;
  return { created: true, generatedKeys: generated ? { live: liveKey, test: testKey } : undefined, adminInvitation };
}
