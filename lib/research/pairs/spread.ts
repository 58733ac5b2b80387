/**
 * The rolling z-score of a pair's spread, causal by default.
 *
 * @module
 */
import type { Series } from "@lib/stats/types.ts";
import { rollingStat } from "@lib/stats/rolling_stat.ts";

/** Options of {@link spreadZScore}. */
export interface SpreadZScoreOptions {
  /** Bars in the rolling window (an integer >= 2). */
  readonly window: number;
  /**
   * `true` (default): the mean and standard deviation at t come from the `window` bars ending
   * at t-1, so the z-score at t could have been known at bar t's close without using bar t in
   * its own baseline. `false`: the window ends at t inclusive (pandas `rolling(window)`).
   */
  readonly causal?: boolean;
  /**
   * Minimum finite values in the window for a value; fewer gives NaN. An integer in
   * [2, window]; default `window` (pandas `min_periods` default).
   */
  readonly minObs?: number;
}

/** What {@link spreadZScore} returns; every array has the length of the spread. */
export interface SpreadZScore {
  /** `(spread[t] - mean[t]) / std[t]`; NaN where the spread or the window statistics are. */
  readonly zScore: Float64Array;
  /** Rolling mean of the window used at t (draw the bands as `mean +/- k std`). */
  readonly mean: Float64Array;
  /** Rolling sample standard deviation (ddof 1) of the window used at t. */
  readonly std: Float64Array;
}

/**
 * Rolling z-score of a spread: how many rolling standard deviations the spread sits from its
 * rolling mean, the usual entry/exit gauge of a pairs trade (feed it to `zScoreSignals`). By
 * default causal: the statistics at t use bars t-window..t-1, the same as pandas
 * `(s - s.rolling(w).mean().shift(1)) / s.rolling(w).std().shift(1)`; with `causal: false` the
 * window ends at t, as pandas without the shift. Non-finite spread values are missing: they are
 * skipped inside a window (which then needs `minObs` finite values) and give NaN at their bar.
 * A window whose values are all equal gives NaN (no scale), not Infinity.
 *
 * O(1) per step, O(n) in all: the trailing mean and std are `rollingStat` (lib/stats), pandas'
 * compensated rolling sums step for step.
 *
 * @example Causal z-score: bar t is not in its own baseline
 * ```ts
 * import { spreadZScore } from "@lib/research/pairs/spread.ts";
 * import assert from "node:assert/strict";
 * const s = [0, 1, 0, 1, 0, 1, 5];
 * const { zScore, mean, std } = spreadZScore(s, { window: 6 });
 * assert.ok(Number.isNaN(zScore[5]!)); // only 5 bars before bar 5
 * assert.equal(mean[6], 0.5); // bars 0..5
 * assert.ok(Math.abs(zScore[6]! - 4.5 / std[6]!) < 1e-12);
 * ```
 */
export function spreadZScore(spread: Series, options: SpreadZScoreOptions): SpreadZScore {
  const { window } = options;
  const causal = options.causal ?? true;
  const what = "a spread z-score";
  if (!Number.isInteger(window) || window < 2) {
    throw new RangeError(`Cannot compute ${what}: window must be an integer >= 2, got ${window}`);
  }
  const minObs = options.minObs ?? window;
  if (!Number.isInteger(minObs) || minObs < 2 || minObs > window) {
    throw new RangeError(
      `Cannot compute ${what}: minObs must be an integer in [2, window=${window}], got ${minObs}`,
    );
  }
  const n = spread.length;
  const zScore = new Float64Array(n).fill(NaN);
  const mean = new Float64Array(n).fill(NaN);
  const std = new Float64Array(n).fill(NaN);
  const lag = causal ? 1 : 0;
  // The window ending at e = t - lag: pandas' rolling mean and std (lib/stats rollingStat; a
  // window of one repeated value has std exactly 0, not a rounding residue).
  const x = spread instanceof Float64Array ? spread : Float64Array.from(spread);
  const mu = rollingStat(x, window, minObs, "mean");
  const sd = rollingStat(x, window, minObs, "std");
  for (let t = lag; t < n; t++) {
    const m = mu[t - lag]!, s = sd[t - lag]!;
    if (Number.isNaN(m)) continue;
    mean[t] = m;
    std[t] = s;
    const st = spread[t]!;
    if (Number.isFinite(st) && s > 0) zScore[t] = (st - m) / s;
  }
  return { zScore, mean, std };
}
