import type { Config } from '../config.ts';
import type { AccountService } from './account.service.ts';

export interface BootstrapResult {
  created: boolean;
  /** Set only when the keys were generated here, so they can be shown once. */
  generatedKeys?: { live: string; test: string };
}

/** On first start with an empty database, creates the first account with the configured (or generated) keys. */
export async function bootstrapFirstAccount(config: Config, accounts: AccountService): Promise<BootstrapResult> {
  if (await accounts.hasAnyAccount()) return { created: false };
  const { liveKey, testKey } = await accounts.createAccount({
    name: 'default',
    adminEmail: config.adminEmail,
    liveKey: config.bootstrapApiKey,
    testKey: config.bootstrapTestApiKey,
  });
  const generated = !config.bootstrapApiKey || !config.bootstrapTestApiKey;
  return { created: true, generatedKeys: generated ? { live: liveKey, test: testKey } : undefined };
}
