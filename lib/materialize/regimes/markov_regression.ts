/**
 * Maximum-likelihood fit of a Markov-switching regression of returns (switching mean and
 * variance), equal to statsmodels' `MarkovRegression(y, k_regimes=k, trend='c',
 * switching_variance=True).fit()` at its optimum.
 *
 * @module
 */
import { createRng } from "../../stats/rng.ts";
import {
  ergodicProbabilities,
  type MarkovBuffers,
  markovFilter,
  type MarkovSwitchingParams,
} from "./markov_filter.ts";

/** Options of {@link fitMarkovRegression}; every default is stated here once. */
export interface MarkovRegressionOptions {
  /** Number of states. @default 2 */
  k?: number;
  /**
   * Starting points. The first is statsmodels' default start (every transition probability
   * 1/k, constants `mean * i / k`, variances evenly spaced from `var / 10` to `var`); the rest
   * are seeded random draws. One start can stop at a local optimum (see the README). @default 6
   */
  starts?: number;
  /** Seed of the random starts. @default 1 */
  seed?: number;
  /** EM iterations from every start before the best ones are polished. @default 20 */
  emIterations?: number;
  /** How many of the best EM end points are polished by BFGS. @default 2 */
  polish?: number;
  /** Also return the (non-causal) smoothed probabilities. @default false */
  smoothed?: boolean;
}

/** Defaults of {@link MarkovRegressionOptions}. */
export const MARKOV_DEFAULTS = {
  k: 2,
  starts: 6,
  seed: 1,
  emIterations: 20,
  polish: 2,
  smoothed: false,
} as const;

/** One start of a {@link fitMarkovRegression} run. */
export interface MarkovStart {
  /** Log-likelihood after the EM iterations. */
  emLogLikelihood: number;
  /** Log-likelihood after the BFGS polish (NaN when this start was not polished). */
  logLikelihood: number;
}

/** Result of {@link fitMarkovRegression}. States are ordered by variance, calmest first. */
export interface MarkovRegressionFit {
  /** Fitted parameters, states ordered by ascending variance (labels never switch between runs). */
  params: MarkovSwitchingParams;
  /** Maximized log-likelihood. */
  logLikelihood: number;
  /** Filtered probabilities `P(S_t = j | y_0..t)` at the fitted parameters, row-major `n x k`. */
  filtered: Float64Array;
  /** Smoothed probabilities (whole sample, NOT causal), only when asked for. */
  smoothedNonCausal?: Float64Array;
  /** Every start, in order (start 0 is statsmodels' default start). */
  starts: MarkovStart[];
  /** Index of the start the optimum came from. */
  bestStart: number;
  /** Observations used. */
  nobs: number;
  /** The options actually used. */
  options: Required<MarkovRegressionOptions>;
}

/** Smallest state variance of the standardized series (see fromTheta and the EM update). */
const MIN_STD_VARIANCE = 1e-8;

/** Free parameters in the unconstrained space: k(k-1) logits, k constants, k log variances. */
function dim(k: number): number {
  return k * (k - 1) + 2 * k;
}

function toTheta(p: MarkovSwitchingParams): Float64Array {
  const { k } = p;
  const th = new Float64Array(dim(k));
  let o = 0;
  for (let j = 0; j < k; j++) {
    const last = Math.max(p.transition[(k - 1) * k + j]!, 1e-300);
    for (let i = 0; i < k - 1; i++) {
      th[o++] = Math.log(Math.max(p.transition[i * k + j]!, 1e-300) / last);
    }
  }
  for (let j = 0; j < k; j++) th[o++] = p.const[j]!;
  for (let j = 0; j < k; j++) th[o++] = Math.log(p.sigma2[j]!);
  return th;
}

function fromTheta(k: number, th: Float64Array): MarkovSwitchingParams {
  const transition = new Float64Array(k * k);
  let o = 0;
  for (let j = 0; j < k; j++) {
    let mx = 0;
    for (let i = 0; i < k - 1; i++) mx = Math.max(mx, th[o + i]!);
    let s = Math.exp(-mx);
    for (let i = 0; i < k - 1; i++) s += Math.exp(th[o + i]! - mx);
    for (let i = 0; i < k - 1; i++) transition[i * k + j] = Math.exp(th[o + i]! - mx) / s;
    transition[(k - 1) * k + j] = Math.exp(-mx) / s;
    o += k - 1;
  }
  const c = new Float64Array(k), s2 = new Float64Array(k);
  for (let j = 0; j < k; j++) c[j] = th[o++]!;
  // y is standardized, so a state variance below 1e-8 can only be a state collapsing onto
  // repeated values (flat bars: returns of exactly 0), where the likelihood is unbounded: floor it
  for (let j = 0; j < k; j++) s2[j] = Math.max(Math.exp(th[o++]!), MIN_STD_VARIANCE);
  return { k, transition, const: c, sigma2: s2 };
}

/** One EM step (Hamilton filter, Kim smoother, closed-form M step); returns new params and the llf before it. */
function emStep(
  y: Float64Array,
  p: MarkovSwitchingParams,
  w: MarkovBuffers,
): [MarkovSwitchingParams, number] {
  const { k } = p;
  const n = y.length;
  const f = markovFilter(y, p, true, w);
  const sm = f.smoothedNonCausal!;
  const P = p.transition;
  const num = new Float64Array(k * k);
  const den = new Float64Array(k);
  for (let t = 1; t < n; t++) {
    const b = t * k, pb = b - k;
    for (let i = 0; i < k; i++) {
      const pr = f.predicted[b + i]!;
      if (!(pr > 0)) continue;
      const r = sm[b + i]! / pr;
      for (let j = 0; j < k; j++) num[i * k + j]! += r * P[i * k + j]! * f.filtered[pb + j]!;
    }
    for (let j = 0; j < k; j++) den[j]! += sm[pb + j]!;
  }
  const transition = new Float64Array(k * k);
  for (let j = 0; j < k; j++) {
    let s = 0;
    for (let i = 0; i < k; i++) s += num[i * k + j]!;
    for (let i = 0; i < k; i++) {
      transition[i * k + j] = Math.min(Math.max(s > 0 ? num[i * k + j]! / s : 1 / k, 1e-12), 1);
    }
  }
  const c = new Float64Array(k), s2 = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    let w = 0, wy = 0;
    for (let t = 0; t < n; t++) {
      const q = sm[t * k + j]!;
      w += q;
      wy += q * y[t]!;
    }
    c[j] = w > 0 ? wy / w : p.const[j]!;
    let ss = 0;
    for (let t = 0; t < n; t++) {
      const e = y[t]! - c[j]!;
      ss += sm[t * k + j]! * e * e;
    }
    s2[j] = w > 0 && ss > 0 ? Math.max(ss / w, MIN_STD_VARIANCE) : p.sigma2[j]!;
  }
  return [{ k, transition, const: c, sigma2: s2 }, f.logLikelihood];
}

function em(
  y: Float64Array,
  p0: MarkovSwitchingParams,
  iters: number,
  w: MarkovBuffers,
): MarkovSwitchingParams {
  let p = p0;
  let prev = -Infinity;
  for (let it = 0; it < iters; it++) {
    const [next, llf] = emStep(y, p, w);
    p = next;
    if (Math.abs(llf - prev) < 1e-10 * Math.abs(llf)) break;
    prev = llf;
  }
  return p;
}

function negLlf(y: Float64Array, k: number, th: Float64Array, w: MarkovBuffers): number {
  const v = -markovFilter(y, fromTheta(k, th), false, w).logLikelihood;
  return Number.isFinite(v) ? v : Infinity;
}

/**
 * Gradient of the negative log-likelihood in the unconstrained space, exact, from one filter and
 * smoother pass (Fisher's identity: the score is the expected complete-data score given y).
 * Only the ergodic initial distribution's dependence on the transition logits is differenced
 * numerically (O(k^3) per logit, no pass over the data).
 */
function gradient(
  y: Float64Array,
  k: number,
  th: Float64Array,
  g: Float64Array,
  w: MarkovBuffers,
): void {
  const p = fromTheta(k, th);
  const n = y.length;
  const f = markovFilter(y, p, true, w);
  const sm = f.smoothedNonCausal!;
  const P = p.transition;
  const N = new Float64Array(k * k);
  for (let t = 1; t < n; t++) {
    const b = t * k, pb = b - k;
    for (let i = 0; i < k; i++) {
      const pr = f.predicted[b + i]!;
      if (!(pr > 0)) continue;
      const r = sm[b + i]! / pr;
      for (let j = 0; j < k; j++) N[i * k + j]! += r * P[i * k + j]! * f.filtered[pb + j]!;
    }
  }
  let o = 0;
  const pi0 = ergodicProbabilities(k, P);
  const x = Float64Array.from(th);
  for (let j = 0; j < k; j++) {
    let col = 0;
    for (let m = 0; m < k; m++) col += N[m * k + j]!;
    for (let i = 0; i < k - 1; i++) {
      let v = N[i * k + j]! - P[i * k + j]! * col;
      // d/d logit of sum_m sm[0, m] log pi_m(P), central difference on the k x k solve only
      const h = 1e-6;
      x[o] = th[o]! + h;
      const up = ergodicProbabilities(k, fromTheta(k, x).transition);
      x[o] = th[o]! - h;
      const dn = ergodicProbabilities(k, fromTheta(k, x).transition);
      x[o] = th[o]!;
      for (let m = 0; m < k; m++) {
        if (pi0[m]! > 0) v += (sm[m]! * (up[m]! - dn[m]!)) / (2 * h * pi0[m]!);
      }
      g[o++] = -v;
    }
  }
  for (let j = 0; j < k; j++) {
    const c = p.const[j]!, s2 = p.sigma2[j]!;
    let gc = 0, gs = 0;
    for (let t = 0; t < n; t++) {
      const w = sm[t * k + j]!;
      const e = y[t]! - c;
      gc += w * e;
      gs += w * (e * e / s2 - 1);
    }
    g[o + j] = -gc / s2;
    g[o + k + j] = -0.5 * gs;
  }
}

/** BFGS with backtracking (Armijo) line search on the negative log-likelihood. */
function bfgs(
  y: Float64Array,
  k: number,
  th0: Float64Array,
  w: MarkovBuffers,
  maxIter = 200,
): Float64Array {
  const m = th0.length;
  let x = Float64Array.from(th0);
  let fx = negLlf(y, k, x, w);
  const g = new Float64Array(m);
  gradient(y, k, x, g, w);
  const H = new Float64Array(m * m);
  for (let i = 0; i < m; i++) H[i * m + i] = 1 / Math.max(1, y.length / 10);
  const d = new Float64Array(m), gNew = new Float64Array(m), s = new Float64Array(m);
  const yv = new Float64Array(m), Hy = new Float64Array(m);
  let flat = 0;
  for (let it = 0; it < maxIter; it++) {
    for (let i = 0; i < m; i++) {
      let v = 0;
      for (let j = 0; j < m; j++) v -= H[i * m + j]! * g[j]!;
      d[i] = v;
    }
    let slope = 0;
    for (let i = 0; i < m; i++) slope += g[i]! * d[i]!;
    if (!(slope < 0)) {
      // lost the descent direction: restart from steepest descent
      H.fill(0);
      for (let i = 0; i < m; i++) {
        H[i * m + i] = 1 / Math.max(1, y.length / 10);
        d[i] = -g[i]! * H[i * m + i]!;
      }
      slope = 0;
      for (let i = 0; i < m; i++) slope += g[i]! * d[i]!;
      if (!(slope < 0)) break;
    }
    let step = 1;
    let xn = new Float64Array(m);
    let fn = Infinity;
    for (let ls = 0; ls < 40; ls++) {
      for (let i = 0; i < m; i++) xn[i] = x[i]! + step * d[i]!;
      fn = negLlf(y, k, xn, w);
      if (fn <= fx + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(fn <= fx)) break;
    gradient(y, k, xn, gNew, w);
    for (let i = 0; i < m; i++) {
      s[i] = xn[i]! - x[i]!;
      yv[i] = gNew[i]! - g[i]!;
    }
    let sy = 0;
    for (let i = 0; i < m; i++) sy += s[i]! * yv[i]!;
    if (sy > 1e-12) {
      for (let i = 0; i < m; i++) {
        let v = 0;
        for (let j = 0; j < m; j++) v += H[i * m + j]! * yv[j]!;
        Hy[i] = v;
      }
      let yHy = 0;
      for (let i = 0; i < m; i++) yHy += yv[i]! * Hy[i]!;
      const a = (1 + yHy / sy) / sy;
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < m; j++) {
          H[i * m + j]! += a * s[i]! * s[j]! - (Hy[i]! * s[j]! + s[i]! * Hy[j]!) / sy;
        }
      }
    }
    const improved = fx - fn;
    [x, xn] = [xn, x];
    fx = fn;
    g.set(gNew);
    let gmax = 0;
    for (let i = 0; i < m; i++) gmax = Math.max(gmax, Math.abs(g[i]!));
    if (improved < 1e-14 * Math.abs(fx)) flat++;
    else flat = 0;
    if (gmax < 1e-7 || flat >= 3) break;
  }
  return x;
}

/** statsmodels' `MarkovRegression.start_params` for trend='c', switching variance. */
function defaultStart(k: number, mean: number, variance: number): MarkovSwitchingParams {
  const transition = new Float64Array(k * k).fill(1 / k);
  const c = new Float64Array(k), s2 = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    c[i] = mean * (i / k);
    s2[i] = k === 1 ? variance : variance / 10 + (i * (variance - variance / 10)) / (k - 1);
  }
  return { k, transition, const: c, sigma2: s2 };
}

function randomStart(
  k: number,
  mean: number,
  sd: number,
  rng: ReturnType<typeof createRng>,
): MarkovSwitchingParams {
  const transition = new Float64Array(k * k);
  for (let j = 0; j < k; j++) {
    const stay = 0.5 + 0.49 * rng.next();
    for (let i = 0; i < k; i++) transition[i * k + j] = i === j ? stay : (1 - stay) / (k - 1);
  }
  const c = new Float64Array(k), s2 = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    c[i] = mean + 0.3 * sd * rng.normal();
    s2[i] = sd * sd * Math.exp(rng.normal());
  }
  return { k, transition, const: c, sigma2: s2 };
}

/**
 * Reorder states by ascending variance (state 0 = calmest), permuting the transition matrix,
 * constants and variances together; returns the params and the old index of each new state.
 *
 * @example Two states swapped
 * ```ts
 * import { orderByVariance } from "@lib/materialize/regimes/markov_regression.ts";
 * import assert from "node:assert/strict";
 * const [p, o] = orderByVariance({ k: 2, transition: Float64Array.of(0.8, 0.3, 0.2, 0.7),
 *   const: Float64Array.of(1, 2), sigma2: Float64Array.of(4, 1) });
 * assert.deepEqual(o, [1, 0]);
 * assert.deepEqual([...p.sigma2], [1, 4]);
 * assert.deepEqual([...p.transition], [0.7, 0.2, 0.3, 0.8]);
 * ```
 */
export function orderByVariance(p: MarkovSwitchingParams): [MarkovSwitchingParams, number[]] {
  const { k } = p;
  const o = Array.from({ length: k }, (_, i) => i).sort((a, b) => p.sigma2[a]! - p.sigma2[b]!);
  const transition = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) transition[i * k + j] = p.transition[o[i]! * k + o[j]!]!;
  }
  return [{
    k,
    transition,
    const: Float64Array.from(o, (i) => p.const[i]!),
    sigma2: Float64Array.from(o, (i) => p.sigma2[i]!),
  }, o];
}

/**
 * Fit a `k`-state Markov-switching regression of returns on a switching constant with switching
 * variance by maximum likelihood: `y[t] = const[S_t] + e[t]`, `e[t] ~ N(0, sigma2[S_t])`, with a
 * first-order Markov chain `S_t` started at its ergodic distribution (Hamilton 1989; statsmodels'
 * `MarkovRegression(y, k_regimes=k, trend='c', switching_variance=True)`).
 *
 * The series is divided by its standard deviation so the optimizer sees unit scale (results are
 * mapped back exactly). From each of `starts` starting points (statsmodels' default first, then
 * seeded random ones) it runs `emIterations` EM steps (Hamilton filter + Kim smoother + closed-form
 * update, as statsmodels' own `em_iter`), then polishes the `polish` best end points with BFGS on
 * the exact likelihood (logit transition probabilities, log variances, central-difference
 * gradients), because EM ignores that the initial probabilities depend on the transition matrix
 * and slows down near the optimum. The best log-likelihood wins. States are then ordered by
 * variance (state 0 = calmest), so labels never switch between runs or starts.
 *
 * Only `filtered` (causal: row `t` uses `y_0..t`) may drive a trade or a test; the smoothed
 * probabilities use the whole sample and are returned only as `smoothedNonCausal`.
 *
 * Checked against statsmodels 0.13.5 on real BTC hourly returns (tests/oracles/regimes.py):
 * log-likelihood to 1e-6 relative, parameters and filtered probabilities to the tolerances
 * stated in tests/materialize/regimes/markov_regression_test.ts. Cost: O(starts * emIterations *
 * n k^2 + polish * iterations * k^2 * n k^2).
 *
 * @param y returns (finite; at least 10 per state)
 * @param options see {@link MarkovRegressionOptions}
 *
 * @example Two variance regimes are found, calm first
 * ```ts
 * import { fitMarkovRegression } from "@lib/materialize/regimes/markov_regression.ts";
 * import { createRng } from "@lib/stats/rng.ts";
 * import assert from "node:assert/strict";
 * const rng = createRng(7);
 * const y = new Float64Array(600);
 * for (let t = 0; t < 600; t++) y[t] = (Math.floor(t / 100) % 2 ? 3 : 1) * rng.normal();
 * const fit = fitMarkovRegression(y, { k: 2, starts: 3 });
 * assert.ok(fit.params.sigma2[0]! < 2 && fit.params.sigma2[1]! > 5);
 * assert.ok(fit.filtered[550 * 2 + 1]! > 0.5); // t = 550 is in a volatile block
 * ```
 */
export function fitMarkovRegression(
  y: ArrayLike<number>,
  options: MarkovRegressionOptions = {},
): MarkovRegressionFit {
  const opts: Required<MarkovRegressionOptions> = {
    k: options.k ?? MARKOV_DEFAULTS.k,
    starts: options.starts ?? MARKOV_DEFAULTS.starts,
    seed: options.seed ?? MARKOV_DEFAULTS.seed,
    emIterations: options.emIterations ?? MARKOV_DEFAULTS.emIterations,
    polish: options.polish ?? MARKOV_DEFAULTS.polish,
    smoothed: options.smoothed ?? MARKOV_DEFAULTS.smoothed,
  };
  const { k } = opts;
  const what = "Cannot fit the Markov-switching regression";
  if (!Number.isInteger(k) || k < 2 || k > 5) {
    throw new RangeError(`${what}: k must be an integer in [2, 5], got ${k}`);
  }
  if (!Number.isInteger(opts.starts) || opts.starts < 1) {
    throw new RangeError(`${what}: starts must be an integer >= 1, got ${opts.starts}`);
  }
  if (!Number.isInteger(opts.polish) || opts.polish < 1) {
    throw new RangeError(`${what}: polish must be an integer >= 1, got ${opts.polish}`);
  }
  const n = y.length;
  if (n < 10 * k) {
    throw new RangeError(`${what}: ${n} observations is too few for ${k} states (need ${10 * k})`);
  }
  let mean = 0;
  for (let t = 0; t < n; t++) {
    const v = y[t]!;
    if (!Number.isFinite(v)) {
      throw new RangeError(`${what}: y[${t}] is ${v}; drop missing returns before fitting`);
    }
    mean += v;
  }
  mean /= n;
  let variance = 0;
  for (let t = 0; t < n; t++) variance += (y[t]! - mean) ** 2;
  variance /= n;
  if (!(variance > 0)) throw new RangeError(`${what}: y is constant`);
  const scale = Math.sqrt(variance);
  const z = new Float64Array(n);
  for (let t = 0; t < n; t++) z[t] = y[t]! / scale;
  const zMean = mean / scale;

  const w: MarkovBuffers = {
    filtered: new Float64Array(n * k),
    predicted: new Float64Array(n * k),
    smoothed: new Float64Array(n * k),
  };
  const rng = createRng(opts.seed);
  const ends: { p: MarkovSwitchingParams; llf: number }[] = [];
  const starts: MarkovStart[] = [];
  for (let s = 0; s < opts.starts; s++) {
    const p0 = s === 0 ? defaultStart(k, zMean, 1) : randomStart(k, zMean, 1, rng);
    const p = em(z, p0, opts.emIterations, w);
    const llf = markovFilter(z, p, false, w).logLikelihood;
    ends.push({ p, llf });
    starts.push({ emLogLikelihood: llf - n * Math.log(scale), logLikelihood: NaN });
  }
  const order = ends.map((_, i) => i).sort((a, b) => {
    const la = ends[a]!.llf, lb = ends[b]!.llf;
    return (Number.isFinite(lb) ? lb : -Infinity) - (Number.isFinite(la) ? la : -Infinity);
  });
  let best: MarkovSwitchingParams | null = null;
  let bestLlf = -Infinity;
  let bestStart = 0;
  for (const s of order.slice(0, Math.min(opts.polish, order.length))) {
    const th = bfgs(z, k, toTheta(ends[s]!.p), w);
    const p = fromTheta(k, th);
    const llf = markovFilter(z, p, false, w).logLikelihood;
    starts[s]!.logLikelihood = llf - n * Math.log(scale);
    if (llf > bestLlf) {
      bestLlf = llf;
      best = p;
      bestStart = s;
    }
  }
  if (best === null || !Number.isFinite(bestLlf)) {
    throw new RangeError(`${what}: no start reached a finite log-likelihood`);
  }
  const [ordered] = orderByVariance(best);
  const params: MarkovSwitchingParams = {
    k,
    transition: ordered.transition,
    const: ordered.const.map((v) => v * scale),
    sigma2: ordered.sigma2.map((v) => v * variance),
  };
  const f = markovFilter(y, params, opts.smoothed);
  const out: MarkovRegressionFit = {
    params,
    logLikelihood: f.logLikelihood,
    filtered: f.filtered,
    starts,
    bestStart,
    nobs: n,
    options: opts,
  };
  if (f.smoothedNonCausal) out.smoothedNonCausal = f.smoothedNonCausal;
  return out;
}
