import type { Series } from "./types.ts";

/** What {@link sharpeMoments} returns: the inputs of the Sharpe-ratio inference functions. */
export interface SharpeMoments {
  /** Per-period Sharpe ratio `mean / s` with `s` the sample standard deviation (ddof 1). */
  readonly sharpe: number;
  /** Sample skewness `m3 / m2^1.5` (population moments, scipy `skew(bias=True)`). */
  readonly skewness: number;
  /**
   * Raw (non-excess) population kurtosis `m4 / m2^2`: 3 for a normal distribution
   * (scipy `kurtosis(fisher=False, bias=True)`), not the bias-corrected excess kurtosis of
   * `excessKurtosis`.
   */
  readonly kurtosis: number;
  /** Number of finite returns used. */
  readonly n: number;
}

/**
 * The per-period Sharpe ratio of simple returns with the skewness and kurtosis the Sharpe
 * inference papers use (Bailey and Lopez de Prado 2012, "The Sharpe ratio efficient frontier",
 * J. of Risk 15(2), https://ssrn.com/abstract=1821643; Mertens 2002): sample skewness
 * `m3 / m2^1.5` and raw population kurtosis `m4 / m2^2` (3 under normality), where
 * `mk = mean((r - mean(r))^k)`. Feed the result to `probabilisticSharpeRatio`,
 * `minimumTrackRecordLength` and `deflatedSharpeRatio`.
 *
 * Non-finite values are skipped (a missing bar is never a zero return). The Sharpe ratio is not
 * annualized and has no risk-free rate: subtract a per-period rate from the returns first if you
 * want one. `NaN` fields when fewer than 2 finite returns or zero variance. Cost: O(n), two passes.
 *
 * @example Moments of a small series
 * ```ts
 * import { sharpeMoments } from "@lib/stats/sharpe_moments.ts";
 * import assert from "node:assert/strict";
 * const m = sharpeMoments([0.01, -0.02, 0.03, 0.0, NaN]);
 * assert.equal(m.n, 4);
 * // scipy 1.10.1: skew([.01,-.02,.03,0]) = 0.0, kurtosis(..., fisher=False) = 1.8520710059171595
 * assert.ok(Math.abs(m.skewness) < 1e-12);
 * assert.ok(Math.abs(m.kurtosis - 1.8520710059171595) < 1e-12);
 * ```
 */
export function sharpeMoments(returns: Series): SharpeMoments {
  let s = 0, n = 0;
  for (let i = 0; i < returns.length; i++) {
    const v = returns[i]!;
    if (Number.isFinite(v)) {
      s += v;
      n++;
    }
  }
  if (n < 2) return { sharpe: NaN, skewness: NaN, kurtosis: NaN, n };
  const mu = s / n;
  let m2 = 0, m3 = 0, m4 = 0;
  for (let i = 0; i < returns.length; i++) {
    const v = returns[i]!;
    if (!Number.isFinite(v)) continue;
    const d = v - mu, d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  m2 /= n;
  m3 /= n;
  m4 /= n;
  if (!(m2 > 0)) return { sharpe: NaN, skewness: NaN, kurtosis: NaN, n };
  return {
    sharpe: mu / Math.sqrt((m2 * n) / (n - 1)),
    skewness: m3 / Math.pow(m2, 1.5),
    kurtosis: m4 / (m2 * m2),
    n,
  };
}
