/**
 * Sample skewness, bias-corrected (pandas `Series.skew()`).
 *
 * @module
 */

/**
 * Skewness of the finite values of `x`, the adjusted Fisher-Pearson estimator G1 (Joanes and
 * Gill, "Comparing measures of sample skewness and kurtosis", The Statistician 47, 1998):
 * `G1 = sqrt(n (n - 1)) / (n - 2) * m3 / m2^1.5` with central moments `m_k = sum(d^k) / n`;
 * the same number as pandas `Series.skew()` and scipy `skew(x, bias=False)`. Negative: the
 * left tail (losses) is longer. NaN with fewer than 3 values or zero variance. Cost: O(n).
 *
 * @example A right-skewed sample
 * ```ts
 * import { skewness } from "@lib/backtest/metrics/skewness.ts";
 * import assert from "node:assert/strict";
 * assert.ok(skewness([1, 2, 3, 10]) > 0);
 * assert.ok(Math.abs(skewness([1, 2, 3])) < 1e-15);
 * ```
 */
export function skewness(x: ArrayLike<number>): number {
  let n = 0, s = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (Number.isFinite(v)) {
      s += v;
      n++;
    }
  }
  if (n < 3) return NaN;
  const m = s / n;
  let m2 = 0, m3 = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (Number.isFinite(v)) {
      const d = v - m;
      m2 += d * d;
      m3 += d * d * d;
    }
  }
  m2 /= n;
  m3 /= n;
  if (!(m2 > 0)) return NaN;
  return (Math.sqrt(n * (n - 1)) / (n - 2)) * (m3 / Math.pow(m2, 1.5));
}
