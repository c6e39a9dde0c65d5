import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { DialectHelpers } from '../db/dialect.ts';
import { CompiledStatement, prepareQuery } from '../db/compiled-statement.ts';
import type { AccountsTable, ApiKeysTable, UsersTable } from '../db/tables/accounts.ts';

export type AccountRow = Selectable<AccountsTable>;
export type ApiKeyRow = Selectable<ApiKeysTable>;
export type UserRow = Selectable<UsersTable>;

export interface KeyLookup {
  key: ApiKeyRow;
  account: AccountRow;
}

/** An account by id, compiled once per dialect: completing a task reads it (default callback URL) in the completion's transaction. */
const FIND_ACCOUNT = new CompiledStatement<AccountRow>(1, (db: Kysely<Database>, id) => db.selectFrom('accounts').selectAll().where('id', '=', id));

/**
 * Accounts, their API keys and their users. The only code that builds SQL for these tables. To use
 * it inside a transaction, construct one on the transaction: `new AccountRepository(trx, dialect)`.
 */
export class AccountRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: DialectHelpers,
  ) {}

  async count(): Promise<number> {
    const row = await this.db.selectFrom('accounts').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async insertAccount(account: AccountRow): Promise<void> {
    await this.db.insertInto('accounts').values(account).execute();
  }

  async findAccount(id: string): Promise<AccountRow | undefined> {
    const { rows } = await FIND_ACCOUNT.execute(this.db, this.dialect.name, [id]);
    return rows[0];
  }

  listAccounts(): Promise<AccountRow[]> {
    return this.db.selectFrom('accounts').selectAll().orderBy('created_at').orderBy('id').execute();
  }

  async insertKey(key: ApiKeyRow): Promise<void> {
    await this.db.insertInto('api_keys').values(key).execute();
  }

  /** The active key with this hash and its account, in one round trip (built once: it runs on every API request). */
  private readonly activeKeyQuery = prepareQuery(() => this.db, 1, (keyHash) =>
    this.db
      .selectFrom('api_keys as k')
      .innerJoin('accounts as a', 'a.id', 'k.account_id')
      .select([
        'k.id as key_id', 'k.account_id', 'k.key_hash', 'k.key_hint', 'k.environment', 'k.label',
        'k.created_at as key_created_at', 'k.revoked_at',
        'a.name', 'a.callback_auth_key_live', 'a.callback_auth_key_test', 'a.default_callback_url', 'a.created_at',
      ])
      .where('k.key_hash', '=', keyHash)
      .where('k.revoked_at', 'is', null),
  );

  async findActiveKey(keyHash: string): Promise<KeyLookup | undefined> {
    const [row] = await this.activeKeyQuery(keyHash);
    if (!row) return undefined;
    return {
      key: {
        id: row.key_id, account_id: row.account_id, key_hash: row.key_hash, key_hint: row.key_hint,
        environment: row.environment, label: row.label, created_at: row.key_created_at, revoked_at: row.revoked_at,
      },
      account: {
        id: row.account_id, name: row.name, callback_auth_key_live: row.callback_auth_key_live,
        callback_auth_key_test: row.callback_auth_key_test, default_callback_url: row.default_callback_url, created_at: row.created_at,
      },
    };
  }

  listKeys(accountId: string): Promise<ApiKeyRow[]> {
    return this.db.selectFrom('api_keys').selectAll().where('account_id', '=', accountId).orderBy('created_at').orderBy('id').execute();
  }

  /** Marks a key revoked; returns false when no active key has that id in that account. */
  async revokeKey(accountId: string, keyId: string, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('api_keys')
      .set({ revoked_at: now })
      .where('account_id', '=', accountId)
      .where('id', '=', keyId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }
}
