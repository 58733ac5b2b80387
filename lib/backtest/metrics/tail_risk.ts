/**
 * Historical value at risk and conditional value at risk (expected shortfall).
 *
 * @module
 */
import { quantileSorted } from "../../core/quantile.ts";
import { finiteValues } from "./_finite.ts";

/** What {@link historicalTailRisk} returns: both are per-bar returns (a loss is negative). */
export interface TailRisk {
  /** Confidence level, e.g. 0.95. */
  readonly confidence: number;
  /**
   * Historical VaR: the `1 - confidence` quantile of the finite returns, numpy's linear
   * interpolation (pandas `r.quantile(0.05)`). At 95%, 5% of bars lost at least this much.
   */
  readonly valueAtRisk: number;
  /** Historical CVaR (expected shortfall): the mean of the returns at or below the VaR. */
  readonly conditionalValueAtRisk: number;
}

/**
 * Historical (non-parametric) value at risk and conditional value at risk of per-bar simple
 * returns at `confidence` (default 0.95): VaR is the `1 - confidence` sample quantile (numpy
 * "linear", pandas `quantile`), CVaR the mean of the returns `<=` VaR. Both are returns, so a
 * loss is negative: "on 5% of bars the strategy lost 1.2% or more, 1.9% on average". Unlike
 * quantstats' default `value_at_risk`, which is the normal quantile of the mean and standard
 * deviation, nothing is assumed about the shape of the tails. NaN without finite returns.
 * Cost: O(n log n).
 *
 * @example Twenty returns
 * ```ts
 * import { historicalTailRisk } from "@lib/backtest/metrics/tail_risk.ts";
 * import assert from "node:assert/strict";
 * const r = Array.from({ length: 20 }, (_, i) => (i - 10) / 100);
 * const t = historicalTailRisk(r);
 * assert.ok(Math.abs(t.valueAtRisk - -0.0905) < 1e-12); // position 0.95 between -0.10 and -0.09
 * assert.ok(Math.abs(t.conditionalValueAtRisk - -0.1) < 1e-12);
 * ```
 */
export function historicalTailRisk(returns: ArrayLike<number>, confidence = 0.95): TailRisk {
  if (!(confidence > 0 && confidence < 1)) {
    throw new RangeError(
      `Cannot compute value at risk: confidence must be between 0 and 1 (0.95), got ${confidence}`,
    );
  }
  const v = finiteValues(returns).sort();
  if (v.length === 0) return { confidence, valueAtRisk: NaN, conditionalValueAtRisk: NaN };
  const q = quantileSorted(v, 1 - confidence);
  let s = 0, k = 0;
  for (let i = 0; i < v.length && v[i]! <= q; i++) {
    s += v[i]!;
    k++;
  }
  return { confidence, valueAtRisk: q, conditionalValueAtRisk: k > 0 ? s / k : NaN };
}
