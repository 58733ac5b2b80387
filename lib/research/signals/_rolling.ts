/**
 * Argument checks shared by the signals (internal: not re-exported). The trailing-window sums,
 * means and standard deviations they use are `rollingStat` in lib/stats/rolling_stat.ts.
 *
 * @module
 */

/** Throw unless `lookback` is an integer >= `min`. */
export function checkLookback(lookback: number, min: number, what: string): void {
  if (!Number.isInteger(lookback) || lookback < min) {
    throw new RangeError(
      `Cannot compute ${what}: lookback must be an integer >= ${min} bars, got ${lookback}`,
    );
  }
}

/** Resolve and check `minObs` in [min, lookback] (default lookback). */
export function resolveMinObs(
  minObs: number | undefined,
  lookback: number,
  min: number,
  what: string,
): number {
  const m = minObs ?? lookback;
  if (!Number.isInteger(m) || m < min || m > lookback) {
    throw new RangeError(
      `Cannot compute ${what}: minObs must be an integer in [${min}, lookback=${lookback}], got ${m}`,
    );
  }
  return m;
}
