/**
 * Rolling multi-factor OLS updated in O(k²) per step.
 *
 * @module
 */
import { rollingOlsAny, rollingOlsTwo } from "./_rolling_ols_kernels.ts";
import type { RollingOlsResult, Series } from "./types.ts";

export type { RollingOlsResult } from "./types.ts";

/** Options for {@link rollingOls}. */
export interface RollingOlsOptions {
  /** Rows per window (an integer >= 2): entry t is fitted on rows `t - window + 1 .. t`. */
  readonly window: number;
  /**
   * Minimum number of complete rows (y and every x finite) in a window for a fit; fewer gives
   * NaN. An integer in [k + 1, window] (k = number of regressors). Default `window`, as pandas'
   * `min_periods`: pass less to bridge gaps. With `minObs < window` the first `window - 1`
   * entries are fitted on the rows so far (statsmodels `RollingOLS(..., min_nobs=minObs,
   * expanding=True)`).
   */
  readonly minObs?: number;
  /**
   * When true, entry t is the fit on the window ending at t - 1, so it could have been known
   * before row t, and `residuals[t]` is out of sample. Default false.
   */
  readonly causal?: boolean;
}

function toF64(s: Series): Float64Array {
  return s instanceof Float64Array ? s : Float64Array.from(s);
}

/**
 * Rolling OLS of `y` on an intercept and the regressors `xs`: for each row t, the fit on the
 * `window` rows ending at t (inclusive), or at t - 1 with `causal: true`. Rows where y or any
 * x is not finite are skipped inside each window.
 *
 * Typical use: an asset's rolling betas to BTC and ETH log returns (window 72 hourly bars),
 * with `causal: true` for residual returns that could have been computed in real time.
 *
 * How: the window's means and centered cross-products are updated as a row enters and another
 * leaves (Welford's add/remove formulas, generalised to k regressors: O(k²) per step, no
 * allocation), and the k x k normal equations in centered moments are solved by Cholesky.
 * Centering keeps the normal equations as well conditioned as the data allow. Three safeguards:
 * (1) every `window` steps the moments are recomputed from the window's rows (two-pass), so
 * rounding never accumulates past one window: O(k²) amortized; (2) a window whose rolled sum of
 * squares of a regressor (or of y) is no larger than 1e-9 of the squared deviations that passed
 * through it since the last recompute holds only rounding residue there (eight zero returns of
 * an illiquid coin reached by removals), so it is recomputed exactly before it is judged; (3) when a window is nearly
 * singular (a Cholesky pivot below 1e-6 of its diagonal, i.e. one regressor explained by the
 * others with R² > 1 - 1e-6, or a regressor constant to 1e-12 of its magnitude) the window is
 * refitted by Householder QR (`leastSquares`), which returns the accurate answer or, if the
 * design is rank deficient to working precision, NaN: never a garbage coefficient.
 *
 * Equal to statsmodels 0.13.5 `RollingOLS(y, add_constant(X), window).fit()` params and
 * rsquared (its default `missing="drop"` also skips incomplete rows, with `min_nobs` = k + 1
 * instead of our `window` default). Cost: O(n k²) time, O(n k) memory for the outputs.
 *
 * Reference: Welford (1962), Technometrics 4(3); Golub and Van Loan, "Matrix Computations",
 * §5.3 (normal equations vs QR). Free: https://www.statsmodels.org/stable/examples/notebooks/generated/rolling_ls.html
 *
 * @param y the response (NaN = missing)
 * @param xs the regressors, each as long as `y`
 *
 * @example Betas to two factors, and a causal residual
 * ```ts
 * import { rollingOls } from "@lib/stats/rolling_ols.ts";
 * import assert from "node:assert/strict";
 * const n = 40;
 * const btc = Array.from({ length: n }, (_, i) => Math.sin(i) / 100);
 * const eth = Array.from({ length: n }, (_, i) => Math.cos(1.7 * i) / 100);
 * const y = btc.map((b, i) => 0.001 + 1.5 * b + 0.5 * eth[i]!);
 * const r = rollingOls(y, [btc, eth], { window: 10 });
 * assert.ok(Number.isNaN(r.alpha[8]!)); // fewer than 10 rows so far
 * assert.ok(Math.abs(r.betas[0]![20]! - 1.5) < 1e-9 && Math.abs(r.betas[1]![20]! - 0.5) < 1e-9);
 * const c = rollingOls(y, [btc, eth], { window: 10, causal: true });
 * assert.equal(c.betas[0]![21], r.betas[0]![20]); // entry t uses rows up to t - 1
 * assert.ok(Math.abs(c.residuals[21]!) < 1e-12);
 * ```
 */
export function rollingOls(
  y: Series,
  xs: readonly Series[],
  options: RollingOlsOptions,
): RollingOlsResult {
  const what = "Cannot compute rolling OLS";
  const k = xs.length;
  const n = y.length;
  const window = options.window;
  if (k === 0) throw new RangeError(`${what}: pass at least one regressor in xs`);
  for (let j = 0; j < k; j++) {
    if (xs[j]!.length !== n) {
      throw new RangeError(
        `${what}: xs[${j}] has ${xs[j]!.length} rows, y has ${n}; align the series first`,
      );
    }
  }
  if (!Number.isInteger(window) || window < 2) {
    throw new RangeError(`${what}: window must be an integer >= 2, got ${window}`);
  }
  const minObs = options.minObs ?? window;
  if (!Number.isInteger(minObs) || minObs < k + 1 || minObs > window) {
    throw new RangeError(
      `${what}: minObs must be an integer in [${
        k + 1
      } (regressors + intercept), window=${window}], got ${minObs}`,
    );
  }
  const causal = options.causal ?? false;
  const Y = toF64(y);
  const X = xs.map(toF64);
  // complete[i] = 1 when y and every x are finite at row i.
  const complete = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let ok = Number.isFinite(Y[i]!);
    for (let j = 0; ok && j < k; j++) ok = Number.isFinite(X[j]![i]!);
    complete[i] = ok ? 1 : 0;
  }
  const out: RollingOlsResult = {
    alpha: new Float64Array(n).fill(NaN),
    betas: Array.from({ length: k }, () => new Float64Array(n).fill(NaN)),
    rSquared: new Float64Array(n).fill(NaN),
    residuals: new Float64Array(n).fill(NaN),
    nobs: new Int32Array(n),
  };
  const spec = { window, minObs, causal };
  // Two factors (BTC and ETH) is the everyday case: a kernel with scalar state runs ~4x faster.
  if (k === 2) rollingOlsTwo(Y, X[0]!, X[1]!, complete, spec, out);
  else rollingOlsAny(Y, X, complete, spec, out);
  return out;
}
