/** Row type of the rate-limit migration. Times are epoch milliseconds. */
export interface RateLimitBucketsTable {
  /** The API key's id. */
  key_id: string;
  /** Requests left as of updated_at (may dip below 0 when processes overspend at once; it earns back). */
  tokens: number;
  updated_at: number;
}

export interface RateLimitTables {
  rate_limit_buckets: RateLimitBucketsTable;
}
