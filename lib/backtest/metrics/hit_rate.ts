/**
 * Hit rate of per-bar returns.
 *
 * @module
 */

/**
 * Share of winning bars among the bars that moved: `count(r > 0) / count(r != 0)` over finite
 * returns (quantstats `win_rate`). Bars with a return of exactly 0 (flat, nothing held) are
 * left out, so a strategy that is in the market a tenth of the time is judged on that tenth.
 * NaN when no bar moved. Cost: O(n).
 *
 * @example Two wins, one loss, one flat bar
 * ```ts
 * import { hitRate } from "@lib/backtest/metrics/hit_rate.ts";
 * import assert from "node:assert/strict";
 * assert.equal(hitRate([0.01, 0, -0.02, 0.03]), 2 / 3);
 * ```
 */
export function hitRate(returns: ArrayLike<number>): number {
  let wins = 0, moved = 0;
  for (let i = 0; i < returns.length; i++) {
    const r = returns[i]!;
    if (!Number.isFinite(r) || r === 0) continue;
    moved++;
    if (r > 0) wins++;
  }
  return moved > 0 ? wins / moved : NaN;
}
