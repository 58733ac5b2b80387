import type { Series } from "./types.ts";
import { mean } from "./mean.ts";

/**
 * Sample standard deviation of the finite values of `x` with `ddof` delta degrees of freedom
 * (default 1, like pandas `Series.std()`; pass 0 for the population version like numpy's
 * default). Non-finite values are skipped. `NaN` when fewer than `ddof + 1` finite values.
 *
 * Two-pass (mean first, then squared deviations), which is accurate even when the mean is large
 * relative to the spread. Cost: O(n).
 *
 * @example Sample standard deviation
 * ```ts
 * import { std } from "@lib/stats/std.ts";
 * import assert from "node:assert/strict";
 * assert.equal(std([2, 4, 4, 4, 5, 5, 7, 9], 0), 2);
 * assert.ok(Math.abs(std([1, 2, NaN, 3]) - 1) < 1e-15);
 * ```
 */
export function std(x: Series, ddof = 1): number {
  if (!(ddof >= 0)) {
    throw new RangeError(`Cannot compute std: ddof must be >= 0, got ${ddof}`);
  }
  const m = mean(x);
  if (Number.isNaN(m)) return NaN;
  let ss = 0, n = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (Number.isFinite(v)) {
      const d = v - m;
      ss += d * d;
      n++;
    }
  }
  return n - ddof > 0 ? Math.sqrt(ss / (n - ddof)) : NaN;
}
