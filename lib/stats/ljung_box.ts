import { chiSquareCdf } from "./distributions.ts";
import type { Series } from "./types.ts";

/** Options of {@link ljungBox}. */
export interface LjungBoxOptions {
  /**
   * Number of autocorrelations tested (and degrees of freedom), an integer in [1, n - 1].
   * @default {10}
   */
  readonly lags?: number;
}

/** Default options of {@link ljungBox}. */
export const LJUNG_BOX_DEFAULTS = { lags: 10 } as const;

/** What {@link ljungBox} returns. */
export interface LjungBoxResult {
  /** `Q = n (n + 2) sum_{k=1..h} rho_k^2 / (n - k)`. */
  readonly statistic: number;
  /** `P(chi2_h > Q)`: small means the series is autocorrelated. */
  readonly pValue: number;
  readonly lags: number;
  readonly nobs: number;
  /** Sample autocorrelations rho_1..rho_h (statsmodels `acf`: demeaned, divided by n). */
  readonly autocorrelations: Float64Array;
}

/**
 * Sample autocorrelation function as statsmodels `acf(x, adjusted=False)`: `rho_k =
 * sum_t (x_t - m)(x_{t+k} - m) / sum_t (x_t - m)^2` for k = 1..maxLag. Cost: O(n maxLag).
 * Every value must be finite.
 */
export function sampleAcf(x: Series, maxLag: number): Float64Array {
  const n = x.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += x[i]!;
  m /= n;
  const d = new Float64Array(n);
  let c0 = 0;
  for (let i = 0; i < n; i++) {
    d[i] = x[i]! - m;
    c0 += d[i]! * d[i]!;
  }
  const out = new Float64Array(maxLag);
  for (let k = 1; k <= maxLag; k++) {
    let c = 0;
    for (let t = 0; t + k < n; t++) c += d[t]! * d[t + k]!;
    out[k - 1] = c / c0;
  }
  return out;
}

/**
 * Ljung-Box portmanteau test of no autocorrelation up to lag h. Null hypothesis: the series is
 * serially uncorrelated at lags 1..h; a small p-value says it is not, so a Sharpe ratio
 * annualized with `sqrt(periodsPerYear)` is off (see `loSharpeRatio`). The statistic is
 * `Q = n (n + 2) sum_{k=1..h} rho_k^2 / (n - k)`, chi-square with h degrees of freedom under the
 * null. Equal to statsmodels 0.13.5 `acorr_ljungbox(x, lags=[h])`.
 *
 * Every value must be finite (a gap changes which returns are neighbours: cut the series at
 * gaps instead). Reference: Ljung and Box (1978), "On a measure of lack of fit in time series
 * models", Biometrika 65(2), 297-303. Cost: O(n h).
 *
 * @example White noise is not flagged
 * ```ts
 * import { ljungBox } from "@lib/stats/ljung_box.ts";
 * import { createRng } from "@lib/stats/rng.ts";
 * import assert from "node:assert/strict";
 * const rng = createRng(7);
 * const x = Float64Array.from({ length: 2000 }, () => rng.normal());
 * assert.ok(ljungBox(x).pValue > 0.01);
 * ```
 */
export function ljungBox(x: Series, options: LjungBoxOptions = {}): LjungBoxResult {
  const n = x.length;
  const lags = options.lags ?? LJUNG_BOX_DEFAULTS.lags;
  if (!Number.isInteger(lags) || lags < 1 || lags > n - 1) {
    throw new RangeError(
      `Cannot compute Ljung-Box test: lags must be an integer in [1, n - 1 = ${
        n - 1
      }], got ${lags}`,
    );
  }
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(x[i]!)) {
      throw new RangeError(
        `Cannot compute Ljung-Box test: value ${i} is ${
          x[i]
        }; autocorrelations need a gap-free series, cut it at gaps first`,
      );
    }
  }
  const rho = sampleAcf(x, lags);
  let q = 0;
  for (let k = 1; k <= lags; k++) q += (rho[k - 1]! * rho[k - 1]!) / (n - k);
  q *= n * (n + 2);
  return { statistic: q, pValue: 1 - chiSquareCdf(q, lags), lags, nobs: n, autocorrelations: rho };
}
