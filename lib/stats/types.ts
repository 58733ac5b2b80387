/**
 * Input types shared by the statistics in `lib/stats`.
 *
 * @module
 */

/**
 * A numeric series: a typed array or a plain array of numbers. Missing values are `NaN`; the
 * statistics treat every non-finite value (`NaN`, `Infinity`, `-Infinity`) as missing.
 */
export type Series = Float64Array | readonly number[];

/** Options for `rollingBeta` (`./rolling_beta.ts`) and `rollingBetaCausal`. */
export interface RollingBetaOptions {
  /**
   * Minimum number of complete (both finite) pairs in a window for a value; fewer gives `NaN`.
   * An integer in [2, window]. Default `window`, as pandas `rolling(window)` (whose
   * `min_periods` defaults to the window): pass less to bridge small gaps.
   */
  readonly minObs?: number;
}

/** What `rollingOls` (`./rolling_ols.ts`) returns: one entry per row, NaN where there is no fit. */
export interface RollingOlsResult {
  /** Intercepts. */
  readonly alpha: Float64Array;
  /** Slopes, one array per regressor in `xs` order. */
  readonly betas: Float64Array[];
  /** Centered R² of each window's fit (statsmodels `rsquared`). */
  readonly rSquared: Float64Array;
  /**
   * `y[t] - alpha[t] - sum_j betas[j][t] xs[j][t]`: the residual of row t under the entry-t fit
   * (in sample by default, out of sample when `causal`). NaN when row t is incomplete.
   */
  readonly residuals: Float64Array;
  /** Complete rows in the window behind entry t (0 for the first entry when `causal`). */
  readonly nobs: Int32Array;
}
