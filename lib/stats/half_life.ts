/**
 * Half-life of mean reversion of a spread, from an AR(1) fitted by least squares.
 *
 * @module
 */
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
 * Fits `ds_t = a + lambda s_{t-1} + e_t` by OLS (Householder QR, as `leastSquares`) over every t
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
  ensure(n);
  let m = 0;
  for (let t = 1; t < n; t++) {
    const a = spread[t - 1]!, b = spread[t]!;
    if (Number.isFinite(a) && Number.isFinite(b)) {
      lag[m] = a;
      diff[m] = b - a;
      m++;
    }
  }
  const nan = { halfLife: NaN, phi: NaN, lambda: NaN, intercept: NaN, tStat: NaN, nobs: m };
  if (m < 3) return nan;
  if (!fitLine(m)) return nan;
  const intercept = fit[0]!;
  const lambda = fit[1]!;
  const sigma2 = fit[2]! / (m - 2);
  const tStat = lambda / Math.sqrt(sigma2 * fit[3]!);
  const phi = 1 + lambda;
  const absPhi = Math.abs(phi);
  const hl = absPhi >= 1 ? Infinity : absPhi === 0 ? 0 : Math.log(0.5) / Math.log(absPhi);
  return { halfLife: hl, phi, lambda, intercept, tStat, nobs: m };
}

// Scratch reused across calls (single-threaded): the regressor, the response, and the two
// columns as the first Householder reflection leaves them.
let lag = new Float64Array(0);
let diff = new Float64Array(0);
let lagR = new Float64Array(0);
let diffR = new Float64Array(0);
// [intercept, slope, ssr, (X'X)^-1 of the slope]
const fit = new Float64Array(4);

function ensure(m: number): void {
  if (lag.length >= m) return;
  lag = new Float64Array(m);
  diff = new Float64Array(m);
  lagR = new Float64Array(m);
  diffR = new Float64Array(m);
}

/**
 * `leastSquares([ones, lag], diff)` on the first m rows, operation for operation (the same
 * Householder QR, the same sums in the same order, so the same bits), without its copies of
 * the columns and with the reflections of the constant column written out: its entries are 1,
 * so its norm is sqrt(m) and its products with the other columns are plain sums. Used by every
 * pair of a `screenPairs` run, where the generic path cost a third of the time. Writes `fit`;
 * false when the design is rank deficient (leastSquares' null).
 */
function fitLine(m: number): boolean {
  // Column 0 (ones): scale 1, norm sqrt(m), alpha = -norm, v = [1 + norm, 1, 1, ...].
  const norm0 = 1 * Math.sqrt(m);
  const alpha0 = -norm0;
  const v0 = 1 - alpha0;
  let vn0 = v0 * v0;
  for (let i = 1; i < m; i++) vn0 += 1;
  let maxDiag = Math.abs(alpha0);
  let dotL = v0 * lag[0]!, dotD = v0 * diff[0]!;
  for (let i = 1; i < m; i++) {
    dotL += lag[i]!;
    dotD += diff[i]!;
  }
  const fL = (2 * dotL) / vn0, fD = (2 * dotD) / vn0;
  lagR[0] = lag[0]! - fL * v0;
  diffR[0] = diff[0]! - fD * v0;
  let scale = 0;
  for (let i = 1; i < m; i++) {
    const l = lag[i]! - fL;
    lagR[i] = l;
    diffR[i] = diff[i]! - fD;
    scale = Math.max(scale, Math.abs(l));
  }
  // Column 1 (the lag), rows 1..m-1.
  if (scale === 0 || !Number.isFinite(scale)) return false;
  let ss = 0;
  for (let i = 1; i < m; i++) {
    const v = lagR[i]! / scale;
    ss += v * v;
  }
  const norm1 = scale * Math.sqrt(ss);
  const alpha1 = lagR[1]! > 0 ? -norm1 : norm1;
  const v1 = lagR[1]! - alpha1;
  let vn1 = v1 * v1, dot = v1 * diffR[1]!;
  for (let i = 2; i < m; i++) {
    const l = lagR[i]!;
    vn1 += l * l;
    dot += l * diffR[i]!;
  }
  maxDiag = Math.max(maxDiag, Math.abs(alpha1));
  let y1 = diffR[1]!;
  if (vn1 !== 0) y1 = y1 - ((2 * dot) / vn1) * v1;
  if (!(Math.abs(alpha0) > 1e-10 * maxDiag) || !(Math.abs(alpha1) > 1e-10 * maxDiag)) {
    return false;
  }
  const slope = y1 / alpha1;
  const intercept = (diffR[0]! - lagR[0]! * slope) / alpha0;
  const rinv = 1 / alpha1;
  let ssr = 0;
  for (let i = 0; i < m; i++) {
    const e = diff[i]! - (intercept + lag[i]! * slope);
    ssr += e * e;
  }
  fit[0] = intercept;
  fit[1] = slope;
  fit[2] = ssr;
  fit[3] = rinv * rinv;
  return true;
}
