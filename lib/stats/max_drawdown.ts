import type { Series } from "./types.ts";

/** What {@link maxDrawdown} returns. Indices point into the log-return series. */
export interface MaxDrawdown {
  /** Largest peak-to-trough fall of the equity curve, a positive fraction (0.25 = -25%). */
  readonly maxDrawdown: number;
  /**
   * Index of the return after which the equity stood at the peak (the last time that level
   * was reached before the trough); -1 when the peak is the starting level before the first
   * return, or when there is no drawdown.
   */
  readonly peakIndex: number;
  /** Index of the return that reached the trough; -1 when there is no drawdown. */
  readonly troughIndex: number;
  /** First index after the trough where equity is back at the peak level; -1 if never. */
  readonly recoveryIndex: number;
}

/**
 * Maximum drawdown of the compounded equity curve `exp(cumsum(logReturns))`, which starts at 1
 * before the first return (as empyrical's `max_drawdown` does).
 *
 * NaN (any non-finite value) in the input means "no return recorded at this position": the
 * equity level is carried across it unchanged (so, by the tie rule below, the peak index may
 * land on such a position when the level is carried at the peak). Whether the price move across a gap is seen is decided by the input: pass gap-spanning
 * returns (`spanningLogReturns` in `lib/panel`), whose first bar after a gap carries the whole
 * move, so a fall that happened during a gap counts; strict one-period returns would drop it.
 * Ties: the peak is the latest index at the peak level, the trough the first index of the
 * largest drawdown. Compared in log space, so long series do not overflow. Cost: O(n).
 *
 * @example A 50% fall and recovery
 * ```ts
 * import { maxDrawdown } from "@lib/stats/max_drawdown.ts";
 * import assert from "node:assert/strict";
 * const d = maxDrawdown([0.1, -Math.log(2), NaN, Math.log(2) + 0.01, 0.2]);
 * assert.ok(Math.abs(d.maxDrawdown - 0.5) < 1e-15);
 * assert.deepEqual([d.peakIndex, d.troughIndex, d.recoveryIndex], [0, 1, 3]);
 * ```
 */
export function maxDrawdown(logReturns: Series): MaxDrawdown {
  const n = logReturns.length;
  let level = 0, peak = 0, peakIdx = -1;
  let best = 0, bestPeak = -1, bestTrough = -1, bestPeakLevel = 0, troughLevel = 0;
  for (let i = 0; i < n; i++) {
    const r = logReturns[i]!;
    if (Number.isFinite(r)) level += r;
    if (level >= peak) {
      peak = level;
      peakIdx = i;
    } else {
      const dd = -Math.expm1(level - peak);
      if (dd > best) {
        best = dd;
        bestPeak = peakIdx;
        bestTrough = i;
        bestPeakLevel = peak;
        troughLevel = level;
      }
    }
  }
  let recovery = -1;
  if (bestTrough >= 0) {
    level = troughLevel;
    for (let j = bestTrough + 1; j < n; j++) {
      const r = logReturns[j]!;
      if (Number.isFinite(r)) level += r;
      if (level >= bestPeakLevel) {
        recovery = j;
        break;
      }
    }
  }
  return {
    maxDrawdown: best,
    peakIndex: bestPeak,
    troughIndex: bestTrough,
    recoveryIndex: recovery,
  };
}
