/**
 * The causal rolling mean the spread estimators share (internal).
 *
 * @module
 */
import { rollingStat } from "../../stats/rolling_stat.ts";

/**
 * `out[t]` = mean of the finite `values[j]` for `j` in `[t - window, t - 1]` (rows before `t`
 * only), NaN when fewer than `minPeriods` are finite: lib/stats `rollingStat(values, window,
 * minPeriods, "mean")` shifted one row (its Kahan-compensated running sum, so a long run of
 * adds and drops does not drift, and a window of one repeated value gives that value exactly).
 * Infinite values count as missing. O(n).
 */
export function causalMean(
  values: ArrayLike<number>,
  window: number,
  minPeriods: number,
): Float64Array {
  const n = values.length;
  const out = new Float64Array(n);
  if (n === 0) return out;
  const x = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    const v = values[t]!;
    x[t] = Number.isFinite(v) ? v : NaN;
  }
  out[0] = NaN;
  out.set(rollingStat(x, window, minPeriods, "mean").subarray(0, n - 1), 1);
  return out;
}
