/**
 * Z-score of one cross-section, with optional clipping.
 *
 * @module
 */
import type { Series } from "./types.ts";

/** Options for {@link zscore}. */
export interface ZscoreOptions {
  /** When set, scores are clipped to [-clip, clip] after standardizing. Must be > 0. */
  readonly clip?: number;
  /** Delta degrees of freedom of the standard deviation (divisor `m - ddof`). Default 1. */
  readonly ddof?: number;
}

/**
 * Standardize `x`: `(x - mean) / std` over its finite values, then optionally clip to
 * `[-clip, clip]`. This is pandas `((x - x.mean()) / x.std(ddof=1)).clip(-clip, clip)`. Use it to
 * put signals with different units on one scale before combining or ranking them; the clip
 * caps the weight any single asset can take.
 *
 * Non-finite values are missing: they are skipped in the mean and standard deviation and come
 * back NaN. When fewer than `ddof + 1` values are finite, or they are all equal (zero
 * dispersion), every output is NaN: there is no scale to divide by. pandas would return NaN,
 * ±Infinity, or (when rounding in the mean leaves a spurious ~1e-18 deviation) arbitrary scores
 * there. Mean and variance are two-pass (mean first, then centred squares).
 * Reference: https://en.wikipedia.org/wiki/Standard_score.
 *
 * Cost: O(n).
 *
 * @example Standardize a cross-section and cap it at ±1
 * ```ts
 * import { zscore } from "@lib/stats/zscore.ts";
 * import assert from "node:assert/strict";
 * const z = zscore([1, 2, NaN, 3]); // mean 2, std (ddof=1) 1
 * assert.deepEqual([z[0], z[1], z[3]], [-1, 0, 1]);
 * assert.ok(Number.isNaN(z[2]!));
 * const c = zscore([0, 0, 0, 0, 10], { clip: 1 });
 * assert.equal(c[4], 1);
 * ```
 */
export function zscore(x: Series, options: ZscoreOptions = {}): Float64Array {
  const { clip, ddof } = checkZscoreOptions(options);
  const n = x.length;
  const out = new Float64Array(n);
  let s = 0, m = 0, lo = Infinity, hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    if (Number.isFinite(v)) {
      s += v;
      m++;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (m - ddof <= 0) return out.fill(NaN);
  const mu = s / m;
  // All values equal: rounding in the mean would leave a tiny spurious deviation and a scale.
  if (lo === hi) return out.fill(NaN);
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    if (Number.isFinite(v)) ss += (v - mu) * (v - mu);
  }
  const sd = Math.sqrt(ss / (m - ddof));
  if (!(sd > 0)) return out.fill(NaN);
  for (let i = 0; i < n; i++) out[i] = standardize(x[i]!, mu, sd, clip);
  return out;
}

/** Validate and resolve {@link ZscoreOptions} (internal). */
export function checkZscoreOptions(options: ZscoreOptions): { clip: number; ddof: number } {
  const ddof = options.ddof ?? 1;
  if (!Number.isInteger(ddof) || ddof < 0) {
    throw new RangeError(`Cannot compute zscore: ddof must be an integer >= 0, got ${ddof}`);
  }
  const clip = options.clip ?? Infinity;
  if (!(clip > 0)) {
    throw new RangeError(
      `Cannot compute zscore: clip must be a positive number (e.g. 3), got ${options.clip}`,
    );
  }
  return { clip, ddof };
}

/** `(v - mu) / sd` clipped to ±clip; NaN when `v` is not finite (internal). */
export function standardize(v: number, mu: number, sd: number, clip: number): number {
  if (!Number.isFinite(v)) return NaN;
  const z = (v - mu) / sd;
  return z > clip ? clip : z < -clip ? -clip : z;
}
