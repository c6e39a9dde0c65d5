import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { PasswordResetRequestsTable } from '../db/tables/password_reset_requests.ts';

/** Self-service password-reset requests, kept for rate limiting. The only code that builds SQL for that table. */
export class PasswordResetRequestRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: PasswordResetRequestsTable): Promise<void> {
    await this.db.insertInto('password_reset_requests').values(row).execute();
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('password_reset_requests').where('id', '=', id).execute();
  }

  /** How many requests since `since` named this email, and how many came from this address, in one round trip (both by index). */
  async countSince(input: { emailHash: string; clientAddress: string; since: number }): Promise<{ byEmail: number; byAddress: number }> {
    const row = await this.db
      .selectNoFrom((eb) => [
        eb
          .selectFrom('password_reset_requests')
          .select((inner) => inner.fn.countAll<number>().as('n'))
          .where('email_hash', '=', input.emailHash)
          .where('created_at', '>=', input.since)
          .as('by_email'),
        eb
          .selectFrom('password_reset_requests')
          .select((inner) => inner.fn.countAll<number>().as('n'))
          .where('client_address', '=', input.clientAddress)
          .where('created_at', '>=', input.since)
          .as('by_address'),
      ])
      .executeTakeFirstOrThrow();
    return { byEmail: Number(row.by_email), byAddress: Number(row.by_address) };
  }

  /** Deletes requests older than `before` (they no longer count towards any limit). Returns how many. */
  async deleteBefore(before: number): Promise<number> {
    const result = await this.db.deleteFrom('password_reset_requests').where('created_at', '<', before).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
