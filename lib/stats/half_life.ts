/**
 * Half-life of mean reversion of a spread, from an AR(1) fitted by least squares.
 *
 * @module
 */
import { leastSquares } from "./least_squares.ts";
import type { Series } from "./types.ts";

/** The result of {@link halfLife}. */
export interface HalfLifeResult {
  /**
   * Bars for a deviation from the mean to halve: `ln(0.5) / ln(|phi|)`. `Infinity` when
   * `|phi| >= 1` (no mean reversion: a random walk or an explosive spread); `NaN` when there
   * are fewer than 3 usable pairs or the spread is constant.
   */
  readonly halfLife: number;
  /** AR(1) coefficient `1 + lambda`. */
  readonly phi: number;
  /** Slope of `ds_t` on `s_{t-1}` (negative when the spread reverts). */
  readonly lambda: number;
  /** Intercept `a` of the regression (the long-run mean is `-a / lambda`). */
  readonly intercept: number;
  /**
   * Classical OLS t-statistic of `lambda` (its Dickey-Fuller statistic without lags: compare it
   * with Dickey-Fuller critical values, not Student's t, to test for mean reversion).
   */
  readonly tStat: number;
  /** Number of (s_{t-1}, s_t) pairs used. */
  readonly nobs: number;
}

/**
 * Half-life of mean reversion of a spread (for example `log p1 - beta log p2`), in bars.
 *
 * Fits `ds_t = a + lambda s_{t-1} + e_t` by OLS (`leastSquares`, Householder QR) over every t
 * where both `s_t` and `s_{t-1}` are finite (a NaN drops the one or two pairs that touch it), so
 * `phi = 1 + lambda` is the AR(1) coefficient of `s_t = a + phi s_{t-1} + e_t`. For an AR(1) a
 * deviation decays as `phi^h`, so it halves after exactly `h = ln(0.5) / ln(phi)` bars (for
 * `-1 < phi < 0`, the spread overshoots and `|phi|` is used). The common shortcut `-ln 2 /
 * lambda` (the continuous-time Ornstein-Uhlenbeck approximation) is close only when lambda is
 * small.
 *
 * **Interpretation.** A half-life says how long a trade on the spread waits for half the
 * deviation to close; it is meaningful only if the spread is stationary. It does not test that:
 * `phi` slightly below 1 is estimated from any random walk (OLS bias is about `-(1 + 3 phi) /
 * n`), and `tStat` must be judged against Dickey-Fuller, not normal, critical values (or use
 * `adf` / `engleGranger`). When `phi >= 1` the result is `Infinity`: no mean reversion at all.
 *
 * Reference: Chan (2013), Algorithmic Trading, ch. 2 (the same regression); for the AR(1) decay,
 * any time-series text, e.g. Hyndman and Athanasopoulos, Forecasting: Principles and Practice
 * (free online), ch. 9. Cost: O(n).
 *
 * @param spread the spread, one value per bar (NaN = missing)
 *
 * @example An AR(1) with phi = 0.9 has a half-life of ln(0.5) / ln(0.9) = 6.58 bars
 * ```ts
 * import { halfLife } from "@lib/stats/half_life.ts";
 * import { createRng } from "@lib/stats/rng.ts";
 * import assert from "node:assert/strict";
 * const rng = createRng(1);
 * const s = new Float64Array(20_000);
 * for (let t = 1; t < s.length; t++) s[t] = 0.9 * s[t - 1]! + rng.normal();
 * const hl = halfLife(s);
 * assert.ok(Math.abs(hl.phi - 0.9) < 0.01);
 * assert.ok(Math.abs(hl.halfLife - 6.58) < 0.5);
 * assert.equal(hl.nobs, 19_999);
 * ```
 */
export function halfLife(spread: Series): HalfLifeResult {
  const n = spread.length;
  let m = 0;
  for (let t = 1; t < n; t++) {
    if (Number.isFinite(spread[t]!) && Number.isFinite(spread[t - 1]!)) m++;
  }
  const nan = { halfLife: NaN, phi: NaN, lambda: NaN, intercept: NaN, tStat: NaN, nobs: m };
  if (m < 3) return nan;
  const ones = new Float64Array(m).fill(1);
  const lag = new Float64Array(m);
  const diff = new Float64Array(m);
  for (let t = 1, i = 0; t < n; t++) {
    const a = spread[t - 1]!, b = spread[t]!;
    if (Number.isFinite(a) && Number.isFinite(b)) {
      lag[i] = a;
      diff[i] = b - a;
      i++;
    }
  }
  const fit = leastSquares([ones, lag], diff);
  if (fit === null) return nan;
  const intercept = fit.coef[0]!;
  const lambda = fit.coef[1]!;
  const sigma2 = fit.ssr / (m - 2);
  const tStat = lambda / Math.sqrt(sigma2 * fit.xtxInv[3]!);
  const phi = 1 + lambda;
  const absPhi = Math.abs(phi);
  const hl = absPhi >= 1 ? Infinity : absPhi === 0 ? 0 : Math.log(0.5) / Math.log(absPhi);
  return { halfLife: hl, phi, lambda, intercept, tStat, nobs: m };
}
