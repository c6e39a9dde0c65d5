/**
 * When to try a callback again (contract 8.4): after attempt N fails, wait schedule[N-1] seconds
 * with ±10 % jitter; once every retry is used, give up (null).
 */
export function nextRetryAt(attemptsMade: number, scheduleSeconds: readonly number[], now: number, random: () => number = Math.random): number | null {
  if (attemptsMade < 1 || attemptsMade > scheduleSeconds.length) return null;
  const delayMs = scheduleSeconds[attemptsMade - 1] * 1000;
  return now + Math.round(delayMs * (0.9 + 0.2 * random()));
}
