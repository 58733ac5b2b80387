/**
 * Huber robust regression (M-estimation by iteratively reweighted least squares).
 *
 * @module
 */
import { leastSquares } from "./least_squares.ts";
import { normalCdf } from "./distributions.ts";
import { checkLengths, collinearMessage, completeDesign } from "./_regression_design.ts";
import type { Series } from "./types.ts";

/** Options for {@link huber}. Defaults are statsmodels' `HuberT()` and `RLM.fit()`. */
export interface HuberOptions {
  /** Tuning constant: residuals beyond `t` scales are down-weighted. Default 1.345 (95% efficiency under normal errors). */
  readonly t?: number;
  /** Maximum IRLS iterations, counting the initial OLS fit as statsmodels does. Default 50. */
  readonly maxIter?: number;
  /** Stop when the Huber objective changes by at most `tol` between iterations. Default 1e-8. */
  readonly tol?: number;
  /** Prepend a column of ones, so `coef[0]` is the intercept. Default true. */
  readonly intercept?: boolean;
}

/** What {@link huber} returns. */
export interface HuberResult {
  /** Coefficients; `coef[0]` is the intercept when `intercept`. */
  readonly coef: Float64Array;
  /** Standard errors from Huber's H1 covariance (statsmodels `bse`). */
  readonly standardErrors: Float64Array;
  /** `coef / standardErrors`. */
  readonly tStats: Float64Array;
  /** Two-sided p-values from the standard normal (statsmodels RLM `pvalues`). */
  readonly pValues: Float64Array;
  /** The IRLS weights of the last fit, one per input row (NaN on dropped rows). In (0, 1]. */
  readonly weights: Float64Array;
  /** `y - X coef`, one per input row (NaN on dropped rows). */
  readonly residuals: Float64Array;
  /** Robust residual scale: MAD of the final residuals about 0, divided by 0.6745. */
  readonly scale: number;
  /** IRLS iterations including the initial OLS (statsmodels `fit_history["iteration"]`). */
  readonly iterations: number;
  /** True when the objective changed by at most `tol` before `maxIter` was reached. */
  readonly converged: boolean;
  /** Number of complete rows used. */
  readonly nobs: number;
}

/** Φ^-1(3/4): MAD / this is a consistent estimate of σ under normal errors (scipy norm.ppf(0.75)). */
const MAD_NORMAL = 0.6744897501960817;

function madAboutZero(resid: Float64Array, scratch: Float64Array): number {
  for (let i = 0; i < resid.length; i++) scratch[i] = Math.abs(resid[i]!);
  scratch.sort();
  const n = scratch.length;
  const med = n % 2 === 1 ? scratch[(n - 1) / 2]! : (scratch[n / 2 - 1]! + scratch[n / 2]!) / 2;
  return med / MAD_NORMAL;
}

/**
 * Huber M-estimator of a linear regression: least squares for residuals within `t` robust
 * scales, least absolute deviation beyond, so a few extreme bars (a liquidation wick, a listing
 * pump) cannot drag the betas. Use it instead of `ols` when returns have fat tails and you want
 * the beta of the typical bar.
 *
 * Algorithm (statsmodels `RLM.fit()` step for step): start from OLS; repeat: scale = MAD of
 * the residuals about 0 / 0.6745, weights `w = min(1, t / |r / scale|)`, weighted least
 * squares (Householder QR); stop when the objective `sum rho(r_i / s_wls)` (statsmodels'
 * "dev" criterion, with `s_wls` the weighted residual variance) changes by at most `tol`, or
 * after `maxIter` fits. Covariance: Huber's H1,
 * `K² [sum psi(r/s)² / (n - p)] s² / [mean psi'(r/s)]² (X'X)^-1` with
 * `K = 1 + p / n var(psi') / mean(psi')²`.
 * Rows where `y` or a column is not finite are dropped.
 *
 * Equal to statsmodels 0.13.5 `sm.RLM(y, sm.add_constant(X), M=sm.robust.norms.HuberT(t)).fit()`
 * (params, bse, scale, weights, tvalues). Cost: O(iterations · n p²) plus an O(n log n) sort
 * per iteration for the MAD.
 *
 * Reference: Huber, P. J. (1973), "Robust regression: asymptotics, conjectures and Monte
 * Carlo", Annals of Statistics 1(5); Huber and Ronchetti, "Robust Statistics" (2009), ch. 7.
 * Free: https://www.statsmodels.org/stable/rlm_techn1.html
 *
 * @param y the response (NaN = missing)
 * @param columns the regressors, each as long as `y`
 *
 * @example One outlier barely moves the Huber slope
 * ```ts
 * import { huber } from "@lib/stats/huber.ts";
 * import assert from "node:assert/strict";
 * const x = Array.from({ length: 30 }, (_, i) => i / 10);
 * const y = x.map((v, i) => 1 + 2 * v + 0.05 * Math.sin(3 * i));
 * y[29] = 40; // a wick
 * const fit = huber(y, [x]);
 * assert.ok(Math.abs(fit.coef[1]! - 2) < 0.05);
 * assert.ok(fit.weights[29]! < 0.01 && fit.converged);
 * ```
 */
export function huber(
  y: Series,
  columns: readonly Series[],
  options: HuberOptions = {},
): HuberResult {
  const what = "Cannot fit Huber regression";
  const t = options.t ?? 1.345;
  const maxIter = options.maxIter ?? 50;
  const tol = options.tol ?? 1e-8;
  const intercept = options.intercept ?? true;
  if (!(t > 0) || !Number.isFinite(t)) {
    throw new RangeError(`${what}: t must be a positive number (1.345 is usual), got ${t}`);
  }
  if (!Number.isInteger(maxIter) || maxIter < 1) {
    throw new RangeError(`${what}: maxIter must be an integer >= 1, got ${maxIter}`);
  }
  if (!(tol >= 0)) throw new RangeError(`${what}: tol must be >= 0, got ${tol}`);
  checkLengths(y, columns, what);
  const d = completeDesign(y, columns, intercept);
  const p = d.cols.length;
  const n = d.y.length;
  if (p === 0) throw new RangeError(`${what}: no regressors and no intercept`);
  if (n <= p) {
    throw new RangeError(
      `${what}: need more complete rows than coefficients (${p}), got ${n} of ${y.length}`,
    );
  }
  let fit = leastSquares(d.cols, d.y);
  if (fit === null) throw new RangeError(collinearMessage(d.cols, intercept, what));
  const xtxInv = fit.xtxInv; // statsmodels' normalized_cov_params: the unweighted (X'X)^-1
  const dfResid = n - p;
  const w = new Float64Array(n).fill(1);
  const sw = new Float64Array(n);
  const wcols = d.cols.map(() => new Float64Array(n));
  const wy = new Float64Array(n);
  const resid = new Float64Array(n);
  const scratch = new Float64Array(n);

  const rho = (z: number) => {
    const a = Math.abs(z);
    return a <= t ? 0.5 * z * z : a * t - 0.5 * t * t;
  };
  // statsmodels' "dev" criterion: sum rho(resid / s_wls), s_wls = weighted SSR / (n - p).
  const deviance = (coef: Float64Array) => {
    let wssr = 0;
    for (let i = 0; i < n; i++) {
      let f = 0;
      for (let j = 0; j < p; j++) f += d.cols[j]![i]! * coef[j]!;
      const r = d.y[i]! - f;
      resid[i] = r;
      wssr += w[i]! * r * r;
    }
    const s = wssr / dfResid;
    let dev = 0;
    for (let i = 0; i < n; i++) dev += rho(resid[i]! / s);
    return dev;
  };

  let dev = deviance(fit.coef);
  let scale = madAboutZero(resid, scratch);
  let iterations = 1;
  let converged = false;
  for (;;) {
    if (scale === 0) break; // a perfect fit of the weighted data: nothing left to reweight
    for (let i = 0; i < n; i++) {
      const a = Math.abs(resid[i]! / scale);
      w[i] = a <= t ? 1 : t / a;
      sw[i] = Math.sqrt(w[i]!);
      wy[i] = sw[i]! * d.y[i]!;
    }
    for (let j = 0; j < p; j++) {
      const c = d.cols[j]!, wc = wcols[j]!;
      for (let i = 0; i < n; i++) wc[i] = sw[i]! * c[i]!;
    }
    const next = leastSquares(wcols, wy);
    if (next === null) throw new RangeError(collinearMessage(wcols, intercept, what));
    fit = next;
    const prev = dev;
    dev = deviance(fit.coef);
    scale = madAboutZero(resid, scratch);
    iterations++;
    converged = !(Math.abs(dev - prev) > tol);
    if (converged || iterations >= maxIter) break;
  }

  const coef = fit.coef;
  // H1 covariance from the standardized residuals r / scale.
  let sumPsi2 = 0, sumDeriv = 0;
  for (let i = 0; i < n; i++) {
    const z = scale === 0 ? 0 : resid[i]! / scale;
    const inside = Math.abs(z) <= t;
    const psi = inside ? z : Math.sign(z) * t;
    sumPsi2 += psi * psi;
    if (inside) sumDeriv++;
  }
  const m = sumDeriv / n;
  const varDeriv = m - m * m; // psi' is 0/1, so its population variance is m (1 - m)
  const kfac = 1 + (p / n) * (varDeriv / (m * m));
  const factor = (kfac * kfac * (sumPsi2 / dfResid) * scale * scale) / (m * m);
  const standardErrors = new Float64Array(p);
  const tStats = new Float64Array(p);
  const pValues = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    standardErrors[j] = Math.sqrt(factor * xtxInv[j * p + j]!);
    tStats[j] = coef[j]! / standardErrors[j]!;
    pValues[j] = 2 * normalCdf(-Math.abs(tStats[j]!));
  }
  const weights = new Float64Array(y.length).fill(NaN);
  const residuals = new Float64Array(y.length).fill(NaN);
  for (let i = 0; i < n; i++) {
    weights[d.rows[i]!] = w[i]!;
    residuals[d.rows[i]!] = resid[i]!;
  }
  return {
    coef,
    standardErrors,
    tStats,
    pValues,
    weights,
    residuals,
    scale,
    iterations,
    converged,
    nobs: n,
  };
}
