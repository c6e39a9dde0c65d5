/** A per-key request allowance: `take` answers 0 to let a request through, else the seconds to wait. */
export interface ApiRateLimit {
  readonly perMinute: number;
  /** A number when decided at once (the common case), a promise when the decision needs the database. */
  take(key: string): number | Promise<number>;
  /** Hands in what a shared limit has not reported yet (the app is closing). */
  close?(): Promise<void>;
}

/** Seconds until one request is earned back (1 to 30, contract 10.3), with `tokens` left now. */
export function retryAfterSeconds(tokens: number, tokensPerMs: number): number {
  const waitMs = (1 - tokens) / tokensPerMs;
  return Math.min(30, Math.max(1, Math.ceil(waitMs / 1000)));
}

/**
 * Per-key token buckets: a key may spend its whole per-minute allowance in a burst and earns it
 * back evenly over the minute. One Map lookup and a little arithmetic per request, counted per
 * process: the limiter of the embedded SQLite install; on PostgreSQL, SharedRateLimiter counts
 * across every process. Keys are authenticated key ids, so the map holds at most one bucket per key.
 */
export class RateLimiter implements ApiRateLimit {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly tokensPerMs: number;

  constructor(
    /** Requests per key per minute; 0 turns the limit off. */
    readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokensPerMs = perMinute / 60_000;
  }

  /** Spends one request of the key's allowance: 0 when allowed, else the seconds to wait (1 to 30, contract 10.3). */
  take(key: string): number {
    if (this.perMinute === 0) return 0;
    const now = this.now();
    const bucket = this.buckets.get(key);
    if (!bucket) {
      this.buckets.set(key, { tokens: this.perMinute - 1, at: now });
      return 0;
    }
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + (now - bucket.at) * this.tokensPerMs);
    bucket.at = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return retryAfterSeconds(bucket.tokens, this.tokensPerMs);
  }
}
