/**
 * Hurst exponent by classical rescaled-range (R/S) analysis, optionally with the Anis-Lloyd
 * expected R/S correction.
 *
 * @module
 */
import type { Series } from "./types.ts";

/** Options of {@link hurst}; defaults stated once here. */
export interface HurstOptions {
  /** Smallest chunk size, an integer >= 2 (default 8). */
  readonly minChunk?: number;
  /** Largest chunk size (default `floor(n / 2)`, so every size averages at least two chunks). */
  readonly maxChunk?: number;
  /** Estimator: "rs" (rescaled range), the only one implemented (default). */
  readonly method?: "rs";
  /**
   * "none" (default): the classical slope of `ln R/S` on `ln n`, biased upwards in small chunks
   * (about 0.55 for white noise with chunks of 8 to a few thousand). "anis-lloyd": subtract the
   * expected R/S of white noise, `H = 0.5 + slope of ln(R/S / E[R/S])` (Anis-Lloyd with
   * Peters' small-sample factor, Weron 2002 eq. 4), which centres white noise on 0.5.
   */
  readonly correction?: "none" | "anis-lloyd";
}

/** The result of {@link hurst}. */
export interface HurstResult {
  /** Estimated Hurst exponent: the slope of the log-log fit (see `correction`). */
  readonly hurst: number;
  /** Intercept of that fit (natural logs). */
  readonly intercept: number;
  /** R squared of that fit. */
  readonly rSquared: number;
  /** The dyadic chunk sizes `minChunk * 2^j <= maxChunk`. */
  readonly chunkSizes: Float64Array;
  /** Average R/S over the chunks of each size (NaN when no chunk of that size varies). */
  readonly rescaledRange: Float64Array;
}

/**
 * Hurst exponent of a series of returns (increments, not prices) by rescaled-range analysis.
 *
 * **Interpretation.** H = 0.5 for increments without long memory (a random walk in prices),
 * H > 0.5 for persistent increments (trends: long-range positive dependence), H < 0.5 for
 * anti-persistent ones (mean reversion). There is no p-value: R/S has a large small-sample
 * variance (about +-0.05 for 4,000 white-noise points) and short-memory autocorrelation (a
 * GARCH or AR(1) return) also lifts it, so use it as a description; test with
 * `varianceRatio` (Lo's criticism of R/S, 1991).
 *
 * **Definition** (Hurst estimators differ; this is the one computed, and the one the oracle in
 * `tests/oracles/timeseries.py` reimplements):
 * 1. chunk sizes `n = minChunk, 2 minChunk, 4 minChunk, ...` up to `maxChunk`;
 * 2. for each size, the series is cut into `floor(N / n)` non-overlapping chunks from the first
 *    value (the tail that does not fill a chunk is dropped);
 * 3. in each chunk: mean m, cumulative deviations `Y_k = sum_{i<=k} (x_i - m)`, range
 *    `R = max(0, Y_1..Y_n) - min(0, Y_1..Y_n)`, standard deviation with divisor n
 *    `S = sqrt(sum (x_i - m)^2 / n)`; chunks with S = 0 are skipped;
 * 4. `R/S(n)` = arithmetic mean of R/S over the chunks of that size;
 * 5. OLS of `ln R/S(n)` on `ln n` over the sizes: `hurst` is the slope. With
 *    `correction: "anis-lloyd"` the response is `ln R/S(n) - ln E[R/S](n) + 0.5 ln n` with
 *    `E[R/S](n) = (n - 1/2)/n * Gamma((n-1)/2) / (sqrt(pi) Gamma(n/2)) * sum_{i=1}^{n-1}
 *    sqrt((n - i) / i)` (computed exactly for every n; Weron switches to an asymptotic form
 *    above n = 340 only to avoid overflowing Gamma).
 *
 * References: Hurst (1951); Mandelbrot and Wallis (1969); Anis and Lloyd (1976), Biometrika
 * 63(1); Peters (1994), Fractal Market Analysis; free: Weron (2002), "Estimating long-range
 * dependence: finite sample properties and confidence intervals", Physica A 312 (arXiv
 * cond-mat/0103510). Cost: O(N log(maxChunk / minChunk)), plus O(maxChunk) for the correction.
 *
 * @param x returns (increments), all finite
 * @throws RangeError on a non-finite value or when fewer than two chunk sizes fit
 *
 * @example White noise has H near 0.5 (after the Anis-Lloyd correction)
 * ```ts
 * import { hurst } from "@lib/stats/hurst.ts";
 * import { createRng } from "@lib/stats/rng.ts";
 * import assert from "node:assert/strict";
 * const rng = createRng(11);
 * const x = Float64Array.from({ length: 8192 }, () => rng.normal());
 * const h = hurst(x, { minChunk: 16, correction: "anis-lloyd" });
 * assert.ok(Math.abs(h.hurst - 0.5) < 0.08);
 * assert.deepEqual(Array.from(h.chunkSizes), [16, 32, 64, 128, 256, 512, 1024, 2048, 4096]);
 * ```
 */
export function hurst(x: Series, options: HurstOptions = {}): HurstResult {
  const n = x.length;
  const minChunk = options.minChunk ?? 8;
  const maxChunk = options.maxChunk ?? Math.floor(n / 2);
  const method = options.method ?? "rs";
  const correction = options.correction ?? "none";
  if (method !== "rs") {
    throw new RangeError(`Cannot compute the Hurst exponent: method must be "rs", got ${method}`);
  }
  if (correction !== "none" && correction !== "anis-lloyd") {
    throw new RangeError(
      `Cannot compute the Hurst exponent: correction must be "none" or "anis-lloyd", got ${correction}`,
    );
  }
  if (!Number.isInteger(minChunk) || minChunk < 2) {
    throw new RangeError(
      `Cannot compute the Hurst exponent: minChunk must be an integer >= 2, got ${minChunk}`,
    );
  }
  if (!(maxChunk <= n) || !(maxChunk >= 2 * minChunk)) {
    throw new RangeError(
      `Cannot compute the Hurst exponent: need two chunk sizes, minChunk=${minChunk} and ` +
        `2 * minChunk <= maxChunk=${maxChunk} <= length ${n}; pass a longer series or a smaller minChunk`,
    );
  }
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(x[i]!)) {
      throw new RangeError(
        `Cannot compute the Hurst exponent: x[${i}] is missing or non-finite; pass returns without gaps`,
      );
    }
  }
  const sizes: number[] = [];
  for (let size = minChunk; size <= maxChunk; size *= 2) sizes.push(size);
  const chunkSizes = Float64Array.from(sizes);
  const rescaledRange = new Float64Array(sizes.length);
  for (let s = 0; s < sizes.length; s++) {
    const size = sizes[s]!;
    const chunks = Math.floor(n / size);
    let sum = 0, used = 0;
    for (let c = 0; c < chunks; c++) {
      const off = c * size;
      let mean = 0;
      for (let i = 0; i < size; i++) mean += x[off + i]!;
      mean /= size;
      let cum = 0, hi = 0, lo = 0, ss = 0;
      for (let i = 0; i < size; i++) {
        const d = x[off + i]! - mean;
        cum += d;
        ss += d * d;
        if (cum > hi) hi = cum;
        if (cum < lo) lo = cum;
      }
      if (ss > 0) {
        sum += (hi - lo) / Math.sqrt(ss / size);
        used++;
      }
    }
    rescaledRange[s] = used > 0 ? sum / used : NaN;
  }
  // Log-log least squares over the sizes with a finite R/S.
  const lx: number[] = [], ly: number[] = [];
  for (let s = 0; s < sizes.length; s++) {
    const rs = rescaledRange[s]!;
    if (!Number.isFinite(rs)) continue;
    const size = sizes[s]!;
    const ln = Math.log(size);
    lx.push(ln);
    ly.push(
      correction === "none" ? Math.log(rs) : Math.log(rs) - Math.log(expectedRescaledRange(size)) +
        0.5 * ln,
    );
  }
  if (lx.length < 2) {
    return { hurst: NaN, intercept: NaN, rSquared: NaN, chunkSizes, rescaledRange };
  }
  const m = lx.length;
  let mx = 0, my = 0;
  for (let i = 0; i < m; i++) {
    mx += lx[i]!;
    my += ly[i]!;
  }
  mx /= m;
  my /= m;
  let sxx = 0, sxy = 0, syy = 0;
  for (let i = 0; i < m; i++) {
    const dx = lx[i]! - mx, dy = ly[i]! - my;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  const slope = sxy / sxx;
  const rSquared = syy > 0 ? (sxy * sxy) / (sxx * syy) : 1;
  return { hurst: slope, intercept: my - slope * mx, rSquared, chunkSizes, rescaledRange };
}

/**
 * Expected R/S of `n` i.i.d. normal values, Anis and Lloyd (1976) with Peters' (1994) factor
 * `(n - 1/2) / n` (Weron 2002, eq. 4). The Gamma ratio `Gamma((n-1)/2) / Gamma(n/2)` is built by
 * the recurrence `r(n + 2) = r(n) (n - 1) / n` from `r(2) = sqrt(pi)`, `r(3) = 2 / sqrt(pi)`,
 * which never overflows. O(n).
 *
 * @example Two values: R/S is always 1, the expectation with Peters' factor is 0.75
 * ```ts
 * import { expectedRescaledRange } from "@lib/stats/hurst.ts";
 * import assert from "node:assert/strict";
 * assert.ok(Math.abs(expectedRescaledRange(2) - 0.75) < 1e-15);
 * ```
 */
export function expectedRescaledRange(n: number): number {
  if (!Number.isInteger(n) || n < 2) {
    throw new RangeError(`Cannot compute the expected R/S: n must be an integer >= 2, got ${n}`);
  }
  let r = n % 2 === 0 ? Math.sqrt(Math.PI) : 2 / Math.sqrt(Math.PI);
  for (let m = n % 2 === 0 ? 2 : 3; m < n; m += 2) r *= (m - 1) / m;
  let sum = 0;
  for (let i = 1; i < n; i++) sum += Math.sqrt((n - i) / i);
  return ((n - 0.5) / n) * (r / Math.sqrt(Math.PI)) * sum;
}
