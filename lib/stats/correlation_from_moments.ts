/**
 * The last step of every Pearson-type correlation in the library.
 *
 * @module
 */

/**
 * Pearson correlation from the centred sums of a sample: `sxy / sqrt(sxx syy)`, clipped to
 * [-1, 1] (rounding can push a perfect correlation a few ulps past 1), and `NaN` when either
 * side has no spread (`sxx syy` is 0 or not finite), as pandas and scipy return NaN for a
 * constant input.
 *
 * Why one function: Pearson's r, Spearman's rho (Pearson on ranks), the information
 * coefficient and the rank autocorrelation all end with these three lines; keeping one copy
 * keeps their edge cases (constant side, |r| > 1 by rounding) identical. O(1).
 *
 * @param sxx sum of squared deviations of x from its mean
 * @param syy sum of squared deviations of y from its mean
 * @param sxy sum of products of the deviations
 *
 * @example
 * ```ts
 * import { correlationFromMoments } from "@lib/stats/correlation_from_moments.ts";
 * import assert from "node:assert/strict";
 * assert.equal(correlationFromMoments(2, 8, 4), 1); // y = 2 x
 * assert.equal(correlationFromMoments(2, 8, -2), -0.5);
 * assert.ok(Number.isNaN(correlationFromMoments(0, 8, 0))); // x constant
 * ```
 */
export function correlationFromMoments(sxx: number, syy: number, sxy: number): number {
  const d = Math.sqrt(sxx * syy);
  if (!(d > 0)) return NaN;
  const r = sxy / d;
  return r > 1 ? 1 : r < -1 ? -1 : r;
}
