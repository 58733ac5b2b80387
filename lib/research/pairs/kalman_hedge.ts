/**
 * A Kalman filter for a time-varying hedge ratio (dynamic beta and intercept), the model of
 * E. Chan, "Algorithmic Trading: Winning Strategies and Their Rationale" (Wiley 2013), ch. 3,
 * example 3.3; free write-ups of the same recursions: https://www.quantstart.com/articles/Dynamic-Hedge-Ratio-Between-ETF-Pairs-Using-the-Kalman-Filter/
 *
 * @module
 */
import type { Series } from "@lib/stats/types.ts";
import { checkSameLength } from "./_prices.ts";

/** Options of {@link kalmanHedge} (and of `hedgeRatio` with `method: "kalman"`). */
export interface KalmanHedgeOptions {
  /**
   * Fit an intercept state besides the slope. Default `true`: the state is `[beta, alpha]` and
   * the observation `y_t = beta_t x_t + alpha_t + e_t`.
   */
  readonly intercept?: boolean;
  /**
   * How fast the hedge ratio may drift: the state follows a random walk with covariance
   * `delta / (1 - delta) * I` per bar. Default `1e-4` (Chan 2013). Larger adapts faster and
   * tracks noise; `delta -> 0` tends to a recursive OLS over all bars.
   */
  readonly delta?: number;
  /**
   * Variance of the observation noise `e_t` (in squared log-price units). Default `1e-3`
   * (Chan 2013). It sets, with `delta`, the signal-to-noise ratio of the filter.
   */
  readonly observationVariance?: number;
  /** Prior mean of the state before the first bar, `[beta, alpha]` (or `[beta]`). Default zeros. */
  readonly initialState?: readonly number[];
  /**
   * Prior variance of each state component before the first bar (the prior covariance is this
   * times the identity). Default `0`, as in Chan 2013 (the filter starts certain of
   * `initialState` and learns through `delta`); pass a large value (say `1`) for a diffuse
   * start that follows the data from the first bars.
   */
  readonly initialCovariance?: number;
}

/** What {@link kalmanHedge} returns; every array has the length of the input. */
export interface KalmanHedge {
  /** Filtered slope after bar t (uses data up to and including t). */
  readonly betas: Float64Array;
  /** Filtered intercept after bar t (zeros when `intercept: false`). */
  readonly intercepts: Float64Array;
  /**
   * One-step prediction of `y[t]`: `beta_{t|t-1} x[t] + alpha_{t|t-1}`, from the state
   * estimated on bars up to t-1 only (NaN when `y[t]` or `x[t]` is missing).
   */
  readonly predictions: Float64Array;
  /** Variance of the prediction error at t, `h R h' + observationVariance` (Chan's `Q`). */
  readonly predictionVariances: Float64Array;
  /**
   * The causal spread `y[t] - predictions[t]` (Chan's forecast error `e`): the hedge ratio it
   * uses was known before bar t. `spread / sqrt(predictionVariances)` is Chan's trading z-score.
   */
  readonly spread: Float64Array;
  /** Bars where both series were finite (the filter updated on them). */
  readonly nobs: number;
}

/**
 * Time-varying hedge ratio of `y` on `x` by a Kalman filter: the state `[beta_t, alpha_t]`
 * follows a random walk and each bar observes `y_t = beta_t x_t + alpha_t + noise`. Use it
 * when the relation between two assets drifts and a static OLS hedge ratio goes stale; the
 * causal spread it returns is what Chan (2013) trades.
 *
 * Recursions (state s, covariance P, h = [x_t, 1], Vw = delta/(1-delta) I, Ve the observation
 * variance): prior `R = P + Vw` (at the first bar `R = initialCovariance I`), prediction
 * `yhat = h s`, `Q = h R h' + Ve`, gain `K = R h' / Q`, update `s += K (y - yhat)`,
 * `P = R - K h R`. A bar where `y` or `x` is missing updates nothing; the state carries over
 * and its uncertainty grows by Vw. Inputs are used as given: pass log prices (see `hedgeRatio`
 * for the price-taking entry point). O(n).
 *
 * @example A hedge ratio that jumps from 1 to 2 is tracked
 * ```ts
 * import { kalmanHedge } from "@lib/research/pairs/kalman_hedge.ts";
 * import assert from "node:assert/strict";
 * const x = Array.from({ length: 400 }, (_, t) => 3 + Math.sin(t / 7));
 * const y = x.map((v, t) => (t < 200 ? 1 : 2) * v + 0.5);
 * const k = kalmanHedge(y, x, { delta: 1e-3, initialCovariance: 1 });
 * assert.ok(Math.abs(k.betas[199]! - 1) < 0.05 && Math.abs(k.betas[399]! - 2) < 0.05);
 * ```
 */
export function kalmanHedge(y: Series, x: Series, options: KalmanHedgeOptions = {}): KalmanHedge {
  const what = "a Kalman hedge ratio";
  checkSameLength(y, x, what);
  const withIntercept = options.intercept ?? true;
  const delta = options.delta ?? 1e-4;
  const ve = options.observationVariance ?? 1e-3;
  const p0 = options.initialCovariance ?? 0;
  const dim = withIntercept ? 2 : 1;
  const s0 = options.initialState ?? (withIntercept ? [0, 0] : [0]);
  if (!(delta > 0 && delta < 1)) {
    throw new RangeError(`Cannot compute ${what}: delta must be in (0, 1), got ${delta}`);
  }
  if (!(ve > 0) || !Number.isFinite(ve)) {
    throw new RangeError(
      `Cannot compute ${what}: observationVariance must be a positive number, got ${ve}`,
    );
  }
  if (!(p0 >= 0) || !Number.isFinite(p0)) {
    throw new RangeError(
      `Cannot compute ${what}: initialCovariance must be a number >= 0, got ${p0}`,
    );
  }
  if (s0.length !== dim || !s0.every(Number.isFinite)) {
    throw new RangeError(
      `Cannot compute ${what}: initialState must hold ${dim} finite numbers ` +
        `([beta${withIntercept ? ", alpha" : ""}]), got [${s0.join(", ")}]`,
    );
  }
  const vw = delta / (1 - delta);
  const n = y.length;
  const betas = new Float64Array(n);
  const intercepts = new Float64Array(n);
  const predictions = new Float64Array(n).fill(NaN);
  const predictionVariances = new Float64Array(n).fill(NaN);
  const spread = new Float64Array(n).fill(NaN);
  let b = s0[0]!, a = withIntercept ? s0[1]! : 0;
  // P = [[pbb, pba], [pba, paa]] (pba = paa = 0 without intercept)
  let pbb = p0, pba = 0, paa = withIntercept ? p0 : 0;
  let nobs = 0;
  for (let t = 0; t < n; t++) {
    // Prior covariance R; the first bar's prior is the initial covariance itself.
    const rba = pba;
    let rbb = pbb, raa = paa;
    if (t > 0) {
      rbb += vw;
      if (withIntercept) raa += vw;
    }
    const xt = x[t]!, yt = y[t]!;
    if (Number.isFinite(xt) && Number.isFinite(yt)) {
      const yhat = b * xt + a;
      // R h' with h = [x, 1] (or [x])
      const rhB = withIntercept ? rbb * xt + rba : rbb * xt;
      const rhA = withIntercept ? rba * xt + raa : 0;
      const q = (withIntercept ? xt * rhB + rhA : xt * rhB) + ve;
      const e = yt - yhat;
      const kb = rhB / q, ka = rhA / q;
      b += kb * e;
      a += ka * e;
      // P = R - K h R = R - (R h')(R h')' / q, symmetric by construction
      pbb = rbb - rhB * kb;
      pba = rba - rhB * ka;
      paa = raa - rhA * ka;
      predictions[t] = yhat;
      predictionVariances[t] = q;
      spread[t] = e;
      nobs++;
    } else {
      pbb = rbb;
      pba = rba;
      paa = raa;
    }
    betas[t] = b;
    intercepts[t] = a;
  }
  return { betas, intercepts, predictions, predictionVariances, spread, nobs };
}
