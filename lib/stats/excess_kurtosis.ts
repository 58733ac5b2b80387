import type { Series } from "./types.ts";
import { mean } from "./mean.ts";

/**
 * Excess kurtosis of the finite values of `x`, bias-corrected (the sample estimator G2 of
 * Joanes and Gill, "Comparing measures of sample skewness and kurtosis", The Statistician 47,
 * 1998), the same number as pandas `Series.kurt()`. A normal sample gives about 0; fat-tailed
 * returns give more (kurtosis = excess + 3). `NaN` with fewer than 4 values or zero variance.
 * Cost: O(n).
 *
 * @example A symmetric four-point sample
 * ```ts
 * import { excessKurtosis } from "@lib/stats/excess_kurtosis.ts";
 * import assert from "node:assert/strict";
 * assert.ok(Math.abs(excessKurtosis([1, 2, 3, 4]) - -1.2) < 1e-12);
 * ```
 */
export function excessKurtosis(x: Series): number {
  const m = mean(x);
  let n = 0, m2 = 0, m4 = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (Number.isFinite(v)) {
      const d = (v - m) * (v - m);
      m2 += d;
      m4 += d * d;
      n++;
    }
  }
  if (n < 4 || !(m2 > 0)) return NaN;
  const adj = (3 * (n - 1) * (n - 1)) / ((n - 2) * (n - 3));
  return (n * (n + 1) * (n - 1) * m4) / ((n - 2) * (n - 3) * m2 * m2) - adj;
}
