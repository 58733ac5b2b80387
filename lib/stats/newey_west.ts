/**
 * Newey-West (HAC) covariance of regression coefficients.
 *
 * @module
 */
import { leastSquares } from "./least_squares.ts";
import type { Series } from "./types.ts";

/** Options for {@link neweyWest}. */
export interface NeweyWestOptions {
  /**
   * Number of autocovariance lags L in the Bartlett kernel (weights `1 - l / (L + 1)`). Default:
   * {@link neweyWestDefaultLags} of the sample size. For the mean of overlapping h-bar returns
   * use at least h - 1.
   */
  readonly lags?: number;
  /**
   * Multiply by `n / (n - k)` (statsmodels' `use_correction=True`). Default false, which is
   * statsmodels' default for `OLS.fit(cov_type="HAC")`.
   */
  readonly correction?: boolean;
}

/** What {@link neweyWest} returns. */
export interface NeweyWestResult {
  /** k x k HAC covariance of the coefficients, row-major. */
  readonly covariance: Float64Array;
  /** Square roots of the diagonal. */
  readonly standardErrors: Float64Array;
  /** The number of lags used. */
  readonly lags: number;
}

/**
 * The usual automatic lag choice `floor(4 (n / 100)^(2/9))` (Newey and West 1994).
 *
 * @example
 * ```ts
 * import { neweyWestDefaultLags } from "@lib/stats/newey_west.ts";
 * import assert from "node:assert/strict";
 * assert.equal(neweyWestDefaultLags(1000), 6);
 * ```
 */
export function neweyWestDefaultLags(n: number): number {
  return Math.floor(4 * Math.pow(n / 100, 2 / 9));
}

/**
 * Heteroskedasticity- and autocorrelation-consistent covariance of OLS coefficients (Newey and
 * West 1987): `(X'X)^-1 S (X'X)^-1` with
 * `S = sum_t e_t^2 x_t x_t' + sum_{l=1..L} (1 - l/(L+1)) sum_t e_t e_{t-l} (x_t x_{t-l}' + x_{t-l} x_t')`.
 * Equal to statsmodels 0.13 `OLS(y, X).fit(cov_type="HAC", cov_kwds={"maxlags": L})` (no small
 * sample correction by default). Use it when residuals are autocorrelated, as with overlapping
 * multi-bar returns or a mean IC, where classical standard errors are far too small.
 *
 * Every row must be finite (drop incomplete rows first: the lags refer to row positions).
 * Cost: O(n k^2 L).
 *
 * Reference: Newey, W. K. and West, K. D. (1987), "A Simple, Positive Semi-Definite,
 * Heteroskedasticity and Autocorrelation Consistent Covariance Matrix", Econometrica 55(3).
 *
 * @param columns the design matrix as columns (include a column of ones for an intercept)
 * @param residuals the OLS residuals, one per row
 *
 * @example Standard error of a mean under autocorrelation
 * ```ts
 * import { neweyWest } from "@lib/stats/newey_west.ts";
 * import assert from "node:assert/strict";
 * const x = [0.1, 0.3, 0.2, 0.5, 0.4, 0.6, 0.3, 0.2];
 * const m = x.reduce((a, b) => a + b) / x.length;
 * const hac = neweyWest([x.map(() => 1)], x.map((v) => v - m), { lags: 2 });
 * assert.ok(hac.standardErrors[0]! > 0);
 * ```
 */
export function neweyWest(
  columns: readonly Series[],
  residuals: Series,
  options: NeweyWestOptions = {},
): NeweyWestResult {
  const n = residuals.length;
  const k = columns.length;
  const lags = options.lags ?? neweyWestDefaultLags(n);
  if (!Number.isInteger(lags) || lags < 0) {
    throw new RangeError(`Cannot compute neweyWest: lags must be an integer >= 0, got ${lags}`);
  }
  for (let j = 0; j < k; j++) {
    if (columns[j]!.length !== n) {
      throw new RangeError(
        `Cannot compute neweyWest: column ${j} has ${columns[j]!.length} rows, residuals have ${n}`,
      );
    }
  }
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(residuals[i]!)) {
      throw new RangeError(
        `Cannot compute neweyWest: residual ${i} is not finite; drop incomplete rows first`,
      );
    }
  }
  // (X'X)^-1 from the QR kernel (y is irrelevant here).
  const fit = leastSquares(columns, residuals);
  if (fit === null) {
    throw new RangeError(
      `Cannot compute neweyWest: the design (${n} rows, ${k} columns) is rank deficient`,
    );
  }
  // u_t = x_t e_t, k per row, row-major.
  const u = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    const e = residuals[i]!;
    for (let j = 0; j < k; j++) u[i * k + j] = columns[j]![i]! * e;
  }
  const s = new Float64Array(k * k);
  for (let l = 0; l <= Math.min(lags, n - 1); l++) {
    const w = l === 0 ? 1 : 1 - l / (lags + 1);
    for (let a = 0; a < k; a++) {
      for (let b = 0; b < k; b++) {
        let g = 0;
        for (let t = l; t < n; t++) g += u[t * k + a]! * u[(t - l) * k + b]!;
        if (l === 0) s[a * k + b] = s[a * k + b]! + g;
        else {
          s[a * k + b] = s[a * k + b]! + w * g;
          s[b * k + a] = s[b * k + a]! + w * g;
        }
      }
    }
  }
  const inv = fit.xtxInv;
  const tmp = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      let v = 0;
      for (let m = 0; m < k; m++) v += inv[i * k + m]! * s[m * k + j]!;
      tmp[i * k + j] = v;
    }
  }
  const scale = options.correction ? n / (n - k) : 1;
  const covariance = new Float64Array(k * k);
  const standardErrors = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      let v = 0;
      for (let m = 0; m < k; m++) v += tmp[i * k + m]! * inv[m * k + j]!;
      covariance[i * k + j] = v * scale;
    }
    standardErrors[i] = Math.sqrt(covariance[i * k + i]!);
  }
  return { covariance, standardErrors, lags };
}
