/**
 * The rolling z-score of a pair's spread, causal by default.
 *
 * @module
 */
import type { Series } from "@lib/stats/types.ts";

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
 * O(1) per step (Welford add/remove updates, re-anchored by an exact two-pass pass every
 * `window` steps so rounding never builds up past one window), O(n) in all. Reference:
 * B. P. Welford, "Note on a method for calculating corrected sums of squares and products",
 * Technometrics 4(3), 1962.
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
  // Welford state over the window [e - window + 1, e], with e = t - lag.
  let cnt = 0, mu = 0, m2 = 0;
  for (let e = 0; e < n; e++) {
    const v = spread[e]!;
    if (Number.isFinite(v)) {
      cnt++;
      const d = v - mu;
      mu += d / cnt;
      m2 += d * (v - mu);
    }
    const old = e - window;
    if (old >= 0) {
      const vo = spread[old]!;
      if (Number.isFinite(vo)) {
        cnt--;
        if (cnt === 0) {
          mu = 0;
          m2 = 0;
        } else {
          const d = vo - mu;
          mu -= d / cnt;
          m2 -= d * (vo - mu);
        }
      }
    }
    if (e % window === window - 1) {
      // Exact two-pass recomputation of the window ending at e.
      let c = 0, s = 0;
      for (let i = e - window + 1; i <= e; i++) {
        const w = spread[i]!;
        if (Number.isFinite(w)) {
          c++;
          s += w;
        }
      }
      const mm = c > 0 ? s / c : 0;
      let q = 0;
      for (let i = e - window + 1; i <= e; i++) {
        const w = spread[i]!;
        if (Number.isFinite(w)) q += (w - mm) * (w - mm);
      }
      cnt = c;
      mu = mm;
      m2 = q;
    }
    const t = e + lag;
    if (t >= n || cnt < minObs) continue;
    const sd = Math.sqrt(Math.max(m2, 0) / (cnt - 1));
    mean[t] = mu;
    std[t] = sd;
    const st = spread[t]!;
    // A window of equal values has no scale; rounding leaves m2 a few ulps above 0.
    if (Number.isFinite(st) && sd > 1e-14 * Math.max(1, Math.abs(mu))) {
      zScore[t] = (st - mu) / sd;
    }
  }
  return { zScore, mean, std };
}
