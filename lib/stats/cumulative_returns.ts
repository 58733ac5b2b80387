import type { Series } from "./types.ts";

/**
 * Simple cumulative return series of per-period log returns: `out[i] = exp(sum r[0..i]) - 1`.
 *
 * A non-finite return (a gap) stays `NaN` at its position, so a chart shows the hole, and
 * contributes nothing to the sum: the level carries forward to the next observed period. This
 * is pandas `np.expm1(s.cumsum())` with its default `skipna=True`. Cost: O(n).
 *
 * @example A gap keeps its place
 * ```ts
 * import { cumulativeReturns } from "@lib/stats/cumulative_returns.ts";
 * import assert from "node:assert/strict";
 * const c = cumulativeReturns([Math.log(2), NaN, Math.log(1.5)]);
 * assert.ok(Math.abs(c[0]! - 1) < 1e-15);
 * assert.ok(Number.isNaN(c[1]!));
 * assert.ok(Math.abs(c[2]! - 2) < 1e-15);
 * ```
 */
export function cumulativeReturns(logReturns: Series): Float64Array {
  const n = logReturns.length;
  const out = new Float64Array(n);
  let level = 0;
  for (let i = 0; i < n; i++) {
    const r = logReturns[i]!;
    if (Number.isFinite(r)) {
      level += r;
      out[i] = Math.expm1(level);
    } else {
      out[i] = NaN;
    }
  }
  return out;
}
