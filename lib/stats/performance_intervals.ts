import {
  bootstrapConfidenceInterval,
  type BootstrapInterval,
  type BootstrapIntervalOptions,
  resampleIndices,
} from "./bootstrap_confidence_interval.ts";
import { checkPeriods } from "./_validate.ts";
import type { Series } from "./types.ts";

/** What {@link performanceIntervals} returns: one percentile interval per statistic, same resamples. */
export interface PerformanceIntervals {
  /** Annualized Sharpe ratio `mean / std(ddof 1) * sqrt(periodsPerYear)` of simple returns. */
  readonly sharpe: BootstrapInterval;
  /** Compound annual growth rate `prod(1 + r)^(periodsPerYear / n) - 1`. */
  readonly cagr: BootstrapInterval;
  /** Largest peak-to-trough fall of the equity `prod(1 + r)` (starting at 1), a fraction in [0, 1]. */
  readonly maxDrawdown: BootstrapInterval;
}

function sharpeOf(ppy: number) {
  return (r: Float64Array) => {
    let m = 0;
    for (const v of r) m += v;
    m /= r.length;
    let s = 0;
    for (const v of r) s += (v - m) * (v - m);
    const sd = Math.sqrt(s / (r.length - 1));
    return sd > 0 ? (m / sd) * Math.sqrt(ppy) : NaN;
  };
}

function cagrOf(ppy: number) {
  return (r: Float64Array) => {
    let l = 0;
    for (const v of r) l += Math.log1p(v);
    return Math.expm1((l * ppy) / r.length);
  };
}

function maxDrawdownOf(r: Float64Array): number {
  let eq = 1, peak = 1, dd = 0;
  for (const v of r) {
    eq *= 1 + v;
    if (eq > peak) peak = eq;
    const d = 1 - eq / peak;
    if (d > dd) dd = d;
  }
  return dd;
}

/**
 * Block-bootstrap percentile confidence intervals for the Sharpe ratio, CAGR and maximum
 * drawdown of a strategy's per-period simple returns, all three computed on the same resamples
 * (stationary bootstrap by default, block length by Politis-White on the returns; see
 * `bootstrapConfidenceInterval`). Annualized with `periodsPerYear` (365 daily, 8,760 hourly:
 * crypto trades every day). The drawdown interval is the uncertainty of the worst drawdown of a
 * series like this one, which block resampling tends to understate when the worst episode is
 * longer than the blocks. Returns must be finite and > -1. Cost: O(replications n).
 *
 * @example Daily returns
 * ```ts
 * import { performanceIntervals } from "@lib/stats/performance_intervals.ts";
 * import { createRng } from "@lib/stats/rng.ts";
 * import assert from "node:assert/strict";
 * const rng = createRng(8);
 * const r = Float64Array.from({ length: 730 }, () => 0.001 + 0.02 * rng.normal());
 * const ci = performanceIntervals(r, 365, { seed: 1, replications: 300 });
 * assert.ok(ci.sharpe.lower < ci.sharpe.estimate && ci.sharpe.estimate < ci.sharpe.upper);
 * assert.ok(ci.maxDrawdown.lower >= 0 && ci.maxDrawdown.upper <= 1);
 * ```
 */
export function performanceIntervals(
  returns: Series,
  periodsPerYear: number,
  options: BootstrapIntervalOptions = {},
): PerformanceIntervals {
  checkPeriods(periodsPerYear, "performance intervals");
  for (let i = 0; i < returns.length; i++) {
    if (!(returns[i]! > -1) || !Number.isFinite(returns[i]!)) {
      throw new RangeError(
        `Cannot compute performance intervals: return ${i} is ${
          returns[i]
        }; simple returns must be finite and > -1`,
      );
    }
  }
  const o = { ...options, indices: resampleIndices(returns, options) };
  return {
    sharpe: bootstrapConfidenceInterval(returns, sharpeOf(periodsPerYear), o),
    cagr: bootstrapConfidenceInterval(returns, cagrOf(periodsPerYear), o),
    maxDrawdown: bootstrapConfidenceInterval(returns, maxDrawdownOf, o),
  };
}

/**
 * Block-bootstrap percentile confidence interval of the mean information coefficient of an IC
 * series (one IC per timestamp; drop the NaN ones first). IC series of overlapping forward
 * horizons are strongly autocorrelated, which is what the block length (Politis-White by
 * default) accounts for. Cost: O(replications n).
 *
 * @example
 * ```ts
 * import { meanIcInterval } from "@lib/stats/performance_intervals.ts";
 * import { createRng } from "@lib/stats/rng.ts";
 * import assert from "node:assert/strict";
 * const rng = createRng(2);
 * const ic = Float64Array.from({ length: 400 }, () => 0.05 + 0.1 * rng.normal());
 * const ci = meanIcInterval(ic, { seed: 3 });
 * assert.ok(ci.lower > 0 && ci.lower < 0.05 && ci.upper > 0.05);
 * ```
 */
export function meanIcInterval(
  ic: Series,
  options: BootstrapIntervalOptions = {},
): BootstrapInterval {
  return bootstrapConfidenceInterval(ic, (s) => {
    let m = 0;
    for (const v of s) m += v;
    return m / s.length;
  }, options);
}
