/**
 * Ordinary least squares with classical or Newey-West (HAC) standard errors.
 *
 * @module
 */
import { leastSquares } from "./least_squares.ts";
import { neweyWest, neweyWestDefaultLags } from "./newey_west.ts";
import { normalCdf, studentTCdf } from "./distributions.ts";
import { checkLengths, collinearMessage, completeDesign } from "./_regression_design.ts";
import type { Series } from "./types.ts";

/** Options for {@link ols}. */
export interface OlsOptions {
  /** Prepend a column of ones, so `coef[0]` is the intercept. Default true. */
  readonly intercept?: boolean;
  /**
   * Coefficient covariance. `"classical"` (default): `sigma2 (X'X)^-1`, p-values from Student's
   * t with `dfResid` degrees of freedom (statsmodels `fit()`). `"hac"`: Newey-West with
   * Bartlett weights and no small-sample correction, p-values from the standard normal
   * (statsmodels `fit(cov_type="HAC", cov_kwds={"maxlags": lags})`, whose `use_t` is False).
   */
  readonly cov?: "classical" | "hac";
  /**
   * HAC lags (only with `cov: "hac"`). Default `floor(4 (nobs / 100)^(2/9))`. Lags count
   * complete rows, as in statsmodels after `missing="drop"`: a dropped row does not count.
   */
  readonly lags?: number;
}

/** What {@link ols} returns. */
export interface OlsResult {
  /** Coefficients; `coef[0]` is the intercept when `intercept`, then one per column. */
  readonly coef: Float64Array;
  /** Square roots of the covariance diagonal (statsmodels `bse`). */
  readonly standardErrors: Float64Array;
  /** `coef / standardErrors` (statsmodels `tvalues`). */
  readonly tStats: Float64Array;
  /** Two-sided p-values: Student t (classical) or normal (HAC). */
  readonly pValues: Float64Array;
  /** Coefficient covariance, p x p row-major (statsmodels `cov_params()`). */
  readonly covariance: Float64Array;
  /** R²: centered when `intercept`, uncentered otherwise (statsmodels' convention). */
  readonly rSquared: number;
  /** `1 - (nobs - c) / dfResid (1 - R²)`, c = 1 with an intercept, 0 without (statsmodels). */
  readonly adjRSquared: number;
  /** `y - fitted`, one per input row; NaN on dropped rows. */
  readonly residuals: Float64Array;
  /** Fitted values, one per input row; NaN on dropped rows. */
  readonly fitted: Float64Array;
  /** Number of complete rows used. */
  readonly nobs: number;
  /** `nobs - p`, p the number of coefficients. */
  readonly dfResid: number;
  /** `ssr / dfResid` (statsmodels `scale`), whatever `cov`. */
  readonly sigma2: number;
  /** The HAC lags used; 0 for classical. */
  readonly lags: number;
}

/**
 * Ordinary least squares `y = X b + e` with an intercept (by default) and inference on `b`.
 *
 * Use it for a one-off regression with honest standard errors: `cov: "hac"` when residuals are
 * autocorrelated (overlapping multi-bar returns, a mean IC), where classical errors are far too
 * small. Rows where `y` or any column is not finite are dropped. Solved by Householder QR (see
 * `leastSquares`), so nearly collinear columns keep their accuracy; a design that is rank
 * deficient to working precision is refused with the offending column named.
 *
 * Equal to statsmodels 0.13.5 `sm.OLS(y, sm.add_constant(X), missing="drop").fit()` (params,
 * bse, tvalues, pvalues, rsquared, rsquared_adj, scale) and, with `cov: "hac"`,
 * `.fit(cov_type="HAC", cov_kwds={"maxlags": lags})`. One difference: statsmodels decides
 * "centered R²" by detecting a constant column; here it is the `intercept` option.
 *
 * Cost: O(n p²) for the fit, O(n p² L) more for HAC with L lags.
 *
 * Reference: Greene, "Econometric Analysis", ch. 4; Newey and West (1987), Econometrica 55(3).
 * Free: https://www.statsmodels.org/stable/regression.html
 *
 * @param y the response, one per row (NaN = missing)
 * @param columns the regressors, each as long as `y`
 *
 * @example Beta of an asset on the market
 * ```ts
 * import { ols } from "@lib/stats/ols.ts";
 * import assert from "node:assert/strict";
 * const mkt = [0.01, -0.02, 0.015, 0.003, -0.007, 0.02, NaN, -0.011];
 * const asset = [0.021, -0.038, 0.032, 0.004, -0.015, 0.041, 0.01, -0.02];
 * const fit = ols(asset, [mkt]);
 * assert.equal(fit.nobs, 7); // the NaN row is dropped
 * assert.ok(Math.abs(fit.coef[1]! - 2) < 0.1);
 * assert.ok(fit.rSquared > 0.99 && fit.pValues[1]! < 1e-5);
 * assert.ok(Number.isNaN(fit.residuals[6]!));
 * ```
 */
export function ols(y: Series, columns: readonly Series[], options: OlsOptions = {}): OlsResult {
  const what = "Cannot fit OLS";
  const intercept = options.intercept ?? true;
  const covType = options.cov ?? "classical";
  if (covType !== "classical" && covType !== "hac") {
    throw new RangeError(`${what}: cov must be "classical" or "hac", got ${String(covType)}`);
  }
  checkLengths(y, columns, what);
  const d = completeDesign(y, columns, intercept);
  const p = d.cols.length;
  const nobs = d.y.length;
  if (p === 0) throw new RangeError(`${what}: no regressors and no intercept`);
  if (nobs <= p) {
    throw new RangeError(
      `${what}: need more complete rows than coefficients (${p}), got ${nobs} of ${y.length} ` +
        `rows with y and every column finite`,
    );
  }
  const fit = leastSquares(d.cols, d.y);
  if (fit === null) throw new RangeError(collinearMessage(d.cols, intercept, what));
  const dfResid = nobs - p;
  const sigma2 = fit.ssr / dfResid;
  let covariance: Float64Array;
  let lags = 0;
  if (covType === "hac") {
    lags = options.lags ?? neweyWestDefaultLags(nobs);
    covariance = neweyWest(d.cols, fit.residuals, { lags }).covariance;
  } else {
    if (options.lags !== undefined) {
      throw new RangeError(`${what}: lags only applies with cov: "hac"`);
    }
    covariance = new Float64Array(p * p);
    for (let i = 0; i < p * p; i++) covariance[i] = sigma2 * fit.xtxInv[i]!;
  }
  const standardErrors = new Float64Array(p);
  const tStats = new Float64Array(p);
  const pValues = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    const se = Math.sqrt(covariance[j * p + j]!);
    const t = fit.coef[j]! / se;
    standardErrors[j] = se;
    tStats[j] = t;
    // 2 * cdf(-|t|) keeps precision in the far tail, where 1 - cdf(|t|) rounds to 0.
    pValues[j] = covType === "hac"
      ? 2 * normalCdf(-Math.abs(t))
      : 2 * studentTCdf(-Math.abs(t), dfResid);
  }
  let tss = 0;
  if (intercept) {
    let m = 0;
    for (let i = 0; i < nobs; i++) m += d.y[i]!;
    m /= nobs;
    for (let i = 0; i < nobs; i++) tss += (d.y[i]! - m) ** 2;
  } else {
    for (let i = 0; i < nobs; i++) tss += d.y[i]! ** 2;
  }
  const rSquared = 1 - fit.ssr / tss;
  const adjRSquared = 1 - ((nobs - (intercept ? 1 : 0)) / dfResid) * (1 - rSquared);
  const residuals = new Float64Array(y.length).fill(NaN);
  const fitted = new Float64Array(y.length).fill(NaN);
  for (let i = 0; i < nobs; i++) {
    const r = d.rows[i]!;
    residuals[r] = fit.residuals[i]!;
    fitted[r] = d.y[i]! - fit.residuals[i]!;
  }
  return {
    coef: fit.coef,
    standardErrors,
    tStats,
    pValues,
    covariance,
    rSquared,
    adjRSquared,
    residuals,
    fitted,
    nobs,
    dfResid,
    sigma2,
    lags,
  };
}
