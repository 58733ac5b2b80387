/**
 * Hamilton filter and Kim smoother for a Markov-switching regression of returns on a
 * regime-dependent constant with regime-dependent variance.
 *
 * @module
 */

/**
 * Parameters of a `k`-state Markov-switching mean/variance model
 * `y[t] = const[S_t] + e[t]`, `e[t] ~ N(0, sigma2[S_t])`.
 */
export interface MarkovSwitchingParams {
  /** Number of states (2 or 3 in practice). */
  readonly k: number;
  /**
   * Transition matrix, row-major `k x k`: `transition[i * k + j] = P(S_t = i | S_{t-1} = j)`
   * (statsmodels' `regime_transition[i, j]`); each column sums to 1.
   */
  readonly transition: Float64Array;
  /** Mean of `y` in each state. */
  readonly const: Float64Array;
  /** Variance of `y` in each state. */
  readonly sigma2: Float64Array;
}

/** Result of {@link markovFilter}. */
export interface MarkovFilterResult {
  /** Log-likelihood `sum_t log f(y_t | y_0..t-1)`. */
  logLikelihood: number;
  /**
   * Filtered probabilities, row-major `n x k`: `filtered[t * k + j] = P(S_t = j | y_0..t)`.
   * Causal: row `t` uses `y_0 .. y_t` only. These are what anything that trades or tests uses.
   */
  filtered: Float64Array;
  /** One-step predicted probabilities `P(S_t = j | y_0..t-1)`, row-major `n x k`. */
  predicted: Float64Array;
  /**
   * Smoothed probabilities `P(S_t = j | y_0..n-1)` (Kim smoother), row-major `n x k`, only when
   * asked for. NOT causal: row `t` uses the whole sample, so never feed it to a backtest or test.
   */
  smoothedNonCausal?: Float64Array;
}

/** Work arrays of length `n * k` that {@link markovFilter} can reuse. */
export interface MarkovBuffers {
  readonly filtered: Float64Array;
  readonly predicted: Float64Array;
  readonly smoothed: Float64Array;
}

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * Stationary (ergodic) distribution of a column-stochastic transition matrix: the `pi` with
 * `P pi = pi`, `sum pi = 1`, the initial state probabilities statsmodels uses by default.
 * Solved by Gaussian elimination on `(I - P)` with its last row replaced by ones. Cost: O(k^3).
 *
 * @example Two states
 * ```ts
 * import { ergodicProbabilities } from "@lib/materialize/regimes/markov_filter.ts";
 * import assert from "node:assert/strict";
 * // P(0|0) = 0.9, P(1|0) = 0.1, P(0|1) = 0.3, P(1|1) = 0.7
 * const pi = ergodicProbabilities(2, Float64Array.of(0.9, 0.3, 0.1, 0.7));
 * assert.ok(Math.abs(pi[0]! - 0.75) < 1e-12 && Math.abs(pi[1]! - 0.25) < 1e-12);
 * ```
 */
export function ergodicProbabilities(k: number, transition: Float64Array): Float64Array {
  const a = new Float64Array(k * (k + 1));
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      a[i * (k + 1) + j] = i === k - 1 ? 1 : (i === j ? 1 : 0) - transition[i * k + j]!;
    }
    a[i * (k + 1) + k] = i === k - 1 ? 1 : 0;
  }
  for (let c = 0; c < k; c++) {
    let piv = c;
    for (let r = c + 1; r < k; r++) {
      if (Math.abs(a[r * (k + 1) + c]!) > Math.abs(a[piv * (k + 1) + c]!)) piv = r;
    }
    if (piv !== c) {
      for (let j = 0; j <= k; j++) {
        const tmp = a[c * (k + 1) + j]!;
        a[c * (k + 1) + j] = a[piv * (k + 1) + j]!;
        a[piv * (k + 1) + j] = tmp;
      }
    }
    const d = a[c * (k + 1) + c]!;
    for (let r = 0; r < k; r++) {
      if (r === c) continue;
      const f = a[r * (k + 1) + c]! / d;
      if (f === 0) continue;
      for (let j = c; j <= k; j++) a[r * (k + 1) + j]! -= f * a[c * (k + 1) + j]!;
    }
  }
  const pi = new Float64Array(k);
  for (let i = 0; i < k; i++) pi[i] = a[i * (k + 1) + k]! / a[i * (k + 1) + i]!;
  return pi;
}

/**
 * Run the Hamilton (1989) filter, and optionally the Kim (1994) smoother, of a Markov-switching
 * mean/variance model over `y`, starting from the ergodic probabilities (statsmodels'
 * `MarkovRegression(..., trend='c', switching_variance=True)` with its default initialization).
 * A row whose densities all underflow (a return tens of standard deviations from every state)
 * is combined in log space with the largest subtracted, so it cannot turn the likelihood to -Inf. Equal to statsmodels' `loglike`, `filtered_marginal_probabilities`
 * and `smoothed_marginal_probabilities` (tests/oracles/regimes.py). Cost: O(n k^2).
 *
 * @param y observations (NaN = missing: the filter predicts through it and it adds nothing to the
 *   log-likelihood)
 * @param params model parameters
 * @param smoothed also compute the (non-causal) smoothed probabilities. @default false
 * @param buffers arrays of length `n * k` to write into instead of allocating (an optimizer calls
 *   the filter thousands of times); the result then aliases them
 *
 * @example One observation far in the high-variance state's tail
 * ```ts
 * import { markovFilter } from "@lib/materialize/regimes/markov_filter.ts";
 * import assert from "node:assert/strict";
 * const p = { k: 2, transition: Float64Array.of(0.9, 0.1, 0.1, 0.9),
 *   const: Float64Array.of(0, 0), sigma2: Float64Array.of(1, 25) };
 * const f = markovFilter(Float64Array.of(0.1, 12), p);
 * assert.ok(f.filtered[3]! > 0.99); // P(S_1 = 1 | y_0, y_1)
 * ```
 * @param initial the predicted probabilities of row 0 (to continue a filter); default the
 *   ergodic ones
 */
export function markovFilter(
  y: ArrayLike<number>,
  params: MarkovSwitchingParams,
  smoothed = false,
  buffers?: MarkovBuffers,
  initial?: ArrayLike<number>,
): MarkovFilterResult {
  const { k, transition: P } = params;
  const n = y.length;
  const filtered = buffers?.filtered ?? new Float64Array(n * k);
  const predicted = buffers?.predicted ?? new Float64Array(n * k);
  const ld = new Float64Array(k);
  const logNorm = new Float64Array(k);
  const inv2 = new Float64Array(k);
  const cst = Float64Array.from(params.const);
  for (let j = 0; j < k; j++) {
    const s2 = params.sigma2[j]!;
    logNorm[j] = -HALF_LOG_2PI - 0.5 * Math.log(s2);
    inv2[j] = 0.5 / s2;
  }
  if (initial !== undefined && initial.length !== k) {
    throw new RangeError(
      `Cannot run the Markov filter: initial has ${initial.length} probabilities for ${k} states`,
    );
  }
  predicted.set(initial ?? ergodicProbabilities(k, P), 0);
  // log f_t is accumulated as a running product renormalized now and then (one log per ~100
  // rows instead of one per row); a row where every density underflows falls back to log space
  let llf = 0;
  let prod = 1;
  for (let t = 0; t < n; t++) {
    const yt = y[t]!;
    const base = t * k;
    if (Number.isNaN(yt)) {
      // a missing observation carries no information: the filter just predicts through it
      for (let j = 0; j < k; j++) filtered[base + j] = predicted[base + j]!;
      if (t + 1 < n) {
        for (let i = 0; i < k; i++) {
          let s = 0;
          for (let j = 0; j < k; j++) s += P[i * k + j]! * filtered[base + j]!;
          predicted[base + k + i] = s;
        }
      }
      continue;
    }
    let f = 0;
    for (let j = 0; j < k; j++) {
      const e = yt - cst[j]!;
      const v = predicted[base + j]! * Math.exp(logNorm[j]! - e * e * inv2[j]!);
      filtered[base + j] = v;
      f += v;
    }
    if (f > 1e-280 && f < 1e280) {
      prod *= f;
      if (prod < 1e-200 || prod > 1e200) {
        llf += Math.log(prod);
        prod = 1;
      }
    } else {
      let mx = -Infinity;
      for (let j = 0; j < k; j++) {
        const e = yt - cst[j]!;
        const v = logNorm[j]! - e * e * inv2[j]!;
        ld[j] = v;
        if (v > mx) mx = v;
      }
      f = 0;
      for (let j = 0; j < k; j++) {
        const v = predicted[base + j]! * Math.exp(ld[j]! - mx);
        filtered[base + j] = v;
        f += v;
      }
      llf += mx + Math.log(f);
    }
    const inv = 1 / f;
    for (let j = 0; j < k; j++) filtered[base + j]! *= inv;
    if (t + 1 < n) {
      const nb = base + k;
      for (let i = 0; i < k; i++) {
        let s = 0;
        for (let j = 0; j < k; j++) s += P[i * k + j]! * filtered[base + j]!;
        predicted[nb + i] = s;
      }
    }
  }
  llf += Math.log(prod);
  const out: MarkovFilterResult = { logLikelihood: llf, filtered, predicted };
  if (smoothed) {
    out.smoothedNonCausal = kimSmoother(k, P, filtered, predicted, n, buffers?.smoothed);
  }
  return out;
}

/**
 * Kim (1994) smoother: `P(S_t = j | y_0..n-1)` from the filter's filtered and predicted
 * probabilities (row-major `n x k`), backwards from the last row. NOT causal: row t uses the
 * whole sample. Writes into `out` when given. Cost: O(n k^2).
 *
 * @example The last row equals the filtered one
 * ```ts
 * import { kimSmoother, markovFilter } from "@lib/materialize/regimes/markov_filter.ts";
 * import assert from "node:assert/strict";
 * const p = { k: 2, transition: Float64Array.of(0.9, 0.1, 0.1, 0.9),
 *   const: Float64Array.of(0, 0), sigma2: Float64Array.of(1, 9) };
 * const f = markovFilter(Float64Array.of(0.2, 4, -5, 0.1), p);
 * const sm = kimSmoother(2, p.transition, f.filtered, f.predicted, 4);
 * assert.equal(sm[6], f.filtered[6]);
 * assert.ok(Math.abs(sm[0]! + sm[1]! - 1) < 1e-12);
 * ```
 */
export function kimSmoother(
  k: number,
  P: Float64Array,
  filtered: Float64Array,
  predicted: Float64Array,
  n: number,
  out?: Float64Array,
): Float64Array {
  const sm = out ?? new Float64Array(n * k);
  if (n === 0) return sm;
  const ratio = new Float64Array(k);
  for (let j = 0; j < k; j++) sm[(n - 1) * k + j] = filtered[(n - 1) * k + j]!;
  for (let t = n - 2; t >= 0; t--) {
    const nb = (t + 1) * k;
    for (let i = 0; i < k; i++) {
      const p = predicted[nb + i]!;
      ratio[i] = p > 0 ? sm[nb + i]! / p : 0;
    }
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let i = 0; i < k; i++) s += P[i * k + j]! * ratio[i]!;
      sm[t * k + j] = filtered[t * k + j]! * s;
    }
  }
  return sm;
}
