import type { Series } from "./types.ts";

/**
 * Arithmetic mean of the finite values of `x`; `NaN` and `±Infinity` are skipped (missing bars).
 * Returns `NaN` when no finite value is present. Matches pandas `Series.mean()` (skipna=True).
 *
 * Two passes: the first sums, the second adds the mean of the residuals, which removes most of
 * the rounding error of a long plain sum (the correction numpy's `mean` lacks). Cost: O(n).
 *
 * @example Mean skipping a missing value
 * ```ts
 * import { mean } from "@lib/stats/mean.ts";
 * import assert from "node:assert/strict";
 * assert.equal(mean([1, NaN, 2, 3]), 2);
 * assert.ok(Number.isNaN(mean([NaN])));
 * ```
 */
export function mean(x: Series): number {
  let s = 0, n = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (Number.isFinite(v)) {
      s += v;
      n++;
    }
  }
  if (n === 0) return NaN;
  const m = s / n;
  let r = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (Number.isFinite(v)) r += v - m;
  }
  return m + r / n;
}
