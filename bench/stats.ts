/** The nearest-rank `p`th percentile (0-100) of ascending `sorted` values; NaN when there are none. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** The values in ascending order, as a new list. */
export function ascending(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}
