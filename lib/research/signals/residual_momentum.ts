/**
 * Residual momentum: the trailing sum of an asset's causal residual returns after removing
 * its BTC and ETH exposure.
 *
 * @module
 */
import type { Panel } from "../../panel/types.ts";
import { rollingOls } from "../../stats/rolling_ols.ts";
import { resolveFactorAsset } from "../factor_assets.ts";
import { rollingStat } from "../../stats/rolling_stat.ts";
import { checkLookback, resolveMinObs } from "./_rolling.ts";

/** Options for {@link residualMomentum}. */
export interface ResidualMomentumOptions {
  /** Lookback L in bars over which residuals are summed (e.g. 168). */
  readonly lookback: number;
  /** Window of the rolling factor regression in bars; default 720 (30 days of hours). */
  readonly window?: number;
  /** Fewest complete rows in a regression window, in [k + 1, window]; default `window`. */
  readonly regressionMinObs?: number;
  /** Fewest finite residuals among the L summed, in [1, L]; default L (all). */
  readonly minObs?: number;
  /** Factor names resolved by `resolveFactorAsset`; default `["BTC", "ETH"]`. */
  readonly factors?: readonly string[];
}

/**
 * Residual-momentum signal: `S[a][t] = sum_{i=t-L+1}^{t} e[a][i]`, where `e[a][i] = r[a][i] -
 * alpha[a][i] - sum_j beta_j[a][i] f_j[i]` is the out-of-sample residual of the asset's log
 * return on the factor returns (BTC and ETH by default), with alpha and betas fitted by
 * `rollingOls(r_a, factors, {window, causal: true})` on the `window` bars ending at i - 1.
 * Causal: the value at t uses bars up to t only. A factor asset is regressed on the other
 * factors only (BTC on ETH, ETH on BTC), since regressing it on itself leaves no residual.
 * Residual momentum strips out market swings that dominate raw momentum in crypto, where most
 * assets move with BTC. `NaN` where a residual is missing (any factor or the asset missing
 * at i, or fewer than `regressionMinObs` complete rows in the regression window).
 * Cost: O(T N k²).
 *
 * Reference: Blitz, D., Huij, J. and Martens, M. (2011), "Residual Momentum", Journal of
 * Empirical Finance 18(3).
 *
 * @example Residuals are zero when an asset is an exact mix of the factors
 * ```ts
 * import { residualMomentum } from "@lib/research/signals/residual_momentum.ts";
 * import { fromColumns } from "@lib/panel/from_columns.ts";
 * import assert from "node:assert/strict";
 * const n = 40;
 * const btc = Float64Array.from({ length: n }, (_, i) => 100 * Math.exp(0.01 * Math.sin(i)));
 * const eth = Float64Array.from({ length: n }, (_, i) => 50 * Math.exp(0.02 * Math.cos(2 * i)));
 * const alt = Float64Array.from(btc, (b, i) => b * b * eth[i]!); // r = 2 r_btc + r_eth
 * const p = fromColumns({ freq: "1h", venue: "sim", assets: ["ALTUSDT", "BTCUSDT", "ETHUSDT"],
 *   index: Float64Array.from(btc, (_, i) => i * 3_600_000), close: [alt, btc, eth] });
 * const s = residualMomentum(p, { lookback: 5, window: 10 });
 * assert.ok(Number.isNaN(s[0]![10]!));
 * assert.ok(Math.abs(s[0]![30]!) < 1e-10);
 * ```
 */
export function residualMomentum(panel: Panel, options: ResidualMomentumOptions): Float64Array[] {
  const what = "residual momentum";
  const L = options.lookback;
  checkLookback(L, 1, what);
  const minObs = resolveMinObs(options.minObs, L, 1, what);
  const window = options.window ?? 720;
  const names = options.factors ?? ["BTC", "ETH"];
  if (names.length === 0) {
    throw new RangeError(`Cannot compute ${what}: pass at least one factor name in factors`);
  }
  const factorIdx = names.map((f) => panel.assets.indexOf(resolveFactorAsset(panel.assets, f)));
  return panel.logReturns.map((r, a) => {
    const xs = factorIdx.filter((f) => f !== a).map((f) => panel.logReturns[f]!);
    if (xs.length === 0) return new Float64Array(r.length).fill(NaN);
    const fit = rollingOls(r, xs, {
      window,
      causal: true,
      ...(options.regressionMinObs === undefined ? {} : { minObs: options.regressionMinObs }),
    });
    return rollingStat(fit.residuals, L, minObs, "sum");
  });
}
