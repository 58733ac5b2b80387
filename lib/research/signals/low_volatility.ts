/**
 * Low volatility: minus the trailing standard deviation of log returns.
 *
 * @module
 */
import type { Panel } from "../../panel/types.ts";
import { rollingStat } from "../../stats/rolling_stat.ts";
import { checkLookback, resolveMinObs } from "./_rolling.ts";

/** Options for {@link lowVolatility}. */
export interface LowVolatilityOptions {
  /** Lookback L in bars (e.g. 168 hourly bars = one week). */
  readonly lookback: number;
  /** Fewest finite returns in the window for a value, in [2, L]; default L. */
  readonly minObs?: number;
}

/**
 * Low-volatility signal: `S[a][t] = -std(logReturns[a][t-L+1..t])` (sample std, ddof 1), high
 * for the calmest assets; tests the low-volatility anomaly (calm assets earning more per unit
 * of risk than their risk suggests). Causal: bars up to t only. pandas 1.5
 * `-logret.rolling(L, min_periods=minObs).std()`. Not annualized (rank-based validation does not
 * need it; hourly to annual would be `* sqrt(8760)`, 365-day years). O(1) per bar.
 *
 * Reference: Ang, A., Hodrick, R., Xing, Y. and Zhang, X. (2006), "The Cross-Section of
 * Volatility and Expected Returns", Journal of Finance 61(1).
 *
 * @example Minus the 2-bar volatility
 * ```ts
 * import { lowVolatility } from "@lib/research/signals/low_volatility.ts";
 * import { fromColumns } from "@lib/panel/from_columns.ts";
 * import assert from "node:assert/strict";
 * const close = new Float64Array([1, 2, 1, 2]);
 * const p = fromColumns({ freq: "1h", venue: "sim", assets: ["A"],
 *   index: Float64Array.from(close, (_, i) => i * 3_600_000), close: [close] });
 * const s = lowVolatility(p, { lookback: 2 })[0]!;
 * assert.ok(Math.abs(s[3]! + Math.SQRT2 * Math.log(2)) < 1e-15);
 * ```
 */
export function lowVolatility(panel: Panel, options: LowVolatilityOptions): Float64Array[] {
  const what = "low volatility";
  const L = options.lookback;
  checkLookback(L, 2, what);
  const minObs = resolveMinObs(options.minObs, L, 2, what);
  return panel.logReturns.map((r) => {
    const s = rollingStat(r, L, minObs, "std");
    for (let t = 0; t < s.length; t++) s[t] = -s[t]!;
    return s;
  });
}
