/**
 * Amihud illiquidity: average absolute return per unit of dollar volume.
 *
 * @module
 */
import type { Panel } from "../../panel/types.ts";
import { rollingStat } from "../../stats/rolling_stat.ts";
import { checkLookback, resolveMinObs } from "./_rolling.ts";

/** Options for {@link amihudIlliquidity}. */
export interface AmihudOptions {
  /** Lookback L in bars (e.g. 168). */
  readonly lookback: number;
  /** Fewest finite bar values in the window, in [1, L]; default L. */
  readonly minObs?: number;
}

/**
 * Amihud illiquidity signal: `S[a][t] = mean_{i=t-L+1..t} |logReturns[a][i]| / (close[a][i] *
 * volume[a][i])`, the price move per unit of quote-currency (dollar, for USDT pairs) volume:
 * high for illiquid assets, which should earn a liquidity premium. A bar with zero or missing
 * dollar volume is missing (not infinite). Causal: bars up to t only. pandas 1.5
 * `(logret.abs() / (close * volume)).replace([np.inf, -np.inf], np.nan)
 * .rolling(L, min_periods=minObs).mean()`. Raw units (per 1 USDT); scale freely, ranks are
 * unchanged. O(1) per bar.
 *
 * Reference: Amihud, Y. (2002), "Illiquidity and Stock Returns: Cross-Section and Time-Series
 * Effects", Journal of Financial Markets 5(1).
 *
 * @example Illiquidity over two bars
 * ```ts
 * import { amihudIlliquidity } from "@lib/research/signals/amihud.ts";
 * import { fromColumns } from "@lib/panel/from_columns.ts";
 * import assert from "node:assert/strict";
 * const close = new Float64Array([1, 2, 1]), volume = new Float64Array([5, 5, 10]);
 * const p = fromColumns({ freq: "1h", venue: "sim", assets: ["A"],
 *   index: Float64Array.from(close, (_, i) => i * 3_600_000), close: [close], volume: [volume] });
 * const s = amihudIlliquidity(p, { lookback: 2 })[0]!;
 * assert.ok(Math.abs(s[2]! - (Math.log(2) / 10 + Math.log(2) / 10) / 2) < 1e-15);
 * ```
 */
export function amihudIlliquidity(panel: Panel, options: AmihudOptions): Float64Array[] {
  const what = "Amihud illiquidity";
  const L = options.lookback;
  checkLookback(L, 1, what);
  const minObs = resolveMinObs(options.minObs, L, 1, what);
  return panel.logReturns.map((r, a) => {
    const close = panel.close[a]!, volume = panel.volume[a]!;
    const ratio = new Float64Array(r.length);
    for (let t = 0; t < r.length; t++) {
      const v = Math.abs(r[t]!) / (close[t]! * volume[t]!);
      ratio[t] = Number.isFinite(v) ? v : NaN;
    }
    return rollingStat(ratio, L, minObs, "mean");
  });
}
