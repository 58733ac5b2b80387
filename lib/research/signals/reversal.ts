/**
 * Short-horizon reversal: minus the most recent L-bar log return.
 *
 * @module
 */
import type { Panel } from "../../panel/types.ts";
import { checkLookback } from "./_rolling.ts";
import { logReturnOver } from "./momentum.ts";

/** Options for {@link reversal}. */
export interface ReversalOptions {
  /** Lookback L in bars; default 1 (the last bar). */
  readonly lookback?: number;
}

/**
 * Reversal signal: `S[a][t] = -sum_{i=t-L+1}^{t} logReturns[a][i] = -ln(close[t] /
 * close[t-L])`, high for assets that just fell, betting that short-term moves (liquidity shocks,
 * overreaction) revert. Causal: bars up to t only; `NaN` unless all L returns are present.
 * Computed from the close ratio like `momentum` (exact zeros for unchanged prices); pandas
 * `-np.log(close / close.shift(L))` where `logret.rolling(L).count() == L`. O(1) per bar.
 *
 * Reference: Lehmann, B. (1990), "Fads, Martingales, and Market Efficiency", Quarterly Journal
 * of Economics 105(1).
 *
 * @example A fall is a positive reversal signal
 * ```ts
 * import { reversal } from "@lib/research/signals/reversal.ts";
 * import { fromColumns } from "@lib/panel/from_columns.ts";
 * import assert from "node:assert/strict";
 * const close = new Float64Array([1, 2, 1]);
 * const p = fromColumns({ freq: "1h", venue: "sim", assets: ["A"],
 *   index: Float64Array.from(close, (_, i) => i * 3_600_000), close: [close] });
 * assert.ok(Math.abs(reversal(p)[0]![2]! - Math.log(2)) < 1e-15);
 * ```
 */
export function reversal(panel: Panel, options: ReversalOptions = {}): Float64Array[] {
  const L = options.lookback ?? 1;
  checkLookback(L, 1, "reversal");
  return panel.logReturns.map((r, a) => {
    const s = logReturnOver(r, panel.close[a]!, L, L, 0);
    for (let t = 0; t < s.length; t++) s[t] = -s[t]!;
    return s;
  });
}
