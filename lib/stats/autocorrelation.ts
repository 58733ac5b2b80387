import type { Series } from "./types.ts";
import { pearson } from "./pearson.ts";

/**
 * Lag-`lag` autocorrelation: the Pearson correlation of `x[t]` with `x[t - lag]` over the pairs
 * where both are finite, like pandas `Series.autocorr(lag)`. Applied to squared returns it
 * measures volatility clustering. Cost: O(n).
 *
 * @example Alternating series
 * ```ts
 * import { autocorrelation } from "@lib/stats/autocorrelation.ts";
 * import assert from "node:assert/strict";
 * assert.ok(Math.abs(autocorrelation([1, -1, 1, -1, 1], 1) + 1) < 1e-15);
 * ```
 */
export function autocorrelation(x: Series, lag = 1): number {
  if (!Number.isInteger(lag) || lag < 1) {
    throw new RangeError(`Cannot compute autocorrelation: lag must be an integer >= 1, got ${lag}`);
  }
  if (lag >= x.length) return NaN;
  return pearson(x.slice(lag), x.slice(0, x.length - lag));
}
