/**
 * Lo and MacKinlay's variance-ratio test of the random-walk hypothesis, with the definitions of
 * the `arch` package's `VarianceRatio` (levels in, same defaults, same statistic and p-value).
 *
 * @module
 */
import { normalCdf } from "./distributions.ts";
import type { Series } from "./types.ts";

/** Options of {@link varianceRatio}; the defaults are `arch`'s. */
export interface VarianceRatioOptions {
  /** Horizon q of the multi-period variance, an integer >= 2 (default 2). */
  readonly lags?: number;
  /** Drift: "c" estimates a drift `(y_T - y_0) / T` (default), "n" assumes none. */
  readonly trend?: "c" | "n";
  /** Use all overlapping q-period changes (default true); else non-overlapping blocks. */
  readonly overlap?: boolean;
  /** Heteroskedasticity-robust variance of the statistic (default true; overlap only). */
  readonly robust?: boolean;
  /** Small-sample unbiased variances (default true; overlap only). */
  readonly debiased?: boolean;
}

/** The result of {@link varianceRatio}. */
export interface VarianceRatioResult {
  /** `VR(q)`: q-period variance / (q times the one-period variance); 1 under a random walk. */
  readonly ratio: number;
  /** `sqrt(T) (VR - 1) / sqrt(avar)`, asymptotically standard normal under the null. */
  readonly statistic: number;
  /** Two-sided normal p-value `2 (1 - Phi(|statistic|))`. */
  readonly pValue: number;
  /** The horizon q used. */
  readonly lags: number;
  /** Number of one-period changes used, T (after trimming when `overlap` is false). */
  readonly nobs: number;
}

/**
 * Variance-ratio test: are the increments of `y` uncorrelated (a random walk), or do q-bar
 * changes vary more (trending, VR > 1) or less (mean reverting, VR < 1) than q one-bar changes?
 *
 * **Input: levels, e.g. log prices** (as `arch`), not returns: the one-period changes are
 * `y_t - y_{t-1}`. Every value must be finite (a gap would silently merge two changes).
 *
 * **Null hypothesis:** `y` is a random walk, possibly with drift: its increments are serially
 * uncorrelated. With `robust` (default) the increments may be heteroskedastic (Lo-MacKinlay's
 * z*(q)), which is the relevant null for crypto returns with volatility clustering; without it
 * they must be i.i.d. (z(q)). A small p-value with a positive statistic means positive serial
 * correlation (momentum), with a negative one mean reversion.
 *
 * **Definitions** (Campbell, Lo and MacKinlay 1997, sec. 2.4, as in `arch` >= 4.16, i.e. after
 * arch's GH 286 fix of the non-robust and robust variances): T = `y.length - 1` changes,
 * `mu = (y_T - y_0) / T` (0 when `trend` "n"), `d_t = y_t - y_{t-1} - mu`.
 * - overlap: `s1 = sum d_t^2 / T`, `sq = sum_{t>=q} (y_t - y_{t-q} - q mu)^2 / (T q)`; debiased:
 *   `s1 = sum d_t^2 / (T - 1)`, `sq = sum (...)^2 / m`, `m = q (T - q + 1) (1 - q / T)`;
 *   `avar = 2 (2q - 1)(q - 1) / (3q)`, or robust `sum_{j=1}^{q-1} (2 (q - j) / q)^2 delta_j`,
 *   `delta_j = T sum_{t>j} d_t^2 d_{t-j}^2 / (sum d_t^2)^2`;
 * - no overlap: the last `T mod q` values of `y` are dropped, `sq = sum_k (y_{kq} - y_{kq-q} -
 *   q mu)^2 / T`, `avar = 2 (q - 1)`;
 * - `ratio = sq / s1`, `statistic = sqrt(T) (ratio - 1) / sqrt(avar)`.
 *
 * Reference: Lo and MacKinlay (1988), "Stock market prices do not follow random walks",
 * Review of Financial Studies 1(1), 41-66 (free working paper: NBER w2168); Campbell, Lo and
 * MacKinlay (1997), The Econometrics of Financial Markets, ch. 2. Cost: O(n q).
 *
 * @param y levels (log prices), all finite, at least q + 2 values (2q without overlap)
 * @throws RangeError on a non-finite value, bad options or a too short or constant series
 *
 * @example A random walk is not rejected; a strongly mean-reverting series is
 * ```ts
 * import { varianceRatio } from "@lib/stats/variance_ratio.ts";
 * import { createRng } from "@lib/stats/rng.ts";
 * import assert from "node:assert/strict";
 * const rng = createRng(3);
 * const walk = new Float64Array(5000), ar = new Float64Array(5000);
 * for (let t = 1; t < 5000; t++) {
 *   walk[t] = walk[t - 1]! + rng.normal();
 *   ar[t] = 0.5 * ar[t - 1]! + rng.normal();
 * }
 * assert.ok(varianceRatio(walk, { lags: 4 }).pValue > 0.01);
 * const vr = varianceRatio(ar, { lags: 4 });
 * assert.ok(vr.ratio < 0.6 && vr.statistic < -5 && vr.pValue < 1e-6);
 * ```
 */
export function varianceRatio(y: Series, options: VarianceRatioOptions = {}): VarianceRatioResult {
  const q = options.lags ?? 2;
  const trend = options.trend ?? "c";
  const overlap = options.overlap ?? true;
  const robust = options.robust ?? true;
  const debiased = options.debiased ?? true;
  if (!Number.isInteger(q) || q < 2) {
    throw new RangeError(
      `Cannot compute the variance ratio: lags must be an integer >= 2, got ${q}`,
    );
  }
  if (trend !== "c" && trend !== "n") {
    throw new RangeError(
      `Cannot compute the variance ratio: trend must be "c" or "n", got ${trend}`,
    );
  }
  const required = overlap ? q + 1 + (debiased ? 1 : 0) : 2 * q;
  if (y.length < required) {
    throw new RangeError(
      `Cannot compute the variance ratio: need at least ${required} values for lags=${q}, got ${y.length}`,
    );
  }
  for (let i = 0; i < y.length; i++) {
    if (!Number.isFinite(y[i]!)) {
      throw new RangeError(
        `Cannot compute the variance ratio: y[${i}] is missing or non-finite; pass a contiguous ` +
          `stretch of levels (log prices), not a series with gaps`,
      );
    }
  }
  let len = y.length;
  if (!overlap) len -= (len - 1) % q;
  const t = len - 1;
  const mu = trend === "n" ? 0 : (y[len - 1]! - y[0]!) / t;
  const d2 = new Float64Array(t); // squared demeaned one-period changes
  let ss1 = 0;
  for (let i = 0; i < t; i++) {
    const d = y[i + 1]! - y[i]! - mu;
    d2[i] = d * d;
    ss1 += d * d;
  }
  if (!(ss1 > 0)) {
    throw new RangeError("Cannot compute the variance ratio: the series has no variation");
  }
  let s1: number, sq: number, avar: number;
  const qmu = q * mu;
  if (overlap) {
    let ssq = 0;
    for (let i = q; i <= t; i++) {
      const d = y[i]! - y[i - q]! - qmu;
      ssq += d * d;
    }
    if (debiased) {
      s1 = ss1 / (t - 1);
      sq = ssq / (q * (t - q + 1) * (1 - q / t));
    } else {
      s1 = ss1 / t;
      sq = ssq / (t * q);
    }
    if (robust) {
      avar = 0;
      const scale = ss1 * ss1;
      for (let j = 1; j < q; j++) {
        let s = 0;
        for (let i = j; i < t; i++) s += d2[i]! * d2[i - j]!;
        const w = (2 * (q - j)) / q;
        avar += w * w * ((t * s) / scale);
      }
    } else {
      avar = (2 * (2 * q - 1) * (q - 1)) / (3 * q);
    }
  } else {
    let ssq = 0;
    for (let i = q; i <= t; i += q) {
      const d = y[i]! - y[i - q]! - qmu;
      ssq += d * d;
    }
    s1 = ss1 / t;
    sq = ssq / t;
    avar = 2 * (q - 1);
  }
  const ratio = sq / s1;
  const statistic = (Math.sqrt(t) * (ratio - 1)) / Math.sqrt(avar);
  const pValue = 2 * normalCdf(-Math.abs(statistic)); // no cancellation in the far tail
  return { ratio, statistic, pValue, lags: q, nobs: t };
}
