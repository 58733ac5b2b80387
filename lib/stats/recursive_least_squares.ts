/**
 * Recursive least squares with a forgetting factor: a dynamic (Kalman-style) beta.
 *
 * @module
 */
import { leastSquares } from "./least_squares.ts";
import { checkLengths } from "./_regression_design.ts";
import type { Series } from "./types.ts";

/** Options for {@link recursiveLeastSquares}. */
export interface RecursiveLeastSquaresOptions {
  /**
   * Forgetting factor λ in (0, 1]: the estimate at T minimises `sum_s λ^(T-s) (y_s - x_s'θ)²`
   * over the complete rows s <= T (skipped rows do not age the others). 1 (default) weighs
   * all history equally (expanding OLS); 0.99 on hourly bars gives an effective memory of
   * about 1 / (1 - λ) = 100 bars.
   */
  readonly forgetting?: number;
  /** Include an intercept (`alpha`). Default true. Without one, `alpha` is all zeros. */
  readonly intercept?: boolean;
  /**
   * Prior `θ_0 = 0, P_0 = delta I`. Default: none, the exact diffuse start (statsmodels'
   * `RecursiveLS` initialization): the recursion starts from the weighted least-squares fit
   * of the first complete rows that identify every coefficient, so no prior biases any
   * estimate. With `delta`, every estimate is shrunk towards 0 by a ridge penalty
   * `λ^(T+1) / delta · |θ|²`, and values start at the first complete row.
   */
  readonly delta?: number;
}

/** What {@link recursiveLeastSquares} returns: one entry per input row. */
export interface RecursiveLeastSquaresResult {
  /** Intercept estimate using rows up to and including t (0 without an intercept). */
  readonly alpha: Float64Array;
  /** Slope estimates using rows up to and including t, one array per regressor. */
  readonly betas: Float64Array[];
  /**
   * One-step-ahead prediction `x_t' θ_{t-1}` made from rows before t only (causal). NaN until
   * the first estimate exists or where a regressor is missing.
   */
  readonly predictions: Float64Array;
  /** `y_t - predictions_t`: the out-of-sample prediction error (statsmodels `forecasts_error`). */
  readonly residuals: Float64Array;
  /** Index of the first row with an estimate (-1 if none): the end of the diffuse burn-in. */
  readonly firstIndex: number;
  /**
   * Final `P_T = (sum_s λ^(T-s) x_s x_s')^-1` (p x p row-major, p = coefficients); times the
   * residual variance it is the coefficient covariance.
   */
  readonly finalP: Float64Array;
}

/**
 * Recursive least squares (RLS): the regression coefficients re-estimated at every row in
 * O(p²), exponentially forgetting old rows when `forgetting < 1`. It is the Kalman filter of a
 * regression with a random-walk coefficient, the standard "dynamic beta" of a pair or of an
 * asset on BTC: `betas[0][t]` adapts to regime changes without a hard window edge.
 *
 * Update per complete row: `e = y - x'θ`, `k = P x / (λ + x'P x)`, `θ += k e`,
 * `P = (P - k x'P) / λ` (kept symmetric). Rows where y or an x is not finite are skipped (the
 * estimate carries forward). Everything at t uses rows up to t; `predictions[t]` and
 * `residuals[t]` use rows up to t - 1 only.
 *
 * Equal (with λ = 1 and the default diffuse start) to statsmodels 0.13.5
 * `sm.RecursiveLS(y, sm.add_constant(X)).fit().recursive_coefficients.filtered` from the end
 * of its diffuse period on, and its `filter_results.forecasts_error`; with λ < 1 the estimate at
 * T equals `sm.WLS(y[:T+1], X[:T+1], weights=λ**(T - s)).fit().params`. With P_0 = delta I
 * instead, the prior weighs about `1 / (delta · sum x²)` relative to the data: with delta = 1e6
 * and 100 hourly returns (sum x² ~ 0.01) betas are shrunk by ~1e-4 relative.
 * With λ < 1 and regressors that stop moving (a constant x), P grows like λ^-t ("wind-up").
 *
 * Cost: O(n p²) time, O(n p) memory for the outputs.
 *
 * Reference: Haykin, "Adaptive Filter Theory", ch. 10 (RLS); Durbin and Koopman, "Time Series
 * Analysis by State Space Methods", §5 (exact diffuse initialization).
 * Free: https://www.statsmodels.org/stable/examples/notebooks/generated/recursive_ls.html
 *
 * @param y the response (NaN = missing)
 * @param xs the regressors, each as long as `y`
 *
 * @example A beta that changes from 1 to 2 is tracked with λ = 0.95
 * ```ts
 * import { recursiveLeastSquares } from "@lib/stats/recursive_least_squares.ts";
 * import assert from "node:assert/strict";
 * const x = Array.from({ length: 200 }, (_, i) => Math.sin(1.3 * i));
 * const y = x.map((v, i) => (i < 100 ? 1 : 2) * v);
 * const r = recursiveLeastSquares(y, [x], { forgetting: 0.95 });
 * assert.equal(r.firstIndex, 1); // two rows identify the intercept and the slope
 * assert.ok(Math.abs(r.betas[0]![99]! - 1) < 1e-9);
 * assert.ok(Math.abs(r.betas[0]![199]! - 2) < 0.02); // old rows weigh 0.95^100 ~ 0.6%
 * ```
 */
export function recursiveLeastSquares(
  y: Series,
  xs: readonly Series[],
  options: RecursiveLeastSquaresOptions = {},
): RecursiveLeastSquaresResult {
  const what = "Cannot compute recursive least squares";
  const lambda = options.forgetting ?? 1;
  const intercept = options.intercept ?? true;
  const delta = options.delta;
  if (!(lambda > 0 && lambda <= 1)) {
    throw new RangeError(`${what}: forgetting must be in (0, 1], got ${lambda}`);
  }
  if (delta !== undefined && !(delta > 0 && Number.isFinite(delta))) {
    throw new RangeError(`${what}: delta must be a positive number (e.g. 1e6), got ${delta}`);
  }
  checkLengths(y, xs, what);
  const k = xs.length;
  const p = k + (intercept ? 1 : 0);
  if (p === 0) throw new RangeError(`${what}: no regressors and no intercept`);
  const n = y.length;
  const off = intercept ? 1 : 0;
  const alpha = new Float64Array(n).fill(intercept ? NaN : 0);
  const betas = Array.from({ length: k }, () => new Float64Array(n).fill(NaN));
  const predictions = new Float64Array(n).fill(NaN);
  const residuals = new Float64Array(n).fill(NaN);
  const theta = new Float64Array(p);
  const P = new Float64Array(p * p);
  const x = new Float64Array(p);
  const px = new Float64Array(p);
  if (intercept) x[0] = 1;

  const rowOk = (i: number) => {
    if (!Number.isFinite(y[i]!)) return false;
    for (let j = 0; j < k; j++) if (!Number.isFinite(xs[j]![i]!)) return false;
    return true;
  };
  const store = (t: number) => {
    if (intercept) alpha[t] = theta[0]!;
    for (let j = 0; j < k; j++) betas[j]![t] = theta[j + off]!;
  };

  let started = false;
  let firstIndex = -1;
  let t0 = 0;
  if (delta !== undefined) {
    for (let i = 0; i < p; i++) P[i * p + i] = delta;
    started = true;
  } else {
    // Exact diffuse start: accumulate the weighted information A = sum λ^(m-s) x x' until it is
    // positive definite (a cheap Cholesky check), then fit those rows by QR for θ and P = A^-1.
    const A = new Float64Array(p * p);
    const L = new Float64Array(p * p);
    const seen: number[] = [];
    for (; t0 < n && !started; t0++) {
      if (!rowOk(t0)) continue;
      seen.push(t0);
      for (let j = 0; j < k; j++) x[j + off] = xs[j]![t0]!;
      for (let a = 0; a < p; a++) {
        for (let b = 0; b < p; b++) A[a * p + b] = lambda * A[a * p + b]! + x[a]! * x[b]!;
      }
      if (seen.length < p || !choleskyOk(A, L, p)) continue;
      const m = seen.length;
      const cols = Array.from({ length: p }, () => new Float64Array(m));
      const yy = new Float64Array(m);
      for (let s = 0; s < m; s++) {
        const r = seen[s]!;
        const sw = Math.sqrt(Math.pow(lambda, m - 1 - s));
        if (intercept) cols[0]![s] = sw;
        for (let j = 0; j < k; j++) cols[j + off]![s] = sw * xs[j]![r]!;
        yy[s] = sw * y[r]!;
      }
      const fit = leastSquares(cols, yy);
      if (fit === null) continue;
      theta.set(fit.coef);
      P.set(fit.xtxInv);
      started = true;
      firstIndex = t0;
      store(t0);
    }
  }

  for (let t = t0; t < n; t++) {
    let complete = Number.isFinite(y[t]!);
    let pred = 0;
    let xsOk = true;
    for (let j = 0; j < k; j++) {
      const v = xs[j]![t]!;
      if (!Number.isFinite(v)) xsOk = false;
      x[j + off] = v;
    }
    complete = complete && xsOk;
    if (xsOk && firstIndex >= 0) {
      for (let a = 0; a < p; a++) pred += x[a]! * theta[a]!;
      predictions[t] = pred;
      residuals[t] = y[t]! - pred; // NaN when y is missing
    }
    if (complete) {
      const e = y[t]! - pred;
      let denom = lambda;
      for (let a = 0; a < p; a++) {
        let v = 0;
        for (let b = 0; b < p; b++) v += P[a * p + b]! * x[b]!;
        px[a] = v;
        denom += x[a]! * v;
      }
      for (let a = 0; a < p; a++) theta[a] = theta[a]! + (px[a]! / denom) * e;
      // P <- (P - px px' / denom) / λ, computed on the upper triangle and mirrored.
      for (let a = 0; a < p; a++) {
        for (let b = a; b < p; b++) {
          const v = (P[a * p + b]! - (px[a]! * px[b]!) / denom) / lambda;
          P[a * p + b] = v;
          P[b * p + a] = v;
        }
      }
      if (firstIndex < 0) firstIndex = t;
    }
    if (firstIndex >= 0) store(t);
  }
  return { alpha, betas, predictions, residuals, firstIndex, finalP: P };
}

/** True when the symmetric p x p matrix A is numerically positive definite. */
function choleskyOk(A: Float64Array, L: Float64Array, p: number): boolean {
  for (let j = 0; j < p; j++) {
    const ajj = A[j * p + j]!;
    let s = ajj;
    for (let m = 0; m < j; m++) s -= L[j * p + m]! * L[j * p + m]!;
    if (!(s > 1e-10 * ajj)) return false;
    const ljj = Math.sqrt(s);
    L[j * p + j] = ljj;
    for (let i = j + 1; i < p; i++) {
      let v = A[j * p + i]!;
      for (let m = 0; m < j; m++) v -= L[i * p + m]! * L[j * p + m]!;
      L[i * p + j] = v / ljj;
    }
  }
  return true;
}
