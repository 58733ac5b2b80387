/**
 * Beta to BTC: the rolling market beta of each asset, as a signal.
 *
 * @module
 */
import type { Panel } from "../../panel/types.ts";
import { rollingBeta } from "../../stats/rolling_beta.ts";
import { resolveFactorAsset } from "../factor_assets.ts";
import { checkLookback, resolveMinObs } from "./_rolling.ts";

/** Options for {@link btcBeta}. */
export interface BtcBetaOptions {
  /** Lookback L in bars of the rolling regression (e.g. 720 hourly bars = 30 days). */
  readonly lookback: number;
  /** Fewest complete (asset, BTC) return pairs in the window, in [2, L]; default L. */
  readonly minObs?: number;
  /** The market asset: a name resolved by `resolveFactorAsset` (default `"BTC"`). */
  readonly market?: string;
}

/**
 * Beta signal: `S[a][t] = cov(r_a, r_btc) / var(r_btc)` over the L bars ending at t
 * (inclusive), the slope of the asset's log returns on BTC's, from `rollingBeta`. Causal: the
 * value at t uses bars up to t only (the signal is read after bar t closes; forward returns
 * start at t+1). Tests the betting-against-beta idea (high-beta assets earning less than their
 * beta implies). BTC's own beta is 1. pandas 1.5 `r.rolling(L, min_periods=minObs).cov(btc) /
 * btc.rolling(L, min_periods=minObs).var()` over complete pairs. O(1) amortized per bar.
 *
 * Reference: Frazzini, A. and Pedersen, L. H. (2014), "Betting Against Beta", Journal of
 * Financial Economics 111(1).
 *
 * @example An asset moving twice as much as BTC
 * ```ts
 * import { btcBeta } from "@lib/research/signals/beta.ts";
 * import { fromColumns } from "@lib/panel/from_columns.ts";
 * import assert from "node:assert/strict";
 * const btc = new Float64Array([100, 110, 99, 104, 120]);
 * const alt = Float64Array.from(btc, (c) => c * c); // log returns exactly twice BTC's
 * const p = fromColumns({ freq: "1h", venue: "sim", assets: ["ALTUSDT", "BTCUSDT"],
 *   index: Float64Array.from(btc, (_, i) => i * 3_600_000), close: [alt, btc] });
 * const b = btcBeta(p, { lookback: 3 });
 * assert.ok(Math.abs(b[0]![4]! - 2) < 1e-12);
 * assert.ok(Math.abs(b[1]![4]! - 1) < 1e-12);
 * ```
 */
export function btcBeta(panel: Panel, options: BtcBetaOptions): Float64Array[] {
  const what = "beta signal";
  const L = options.lookback;
  checkLookback(L, 2, what);
  const minObs = resolveMinObs(options.minObs, L, 2, what);
  const market = resolveFactorAsset(panel.assets, options.market ?? "BTC");
  const x = panel.logReturns[panel.assets.indexOf(market)]!;
  return panel.logReturns.map((y) => rollingBeta(y, x, L, { minObs }));
}
