import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

export interface BucketSpend {
  keyId: string;
  /** Requests let through since this process last reported (0 to only read). */
  spent: number;
  now: number;
  /** The bucket's size (requests per minute) and how fast it refills. */
  capacity: number;
  tokensPerMs: number;
}

/** The shared token buckets of the API-key rate limit. */
export class RateLimitRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Refills the key's bucket for the time since it was last touched (never above capacity, never
   * backwards when clocks differ between machines), takes off what was spent, and returns what is
   * left: one atomic upsert, so concurrent processes never lose each other's spending.
   */
  async spend({ keyId, spent, now, capacity, tokensPerMs }: BucketSpend): Promise<number> {
    const current = sql.ref('rate_limit_buckets.tokens');
    const touched = sql.ref('rate_limit_buckets.updated_at');
    const refilled = sql<number>`${current} + (cast(${now} as bigint) - ${touched}) * cast(${tokensPerMs} as double precision)`;
    const row = await this.db
      .insertInto('rate_limit_buckets')
      .values({ key_id: keyId, tokens: sql<number>`cast(${capacity - spent} as double precision)`, updated_at: now })
      .onConflict((conflict) =>
        conflict.column('key_id').doUpdateSet({
          tokens: sql<number>`(case when ${touched} >= cast(${now} as bigint) then ${current} when ${refilled} > cast(${capacity} as double precision) then cast(${capacity} as double precision) else ${refilled} end) - cast(${spent} as double precision)`,
          updated_at: sql<number>`case when ${touched} >= cast(${now} as bigint) then ${touched} else cast(${now} as bigint) end`,
        }),
      )
      .returning('tokens')
      .executeTakeFirstOrThrow();
    return Number(row.tokens);
  }
}
