/** Row types of the password-reset requests migration. Times are epoch milliseconds. */
export interface PasswordResetRequestsTable {
  id: string;
  /** sha256 of the normalised (trimmed, lower-case) email asked about. */
  email_hash: string;
  /** The client address the request came from (Fastify's request.ip). */
  client_address: string;
  created_at: number;
}

export interface PasswordResetRequestTables {
  password_reset_requests: PasswordResetRequestsTable;
}
