/** Row types of the accounts migration. Times are epoch milliseconds. */
export interface AccountsTable {
  id: string;
  name: string;
  callback_auth_key_live: string;
  callback_auth_key_test: string;
  default_callback_url: string | null;
  created_at: number;
}

export interface ApiKeysTable {
  id: string;
  account_id: string;
  /** sha256 of the key; the key itself is shown once and never stored. */
  key_hash: string;
  /** The first characters of the key, to tell keys apart in listings. */
  key_hint: string;
  environment: 'live' | 'test';
  label: string | null;
  created_at: number;
  revoked_at: number | null;
}

export interface UsersTable {
  id: string;
  account_id: string;
  email: string;
  role: 'labeler' | 'member' | 'manager' | 'admin';
  first_name: string | null;
  last_name: string | null;
  company: string | null;
  password_hash: string | null;
  invite_token_hash: string | null;
  invite_expires_at: number | null;
  failed_logins: number;
  locked_until: number | null;
  created_at: number;
}

export interface AccountTables {
  accounts: AccountsTable;
  api_keys: ApiKeysTable;
  users: UsersTable;
}
