/**
 * Volatility-percentile regimes with hysteresis and a minimum dwell time.
 *
 * @module
 */

/** Options of {@link volPercentileRegimes}; every default is stated here once. */
export interface VolPercentileRegimeOptions {
  /**
   * Rows of the rolling volatility window (standard deviation of log returns over the `window`
   * rows ending at `t`, at least `minObs` of them finite).
   * @default 168 (one week of hourly bars)
   */
  window?: number;
  /** Finite returns the window needs before it has a volatility. @default ceil(window / 2) */
  minObs?: number;
  /**
   * Rows `0 .. trainEnd - 1` are the training data: the percentile of a volatility is its rank
   * in the volatilities of those rows only, so data after the training window never moves a
   * threshold. @default the whole series (fit in sample; pass a training end for anything causal)
   */
  trainEnd?: number;
  /**
   * Interior cut points in percentile units (fractions of the training distribution, in (0, 1),
   * increasing); `k` cut points give `k + 1` states, 0 = calmest.
   * @default [1/3, 2/3] (three states: low, mid, high volatility)
   */
  cuts?: readonly number[];
  /**
   * Hysteresis half-band in percentile units (a fraction, 0.05 = 5 percentile points). From state
   * `s` the series moves up only when its percentile exceeds `cuts[s] + band`, and down only when
   * it falls below `cuts[s - 1] - band`. @default 0.05
   */
  band?: number;
  /**
   * Minimum dwell time in rows: after a switch at row `t`, no switch happens before row
   * `t + minDwell`. @default 24
   */
  minDwell?: number;
}

/** Result of {@link volPercentileRegimes}. */
export interface VolPercentileRegimes {
  /** State at the close of each row (0 = calmest .. cuts.length); -1 before the first volatility. */
  state: Int8Array;
  /** Rolling volatility (per-row log-return standard deviation, not annualized); NaN in warm-up. */
  volatility: Float64Array;
  /** Percentile of `volatility[t]` in the training volatilities, in [0, 1]; NaN in warm-up. */
  percentile: Float64Array;
  /** The cut points as volatilities (training quantiles at `cuts`), same units as `volatility`. */
  thresholds: Float64Array;
  /** Training volatilities used (finite rows of `0 .. trainEnd - 1`). */
  trainCount: number;
  /** Rows where the hysteresis rule asked for a switch that the dwell time blocked. */
  blocked: number;
  /** The options actually used (defaults filled in). */
  options: Required<VolPercentileRegimeOptions>;
}

/** Defaults of {@link VolPercentileRegimeOptions} (the `minObs` and `trainEnd` defaults depend on the input). */
export const VOL_REGIME_DEFAULTS = {
  window: 168,
  cuts: [1 / 3, 2 / 3] as readonly number[],
  band: 0.05,
  minDwell: 24,
} as const;

/**
 * Classify each row of a log-return series into volatility regimes by the percentile of its
 * rolling volatility in a training window, with hysteresis and a minimum dwell time, so a
 * volatility hovering at a cut point does not flip the state every bar.
 *
 * - **Units.** `cuts` and `band` are percentile units: fractions of the training volatilities
 *   (0.05 = five percentile points), not volatility units. `thresholds` gives the cuts back in
 *   volatility units.
 * - **Causality.** `state[t]` is known at the close of row `t`: it uses returns `0 .. t` and the
 *   training thresholds. With `trainEnd <= t + 1` nothing after `t` moves any value at or before
 *   `t`; rows inside the training window are in-sample by construction.
 * - **Initial state.** The first row with a volatility takes the plain state of its percentile
 *   (the number of cuts strictly below it, no band); earlier rows are -1. A row whose volatility
 *   is NaN (too few finite returns in its window) keeps the previous state.
 * - **Hysteresis.** From state `s` the target is the highest `j > s` with
 *   `percentile > cuts[j - 1] + band`, else the lowest `j < s` with
 *   `percentile < cuts[j] - band`, else `s`.
 * - **Dwell.** A switch is allowed only when the current state has lasted at least `minDwell`
 *   rows (counting from the row it began). A blocked switch is dropped, not queued: each later
 *   row re-evaluates its own percentile, so the switch happens at the first row after the dwell
 *   time whose percentile still crosses a band. Blocked rows are counted in `blocked`.
 *
 * Cost: O(n log m) for n rows and m training volatilities (rolling sums plus one binary search
 * per row).
 *
 * @param logReturns log returns, one per row (NaN = missing)
 * @param options see {@link VolPercentileRegimeOptions}
 *
 * @example A calm stretch then a volatile one
 * ```ts
 * import { volPercentileRegimes } from "@lib/materialize/regimes/vol_percentile_regimes.ts";
 * import assert from "node:assert/strict";
 * const r = new Float64Array(400);
 * for (let i = 0; i < 400; i++) r[i] = (i % 2 ? 1 : -1) * (i < 200 ? 0.001 : 0.01) * (1 + (i % 7) / 7);
 * const out = volPercentileRegimes(r, { window: 20, cuts: [0.5], band: 0.05, minDwell: 5 });
 * assert.equal(out.state[100], 0);
 * assert.equal(out.state[399], 1);
 * ```
 */
export function volPercentileRegimes(
  logReturns: ArrayLike<number>,
  options: VolPercentileRegimeOptions = {},
): VolPercentileRegimes {
  const n = logReturns.length;
  const window = options.window ?? VOL_REGIME_DEFAULTS.window;
  const minObs = options.minObs ?? Math.ceil(window / 2);
  const trainEnd = options.trainEnd ?? n;
  const cuts = options.cuts ?? VOL_REGIME_DEFAULTS.cuts;
  const band = options.band ?? VOL_REGIME_DEFAULTS.band;
  const minDwell = options.minDwell ?? VOL_REGIME_DEFAULTS.minDwell;
  const what = "Cannot compute volatility-percentile regimes";
  if (!Number.isInteger(window) || window < 2) {
    throw new RangeError(`${what}: window must be an integer >= 2, got ${window}`);
  }
  if (!Number.isInteger(minObs) || minObs < 2 || minObs > window) {
    throw new RangeError(`${what}: minObs must be an integer in [2, window], got ${minObs}`);
  }
  if (!Number.isInteger(trainEnd) || trainEnd < 1 || trainEnd > n) {
    throw new RangeError(`${what}: trainEnd must be an integer in [1, ${n}], got ${trainEnd}`);
  }
  if (cuts.length < 1 || cuts.length > 8) {
    throw new RangeError(`${what}: give 1 to 8 cut points, got ${cuts.length}`);
  }
  for (let j = 0; j < cuts.length; j++) {
    const c = cuts[j]!;
    if (!(c > 0 && c < 1) || (j > 0 && !(c > cuts[j - 1]!))) {
      throw new RangeError(
        `${what}: cuts must increase strictly inside (0, 1) (percentile units), got ${
          cuts.join(", ")
        }`,
      );
    }
  }
  if (!(band >= 0 && band < 0.5)) {
    throw new RangeError(`${what}: band must be in [0, 0.5) percentile units, got ${band}`);
  }
  if (!Number.isInteger(minDwell) || minDwell < 1) {
    throw new RangeError(`${what}: minDwell must be an integer >= 1 row, got ${minDwell}`);
  }

  const volatility = rollingStd(logReturns, window, minObs);
  const train: number[] = [];
  for (let i = 0; i < trainEnd; i++) {
    const v = volatility[i]!;
    if (Number.isFinite(v)) train.push(v);
  }
  if (train.length < 2) {
    throw new RangeError(
      `${what}: the training window (rows 0..${trainEnd - 1}) has ${train.length} volatilities; ` +
        `it needs at least 2 (lengthen it or shorten the window of ${window} rows)`,
    );
  }
  const sorted = Float64Array.from(train).sort();
  const m = sorted.length;
  const thresholds = new Float64Array(cuts.length);
  for (let j = 0; j < cuts.length; j++) thresholds[j] = quantileSorted(sorted, cuts[j]!);

  const percentile = new Float64Array(n).fill(NaN);
  const state = new Int8Array(n).fill(-1);
  let cur = -1;
  let since = 0; // row the current state began
  let blocked = 0;
  for (let t = 0; t < n; t++) {
    const v = volatility[t]!;
    if (!Number.isFinite(v)) {
      state[t] = cur;
      continue;
    }
    const p = countAtMost(sorted, v) / m;
    percentile[t] = p;
    if (cur < 0) {
      let s = 0;
      while (s < cuts.length && p > cuts[s]!) s++;
      cur = s;
      since = t;
      state[t] = cur;
      continue;
    }
    let target = cur;
    for (let j = cuts.length; j > cur; j--) {
      if (p > cuts[j - 1]! + band) {
        target = j;
        break;
      }
    }
    if (target === cur) {
      for (let j = 0; j < cur; j++) {
        if (p < cuts[j]! - band) {
          target = j;
          break;
        }
      }
    }
    if (target !== cur) {
      if (t - since >= minDwell) {
        cur = target;
        since = t;
      } else blocked++;
    }
    state[t] = cur;
  }
  return {
    state,
    volatility,
    percentile,
    thresholds,
    trainCount: m,
    blocked,
    options: { window, minObs, trainEnd, cuts: [...cuts], band, minDwell },
  };
}

/** Rolling sample standard deviation (ddof 1) over the finite values of each trailing window. */
function rollingStd(x: ArrayLike<number>, window: number, minObs: number): Float64Array {
  const n = x.length;
  const out = new Float64Array(n).fill(NaN);
  // Welford-free two-pass per window would be O(n w); a shifted running sum keeps O(n) and is
  // exact enough: returns are centred near 0 and the shift is the first finite value.
  let shift = NaN;
  let s = 0, s2 = 0, c = 0;
  for (let t = 0; t < n; t++) {
    const v = x[t]!;
    if (Number.isFinite(v)) {
      if (Number.isNaN(shift)) shift = v;
      const d = v - shift;
      s += d;
      s2 += d * d;
      c++;
    }
    if (t >= window) {
      const o = x[t - window]!;
      if (Number.isFinite(o)) {
        const d = o - shift;
        s -= d;
        s2 -= d * d;
        c--;
      }
    }
    if (c >= minObs) {
      const varr = (s2 - (s * s) / c) / (c - 1);
      out[t] = Math.sqrt(varr > 0 ? varr : 0);
    }
  }
  return out;
}

/** Linear-interpolation quantile (numpy's default) of sorted values. */
function quantileSorted(sorted: Float64Array, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** Number of sorted values <= v (binary search). */
function countAtMost(sorted: Float64Array, v: number): number {
  let lo = 0, hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
