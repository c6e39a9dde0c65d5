/**
 * Retry policy: which failures are retried and how long to wait. Waits grow exponentially with
 * jitter; a `Retry-After` answer from the server wins when it asks for a reasonable wait.
 */

export interface RetryPolicy {
  /** Retries after the first attempt; 3 means up to 4 attempts, as the Python SDK does. */
  maxRetries: number;
  /** Wait before the first retry, before jitter. */
  initialDelayMs: number;
  /** Upper bound of the computed (not the server-requested) wait. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxRetries: 3, initialDelayMs: 500, maxDelayMs: 8_000 };

/** A server-requested wait above this is ignored in favour of the computed backoff. */
export const MAX_RETRY_AFTER_MS = 60_000;

/** 408, 429 and every 5xx are transient (contract 10.1); other statuses are final. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status <= 599);
}

/**
 * The wait the server asked for, in ms: `retry-after-ms`, then `Retry-After` as seconds or as an
 * HTTP date. Undefined when absent or unreadable.
 */
export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '' && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const value = headers.get('retry-after');
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/**
 * How long to wait before retry number `retryIndex` (0 for the first retry): the server's
 * `Retry-After` when given and at most a minute, else initial × 2^retryIndex capped at the
 * maximum, minus up to 25 % jitter so that many clients do not retry in lockstep.
 */
export function retryDelayMs(retryIndex: number, policy: RetryPolicy, serverRequestedMs?: number, random: () => number = Math.random): number {
  if (serverRequestedMs !== undefined && serverRequestedMs <= MAX_RETRY_AFTER_MS) return serverRequestedMs;
  const base = Math.min(policy.initialDelayMs * 2 ** retryIndex, policy.maxDelayMs);
  return Math.round(base * (1 - 0.25 * random()));
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 && !signal?.aborted) return Promise.resolve();
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
