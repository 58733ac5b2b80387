/**
 * The hedge ratio of a pair on log prices: OLS, total least squares, or a Kalman filter.
 *
 * @module
 */
import { leastSquares } from "@lib/stats/least_squares.ts";
import type { Series } from "@lib/stats/types.ts";
import { checkSameLength, logPricesOf } from "./_prices.ts";
import { kalmanHedge, type KalmanHedgeOptions } from "./kalman_hedge.ts";

/** How {@link hedgeRatio} estimates the ratio. */
export type HedgeMethod = "ols" | "tls" | "kalman";

/** Options of {@link hedgeRatio}. */
export interface HedgeRatioOptions extends KalmanHedgeOptions {
  /**
   * `"ols"` (default): regress log y on log x, the hedge ratio Engle-Granger uses; it is not
   * symmetric (y on x is not 1 / (x on y)). `"tls"`: total least squares (orthogonal
   * regression), symmetric in the two legs. `"kalman"`: a time-varying ratio, see
   * `kalmanHedge` for `delta`, `observationVariance`, `initialState`, `initialCovariance`.
   */
  readonly method?: HedgeMethod;
  /** Fit an intercept (default `true`). */
  readonly intercept?: boolean;
  /**
   * `false` (default): `y` and `x` are prices (closes); every finite value must be > 0 and
   * logs are taken here. `true`: they are already log prices and are used as given.
   */
  readonly logPrices?: boolean;
}

/** A static (whole-sample) hedge ratio: what {@link hedgeRatio} returns for OLS and TLS. */
export interface StaticHedgeRatio {
  readonly method: "ols" | "tls";
  /** Units of log x per unit of log y: the spread is `log y - intercept - beta log x`. */
  readonly beta: number;
  /** The fitted intercept (0 when `intercept: false`). */
  readonly intercept: number;
  /**
   * `log y - intercept - beta log x` at every bar (NaN where either is missing). In-sample:
   * beta is fitted on all bars, including later ones. For a causal spread use `"kalman"` or
   * `rollingOls(..., {causal: true})`.
   */
  readonly spread: Float64Array;
  /** Bars where both legs were finite. */
  readonly nobs: number;
}

/** A time-varying hedge ratio: what {@link hedgeRatio} returns for `method: "kalman"`. */
export interface KalmanHedgeRatio {
  readonly method: "kalman";
  /** The last filtered slope (uses every bar). */
  readonly beta: number;
  /** The last filtered intercept. */
  readonly intercept: number;
  /** Filtered slope after bar t (uses bars up to and including t). */
  readonly betas: Float64Array;
  /** Filtered intercept after bar t. */
  readonly intercepts: Float64Array;
  /** One-step prediction of log y at t from the state through t-1 and log x at t. */
  readonly predictions: Float64Array;
  /** Variance of the prediction error at t. */
  readonly predictionVariances: Float64Array;
  /** Causal spread `log y[t] - predictions[t]` (NaN where either leg is missing). */
  readonly spread: Float64Array;
  /** Bars where both legs were finite. */
  readonly nobs: number;
}

/**
 * Hedge ratio of `y` against `x` on LOG prices, so the spread `log y - a - b log x` is the
 * log value of holding one unit of y's value against b of x's. Pass prices (closes; logs are
 * taken here and a non-positive value is refused, since that is a return or a spread, not a
 * price) or, with `{logPrices: true}`, log prices. Bars where either leg is missing are left
 * out of the fit.
 *
 * - `"ols"`: least squares of log y on log x (QR), the same numbers as statsmodels
 *   `OLS(log_y, add_constant(log_x)).fit().params`; the hedge ratio of Engle-Granger.
 * - `"tls"`: total least squares (orthogonal regression): the line along the principal
 *   eigenvector of the 2 x 2 covariance of centred (log x, log y), minimising perpendicular
 *   distances. Unlike OLS it does not treat x as error-free, so swapping the legs gives exactly
 *   the inverse ratio. Without an intercept the second moments are not centred. Reference:
 *   Golub and Van Loan, "An analysis of the total least squares problem", SIAM J. Numer. Anal.
 *   17(6), 1980.
 * - `"kalman"`: a beta and intercept that drift as random walks, see `kalmanHedge`
 *   (Chan 2013 defaults `delta = 1e-4`, `observationVariance = 1e-3`).
 *
 * O(n) for all three.
 *
 * @example A pair priced 2 x^1.5: the log hedge ratio is 1.5
 * ```ts
 * import { hedgeRatio } from "@lib/research/pairs/hedge_ratio.ts";
 * import assert from "node:assert/strict";
 * const x = [10, 11, 12.5, 11.8, 13, 14.2];
 * const y = x.map((p, i) => 2 * p ** 1.5 * Math.exp(0.001 * (i % 2 ? 1 : -1)));
 * const ols = hedgeRatio(y, x);
 * assert.ok(Math.abs(ols.beta - 1.5) < 0.05);
 * const tls = hedgeRatio(y, x, { method: "tls" });
 * const inv = hedgeRatio(x, y, { method: "tls" });
 * assert.ok(Math.abs(tls.beta * inv.beta - 1) < 1e-12); // TLS is symmetric
 * assert.throws(() => hedgeRatio([0.01, -0.02, 0.01], [0.02, 0.01, -0.01]), /not a positive price/);
 * ```
 */
export function hedgeRatio(
  y: Series,
  x: Series,
  options: HedgeRatioOptions & { readonly method: "kalman" },
): KalmanHedgeRatio;
export function hedgeRatio(
  y: Series,
  x: Series,
  options?: HedgeRatioOptions & { readonly method?: "ols" | "tls" },
): StaticHedgeRatio;
export function hedgeRatio(
  y: Series,
  x: Series,
  options?: HedgeRatioOptions,
): StaticHedgeRatio | KalmanHedgeRatio;
export function hedgeRatio(
  y: Series,
  x: Series,
  options: HedgeRatioOptions = {},
): StaticHedgeRatio | KalmanHedgeRatio {
  const what = "a hedge ratio";
  checkSameLength(y, x, what);
  const method = options.method ?? "ols";
  if (method !== "ols" && method !== "tls" && method !== "kalman") {
    throw new RangeError(
      `Cannot compute ${what}: method must be "ols", "tls" or "kalman", got ${String(method)}`,
    );
  }
  const alreadyLog = options.logPrices ?? false;
  const ly = logPricesOf(y, alreadyLog, what, "y");
  const lx = logPricesOf(x, alreadyLog, what, "x");
  const withIntercept = options.intercept ?? true;
  if (method === "kalman") {
    const k = kalmanHedge(ly, lx, options);
    const n = ly.length;
    return {
      method,
      beta: n > 0 ? k.betas[n - 1]! : NaN,
      intercept: n > 0 ? k.intercepts[n - 1]! : NaN,
      betas: k.betas,
      intercepts: k.intercepts,
      predictions: k.predictions,
      predictionVariances: k.predictionVariances,
      spread: k.spread,
      nobs: k.nobs,
    };
  }
  // Complete rows only.
  const n = ly.length;
  let m = 0;
  for (let i = 0; i < n; i++) if (Number.isFinite(ly[i]!) && Number.isFinite(lx[i]!)) m++;
  if (m < 3) {
    throw new RangeError(
      `Cannot compute ${what}: need at least 3 bars where both legs are finite, got ${m}`,
    );
  }
  const cy = new Float64Array(m), cx = new Float64Array(m);
  for (let i = 0, j = 0; i < n; i++) {
    if (Number.isFinite(ly[i]!) && Number.isFinite(lx[i]!)) {
      cy[j] = ly[i]!;
      cx[j++] = lx[i]!;
    }
  }
  const { beta, intercept } = method === "ols"
    ? olsLine(cy, cx, withIntercept, what)
    : tlsLine(cy, cx, withIntercept, what);
  const spread = new Float64Array(n);
  for (let i = 0; i < n; i++) spread[i] = ly[i]! - intercept - beta * lx[i]!;
  return { method, beta, intercept, spread, nobs: m };
}

function olsLine(y: Float64Array, x: Float64Array, withIntercept: boolean, what: string) {
  const cols = withIntercept ? [new Float64Array(y.length).fill(1), x] : [x];
  const fit = leastSquares(cols, y);
  if (fit === null) {
    throw new RangeError(`Cannot compute ${what}: x is constant over the bars where both exist`);
  }
  return withIntercept
    ? { beta: fit.coef[1]!, intercept: fit.coef[0]! }
    : { beta: fit.coef[0]!, intercept: 0 };
}

function tlsLine(y: Float64Array, x: Float64Array, withIntercept: boolean, what: string) {
  const m = y.length;
  let mx = 0, my = 0;
  if (withIntercept) {
    for (let i = 0; i < m; i++) {
      mx += x[i]!;
      my += y[i]!;
    }
    mx /= m;
    my /= m;
  }
  let sxx = 0, syy = 0, sxy = 0;
  for (let i = 0; i < m; i++) {
    const dx = x[i]! - mx, dy = y[i]! - my;
    sxx += dx * dx;
    syy += dy * dy;
    sxy += dx * dy;
  }
  // A leg that is constant to working precision leaves sxx (or syy) at rounding level, where
  // the eigenvector is noise (a slope of 1e31 from a constant x): refuse it like OLS does.
  if (!(sxx > 1e-24 * m * mx * mx) || !(syy > 1e-24 * m * my * my)) {
    throw new RangeError(
      `Cannot compute ${what}: log ${!(sxx > 1e-24 * m * mx * mx) ? "x" : "y"} is constant over ` +
        `the ${m} complete rows, so there is no hedge ratio; check the price series`,
    );
  }
  if (!(sxy * sxy > 1e-20 * sxx * syy)) {
    throw new RangeError(
      `Cannot compute ${what}: log x and log y are uncorrelated, the total least squares line ` +
        `is not defined`,
    );
  }
  // Principal eigenvector (vx, vy) of [[sxx, sxy], [sxy, syy]]; beta = vy / vx. Of the two
  // algebraically equal forms, use the one without cancellation.
  const d = syy - sxx;
  const root = Math.hypot(d, 2 * sxy);
  const beta = d >= 0 ? (d + root) / (2 * sxy) : (2 * sxy) / (root - d);
  return { beta, intercept: withIntercept ? my - beta * mx : 0 };
}
