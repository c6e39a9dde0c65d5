import type { RateLimitRepository } from '../repositories/rate-limit.repository.ts';
import { retryAfterSeconds, type ApiRateLimit } from './rate-limit.ts';

/** How often a process reports its spending and reads the shared bucket while a key has plenty left. */
const SYNC_MS = 1000;

interface KeyState {
  /** Tokens in the shared bucket as last read, at knownAt (after this process's reported spending). */
  known: number;
  knownAt: number;
  /** Let through here and not yet reported. */
  unsent: number;
  /** Let through here and being reported by the sync in flight. */
  sending: number;
  /** The report in flight, if any; resolves once its answer is applied. */
  syncing: Promise<void> | undefined;
  lastSyncAt: number;
  /** False until this process has read the shared bucket once. */
  synced: boolean;
}

/**
 * The per-key token bucket of `RateLimiter`, shared by every process on one PostgreSQL database
 * (docs/deployment.md): the bucket is a row, and each process spends from its own estimate of it.
 *
 * While a key has plenty left, a request is decided in memory, with no promise or query (the hot
 * path stays as cheap as the one-process limiter), and the spending is reported in the background
 * about once a second. A key this process has not seen yet, or one close to its limit, takes its
 * token in the database (one atomic update), so the last requests of an allowance are decided
 * across all processes; a key this process already sees as spent is refused in memory. The
 * processes together can overshoot only by what the others let through within one report
 * interval while this one still saw more than the low-water mark (5 % of the limit, at least 10).
 */
export class SharedRateLimiter implements ApiRateLimit {
  private readonly keys = new Map<string, KeyState>();
  private readonly tokensPerMs: number;
  /** Below this many tokens left, a decision waits for a fresh read of the shared bucket. */
  private readonly lowWater: number;
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(
    /** Requests per key per minute; 0 turns the limit off. */
    readonly perMinute: number,
    private readonly buckets: RateLimitRepository,
    private readonly onError: (error: unknown) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.tokensPerMs = perMinute / 60_000;
    this.lowWater = Math.max(10, Math.ceil(perMinute * 0.05));
    if (perMinute > 0) {
      // Spending of keys that went quiet still reaches the other processes.
      this.timer = setInterval(() => this.flushQuiet(), SYNC_MS);
      this.timer.unref();
    }
  }

  take(key: string): number | Promise<number> {
    if (this.perMinute === 0) return 0;
    const state = this.keys.get(key);
    if (state && state.synced) {
      const now = this.now();
      const left = this.estimate(state, now);
      if (left >= this.lowWater) {
        state.unsent += 1;
        if (!state.syncing && now - state.lastSyncAt >= SYNC_MS) void this.sync(key, state, 0);
        return 0;
      }
      // Other processes only ever spend, so what this process sees is an upper bound: below one, refuse.
      if (left < 1) return retryAfterSeconds(left, this.tokensPerMs);
    }
    return this.takeInDatabase(key);
  }

  /** Reports every key's unreported spending now, and resolves once the database has it. */
  async flush(): Promise<void> {
    await Promise.all(
      [...this.keys].map(async ([key, state]) => {
        while (state.syncing) await state.syncing;
        if (state.unsent !== 0) await this.sync(key, state, 0);
      }),
    );
  }

  /** Stops the background reporting and hands in what is unreported (the app is closing). */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
  }

  /**
   * Near the limit, or for a key new to this process: takes the request's token in the database
   * itself (with whatever this process let through unreported), so the last requests of an
   * allowance are decided by one atomic update across all processes.
   */
  private async takeInDatabase(key: string): Promise<number> {
    let state = this.keys.get(key);
    if (!state) {
      state = { known: this.perMinute, knownAt: this.now(), unsent: 0, sending: 0, syncing: undefined, lastSyncAt: 0, synced: false };
      this.keys.set(key, state);
    }
    // One report at a time per key keeps the counts simple; requests arriving meanwhile queue behind it.
    while (state.syncing) await state.syncing;
    const taken = await this.sync(key, state, 1);
    if (taken === undefined) {
      // The database could not be reached: decide from what this process last knew.
      const left = this.estimate(state, this.now());
      if (left >= 1) {
        state.unsent += 1;
        return 0;
      }
      return retryAfterSeconds(left, this.tokensPerMs);
    }
    if (taken >= 0) return 0;
    // Refused: give the token back with the next report.
    state.unsent -= 1;
    return retryAfterSeconds(taken + 1, this.tokensPerMs);
  }

  /** Tokens left as this process sees them: the last read, refilled since, less what it let through after. */
  private estimate(state: KeyState, now: number): number {
    const refilled = Math.min(this.perMinute, state.known + Math.max(0, now - state.knownAt) * this.tokensPerMs);
    return refilled - state.unsent - state.sending;
  }

  /**
   * Reports what this process let through (plus `extra` taken now) and reads the bucket back.
   * Resolves with the tokens left after it, or undefined when the database could not be reached.
   */
  private sync(key: string, state: KeyState, extra: number): Promise<number | undefined> {
    const spent = state.unsent;
    state.unsent = 0;
    state.sending = spent;
    const now = this.now();
    state.lastSyncAt = now;
    const report = this.buckets.spend({ keyId: key, spent: spent + extra, now, capacity: this.perMinute, tokensPerMs: this.tokensPerMs }).then(
      (tokens) => {
        state.known = tokens;
        state.knownAt = now;
        state.sending = 0;
        state.synced = true;
        return tokens;
      },
      (error: unknown) => {
        // Kept for the next report; until then this process decides from what it last knew.
        state.sending = 0;
        state.unsent += spent;
        this.onError(error);
        return undefined;
      },
    );
    state.syncing = report.then(() => {
      state.syncing = undefined;
    });
    return report;
  }

  private flushQuiet(): void {
    const now = this.now();
    for (const [key, state] of this.keys) {
      if (state.unsent !== 0 && !state.syncing && now - state.lastSyncAt >= SYNC_MS) void this.sync(key, state, 0);
      // A key unused for a while starts over with a fresh read; its row keeps its history.
      else if (state.unsent === 0 && !state.syncing && now - state.lastSyncAt > 10 * 60_000) this.keys.delete(key);
    }
  }
}
