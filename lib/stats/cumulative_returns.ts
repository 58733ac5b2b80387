import type { Series } from "./types.ts";

/**
 * Simple cumulative return series of per-period log returns: `out[i] = exp(sum r[0..i]) - 1`.
 *
 * NaN (any non-finite value) in the input means "no return recorded at this position": the
 * output is `NaN` there too, so a chart shows the hole, and it adds nothing to the sum, so the
 * level carries forward to the next recorded return. Whether the price move across a gap is
 * counted is decided by the input: with strict one-period returns (`logReturns` in
 * `lib/panel`, NaN on both sides of a missing close) that move is lost; with gap-spanning
 * returns (`spanningLogReturns` in `lib/panel`) the first bar after the gap carries it and the
 * last value is exactly `last close / first close - 1`. Use spanning returns for equity. This
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
