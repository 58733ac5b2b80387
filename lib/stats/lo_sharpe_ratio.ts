import { checkPeriods } from "./_validate.ts";
import { ljungBox, type LjungBoxResult, sampleAcf } from "./ljung_box.ts";
import type { Series } from "./types.ts";

/** Options of {@link loSharpeRatio}. */
export interface LoSharpeRatioOptions {
  /**
   * Highest autocorrelation lag used in `eta(q)`; lags above it are taken as 0. An integer in
   * [1, q - 1]. Lo's formula sums all q - 1 estimated autocorrelations, which for q = 365 or
   * 8,760 adds mostly noise, so the default stops at the Ljung-Box horizon.
   * @default {min(q - 1, 10)}
   */
  readonly maxLag?: number;
  /**
   * Ljung-Box significance below which `autocorrelated` is true.
   * @default {0.05}
   */
  readonly alpha?: number;
}

/** Default options of {@link loSharpeRatio} (`maxLag` defaults to `min(q - 1, 10)`). */
export const LO_SHARPE_DEFAULTS = { maxLag: 10, alpha: 0.05 } as const;

/** What {@link loSharpeRatio} returns. */
export interface LoSharpeRatio {
  /** Per-period Sharpe ratio `mean / s` (ddof 1). */
  readonly sharpe: number;
  /** Annualized with `sqrt(q)`, correct only for serially uncorrelated returns. */
  readonly naiveAnnualized: number;
  /** Lo's annualization `eta(q) SR`. */
  readonly annualized: number;
  /** `eta(q) = q / sqrt(q + 2 sum_{k=1}^{q-1} (q - k) rho_k)`; `sqrt(q)` without autocorrelation. */
  readonly eta: number;
  /** Lags used in `eta`. */
  readonly maxLag: number;
  /** Ljung-Box test at `maxLag` lags. */
  readonly ljungBox: LjungBoxResult;
  /** True when the Ljung-Box p-value is below `alpha`: prefer `annualized` to `naiveAnnualized`. */
  readonly autocorrelated: boolean;
}

/**
 * Lo's (2002) annualization of a Sharpe ratio of serially correlated returns, with a flag that
 * says whether the correction matters. Annualizing with `sqrt(q)` assumes independent returns;
 * positive autocorrelation (smoothed or trend-following returns) makes it overstate the annual
 * Sharpe ratio, negative autocorrelation (mean reversion) understate it. Lo's correction is
 *
 * `SR(q) = eta(q) SR`, `eta(q) = q / sqrt(q + 2 sum_{k=1}^{q-1} (q - k) rho_k)`
 *
 * with `q = periodsPerYear` (an integer: 365 daily, 8,760 hourly) and `rho_k` the sample
 * autocorrelations (statsmodels `acf`). Returns must be finite and gap-free. Reference: Lo (2002),
 * "The Statistics of Sharpe Ratios", Financial Analysts Journal 58(4), eq. 17-18.
 * Cost: O(n maxLag).
 *
 * @example Uncorrelated returns: eta is close to sqrt(q)
 * ```ts
 * import { loSharpeRatio } from "@lib/stats/lo_sharpe_ratio.ts";
 * import { createRng } from "@lib/stats/rng.ts";
 * import assert from "node:assert/strict";
 * const rng = createRng(3);
 * const r = Float64Array.from({ length: 3000 }, () => 0.001 + 0.01 * rng.normal());
 * const out = loSharpeRatio(r, 365);
 * assert.ok(Math.abs(out.eta / Math.sqrt(365) - 1) < 0.2);
 * assert.equal(out.autocorrelated, out.ljungBox.pValue < 0.05);
 * ```
 */
export function loSharpeRatio(
  returns: Series,
  periodsPerYear: number,
  options: LoSharpeRatioOptions = {},
): LoSharpeRatio {
  checkPeriods(periodsPerYear, "Lo Sharpe ratio");
  const q = periodsPerYear;
  if (!Number.isInteger(q) || q < 2) {
    throw new RangeError(
      `Cannot compute Lo Sharpe ratio: periodsPerYear must be an integer >= 2 (the aggregation q), got ${q}`,
    );
  }
  const n = returns.length;
  const maxLag = options.maxLag ?? Math.min(q - 1, LO_SHARPE_DEFAULTS.maxLag);
  if (!Number.isInteger(maxLag) || maxLag < 1 || maxLag > q - 1 || maxLag > n - 1) {
    throw new RangeError(
      `Cannot compute Lo Sharpe ratio: maxLag must be an integer in [1, min(q - 1, n - 1) = ${
        Math.min(q - 1, n - 1)
      }], got ${maxLag}`,
    );
  }
  const alpha = options.alpha ?? LO_SHARPE_DEFAULTS.alpha;
  if (!(alpha > 0 && alpha < 1)) {
    throw new RangeError(`Cannot compute Lo Sharpe ratio: alpha must be in (0, 1), got ${alpha}`);
  }
  const lb = ljungBox(returns, { lags: maxLag }); // also checks every value is finite
  const rho = maxLag === lb.lags ? lb.autocorrelations : sampleAcf(returns, maxLag);
  let m = 0;
  for (let i = 0; i < n; i++) m += returns[i]!;
  m /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (returns[i]! - m) * (returns[i]! - m);
  const sd = Math.sqrt(ss / (n - 1));
  const sharpe = sd > 0 ? m / sd : NaN;
  let acc = q;
  for (let k = 1; k <= maxLag; k++) acc += 2 * (q - k) * rho[k - 1]!;
  const eta = acc > 0 ? q / Math.sqrt(acc) : NaN;
  return {
    sharpe,
    naiveAnnualized: sharpe * Math.sqrt(q),
    annualized: eta * sharpe,
    eta,
    maxLag,
    ljungBox: lb,
    autocorrelated: lb.pValue < alpha,
  };
}
