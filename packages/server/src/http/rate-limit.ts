/**
 * Per-key token buckets: a key may spend its whole per-minute allowance in a burst and earns it
 * back evenly over the minute. One Map lookup and a little arithmetic per request, counted per
 * process (README). Keys are authenticated key ids, so the map holds at most one bucket per key.
 */
export class RateLimiter {
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
    const waitMs = (1 - bucket.tokens) / this.tokensPerMs;
    return Math.min(30, Math.max(1, Math.ceil(waitMs / 1000)));
  }
}
