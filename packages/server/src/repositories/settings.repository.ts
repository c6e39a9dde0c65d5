import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

/** Server-wide settings shared by every process. The only code that builds SQL for the settings table. */
export class SettingsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async get(key: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
    return row?.value;
  }

  /**
   * Returns the stored value of `key`, storing `candidate` first when there is none. Concurrent
   * callers in several processes all get the same (first-written) value.
   */
  async getOrInsert(key: string, candidate: string, now = Date.now()): Promise<string> {
    await this.db
      .insertInto('settings')
      .values({ key, value: candidate, created_at: now })
      .onConflict((conflict) => conflict.column('key').doNothing())
      .execute();
    const value = await this.get(key);
    if (value === undefined) throw new Error(`setting ${key} vanished right after it was written`);
    return value;
  }
}
