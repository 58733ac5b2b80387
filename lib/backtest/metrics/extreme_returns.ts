/**
 * Bars whose net return is too large to be a real move (a redenomination left unadjusted, a bad
 * print, a leverage mistake), each with the asset that made it.
 *
 * @module
 */
import type { BacktestResult } from "../types.ts";

/** Defaults of {@link extremeReturns}, stated once. */
export const EXTREME_RETURN_DEFAULTS = {
  /** A net bar return above this (+1000%: equity x11 in one bar) is flagged. */
  threshold: 10,
} as const;

/** One flagged bar. */
export interface ExtremeBar {
  readonly bar: number;
  /** Its open time (UTC ms, or the bar number without an index). */
  readonly ts: number;
  /** The bar's net return. */
  readonly net: number;
  /**
   * The asset with the largest `held weight x its return` on the bar, or null when no close
   * columns were given (or no asset moved).
   */
  readonly asset: string | null;
  /** That asset's held weight over the bar (NaN without closes). */
  readonly weight: number;
  /** That asset's simple return from its last close (NaN without closes). */
  readonly assetReturn: number;
}

/**
 * The bars of a backtest whose net return exceeds `threshold` (default +1000%, equity x11 in
 * one bar: no real bar of a liquid portfolio does that), in bar order. With the close columns
 * of `result.assets` (a Panel's `close`), each names the asset contributing most,
 * `weights[a][t] x (close[a][t] / last close before t - 1)`. Cost: O(T), plus O(T x assets)
 * over the flagged bars only.
 *
 * @example A 1:1000 redenomination held at 10% is +9,990% in one bar
 * ```ts
 * import { backtestWeights } from "@lib/backtest/backtest_weights.ts";
 * import { extremeReturns } from "@lib/backtest/metrics/extreme_returns.ts";
 * import assert from "node:assert/strict";
 * const close = [new Float64Array([1, 1, 1000, 1000])];
 * const r = backtestWeights({ close, assets: ["COCOS"] }, [new Float64Array(4).fill(0.1)]);
 * const [x] = extremeReturns(r, { close });
 * assert.equal(x!.bar, 2);
 * assert.equal(x!.asset, "COCOS");
 * assert.ok(Math.abs(x!.net - 99.9) < 1e-9);
 * ```
 */
export function extremeReturns(
  result: BacktestResult,
  options: {
    readonly close?: readonly ArrayLike<number>[] | undefined;
    readonly threshold?: number | undefined;
  } = {},
): ExtremeBar[] {
  const threshold = options.threshold ?? EXTREME_RETURN_DEFAULTS.threshold;
  const { net, index, weights, assets } = result;
  const close = options.close;
  const out: ExtremeBar[] = [];
  for (let t = 0; t < net.length; t++) {
    if (!(net[t]! > threshold)) continue;
    let asset: string | null = null, weight = NaN, assetReturn = NaN, best = -Infinity;
    if (close !== undefined) {
      for (let a = 0; a < weights.length; a++) {
        const c = close[a]!, now = c[t]!;
        let s = t - 1;
        while (s >= 0 && !Number.isFinite(c[s]!)) s--;
        if (s < 0 || !Number.isFinite(now)) continue;
        const r = now / c[s]! - 1, w = weights[a]![t]!;
        if (w * r > best && w * r > 0) {
          best = w * r;
          asset = assets[a] ?? String(a);
          weight = w;
          assetReturn = r;
        }
      }
    }
    out.push({ bar: t, ts: index[t]!, net: net[t]!, asset, weight, assetReturn });
  }
  return out;
}
