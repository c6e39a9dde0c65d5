import type { AccountRepository, AccountRow, ApiKeyRow, KeyLookup } from '../repositories/account.repository.ts';
import type { UserRepository } from '../repositories/user.repository.ts';
import { InvalidRequest, NotFound } from '../domain/errors.ts';
import { newId, newSecret, sha256 } from '../domain/ids.ts';

export type Environment = 'live' | 'test';

/** Who is calling: the account, the environment the presented key selects, and the key's id. */
export interface Caller {
  account: AccountRow;
  environment: Environment;
  keyId: string;
}

export interface IssuedKey {
  key: string;
  record: ApiKeyRow;
}

const TEST_SUFFIX = '|test';
const RECENT_KEYS_LIMIT = 10_000;

/**
 * The mode a presented key selects (contract 1.3). An explicit `|test` suffix wins, since someone
 * who appends it to any key asks for test mode; then the prefix; then what was recorded at issue.
 */
export function environmentOf(presented: string, recorded: Environment): Environment {
  if (presented.endsWith(TEST_SUFFIX)) return 'test';
  if (presented.startsWith('live_')) return 'live';
  if (presented.startsWith('test_')) return 'test';
  return recorded;
}

/** Accounts and API keys: bootstrap, issue, authenticate, revoke. */
export class AccountService {
  /**
   * Keys that authenticated in the last `keyCacheMs`, by the presented key: a hash and a database
   * read cost more than the rest of a simple read request. Revoking through this service drops the
   * key at once; a revocation made by another process (the CLI, another server on the same
   * PostgreSQL) takes effect here within `keyCacheMs` (README, TAGWRIGHT_KEY_CACHE_MS). Unknown
   * keys are never cached, so a new key works at once.
   */
  private readonly recent = new Map<string, { caller: Caller; expiresAt: number }>();

  constructor(
    private readonly accounts: AccountRepository,
    private readonly users: UserRepository,
    private readonly keyCacheMs = 0,
  ) {}

  /** The caller of a key that authenticated within the cache period, without touching the database. */
  recentCaller(presented: string): Caller | undefined {
    const entry = this.recent.get(presented);
    if (!entry) return undefined;
    if (entry.expiresAt > Date.now()) return entry.caller;
    this.recent.delete(presented);
    return undefined;
  }

  /** Resolves a presented API key to its caller, or undefined when it is unknown or revoked. */
  async authenticate(presented: string): Promise<Caller | undefined> {
    const cached = this.recentCaller(presented);
    if (cached) return cached;
    let found: KeyLookup | undefined = await this.accounts.findActiveKey(sha256(presented));
    if (!found && presented.endsWith(TEST_SUFFIX)) {
      found = await this.accounts.findActiveKey(sha256(presented.slice(0, -TEST_SUFFIX.length)));
    }
    if (!found) return undefined;
    const caller: Caller = { account: found.account, environment: environmentOf(presented, found.key.environment), keyId: found.key.id };
    if (this.keyCacheMs > 0) {
      // Bounded: past the limit the oldest entry goes (Map keeps insertion order).
      if (this.recent.size >= RECENT_KEYS_LIMIT) this.recent.delete(this.recent.keys().next().value!);
      this.recent.set(presented, { caller, expiresAt: Date.now() + this.keyCacheMs });
    }
    return caller;
  }

  /** Creates an account with an admin teammate and one live and one test key (given or generated). */
  async createAccount(input: { name: string; adminEmail: string; liveKey?: string; testKey?: string }): Promise<{ account: AccountRow; liveKey: string; testKey: string }> {
    const now = Date.now();
    const account: AccountRow = {
      id: newId(now),
      name: input.name,
      callback_auth_key_live: newSecret(),
      callback_auth_key_test: newSecret(),
      default_callback_url: null,
      created_at: now,
    };
    await this.accounts.insertAccount(account);
    // Emails are stored in lower case (see team.service.ts normalizeEmail).
    await this.users.insertTeammate({ accountId: account.id, email: input.adminEmail.trim().toLowerCase(), role: 'admin' });
    const liveKey = (await this.issueKey(account.id, 'live', 'bootstrap', input.liveKey)).key;
    const testKey = (await this.issueKey(account.id, 'test', 'bootstrap', input.testKey)).key;
    return { account, liveKey, testKey };
  }

  /** Issues a key; a given key must be usable on the wire (no colon, at least 16 characters). */
  async issueKey(accountId: string, environment: Environment, label?: string, given?: string): Promise<IssuedKey> {
    const key = given ?? newSecret(`${environment}_`);
    if (key.includes(':') || key.length < 16 || /\s/.test(key)) {
      throw new InvalidRequest('An API key must be at least 16 characters with no colon or white space.');
    }
    const now = Date.now();
    const record: ApiKeyRow = {
      id: newId(now),
      account_id: accountId,
      key_hash: sha256(key),
      key_hint: key.slice(0, 9),
      environment,
      label: label ?? null,
      created_at: now,
      revoked_at: null,
    };
    await this.accounts.insertKey(record);
    return { key, record };
  }

  listKeys(accountId: string): Promise<ApiKeyRow[]> {
    return this.accounts.listKeys(accountId);
  }

  async revokeKey(accountId: string, keyId: string): Promise<void> {
    if (!(await this.accounts.revokeKey(accountId, keyId, Date.now()))) throw new NotFound(`No active API key with id ${keyId}.`);
    for (const [presented, entry] of this.recent) if (entry.caller.keyId === keyId) this.recent.delete(presented);
  }

  async hasAnyAccount(): Promise<boolean> {
    return (await this.accounts.count()) > 0;
  }

  listAccounts(): Promise<AccountRow[]> {
    return this.accounts.listAccounts();
  }

  async getAccount(id: string): Promise<AccountRow> {
    const account = await this.accounts.findAccount(id);
    if (!account) throw new NotFound(`No account with id ${id}.`);
    return account;
  }
}
