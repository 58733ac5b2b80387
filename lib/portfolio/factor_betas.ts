/**
 * Factor betas of every asset at one bar, from the factor model, in the shape
 * `optimizePortfolio`'s `betas` constraint takes.
 *
 * @module
 */
import type { FactorModelResult } from "../research/factor_model.ts";

/** The answer of {@link factorBetasAt}. */
export interface FactorBetasAt {
  /**
   * One exposure per asset (panel order) to each factor: `{BTC, ETH}` with two factors, `{BTC}`
   * with one.
   */
  readonly betas: Record<string, Float64Array>;
  /** The row of the fit used. */
  readonly row: number;
  /** Its bar open time (UTC ms). */
  readonly time: number;
}

/**
 * The exposures of every asset to BTC and ETH at one bar of a `factorModel` fit (the latest by
 * default), ready for `optimizePortfolio({constraints: {betas}})` to make a portfolio neutral
 * to both factors.
 *
 * Rules, from how `factorModel` fits each role: an ordinary asset's exposures are its
 * `betaBtc` and `betaEth` at the row; where its fit used BTC alone (ETH missing in the window,
 * `betaEth` NaN) its ETH exposure is 0 and BTC carries the whole beta, as in that fit. The
 * factor assets themselves are exposed only to themselves: BTC is `{BTC: 1, ETH: 0}`, ETH is
 * `{BTC: 0, ETH: 1}` (its own return is the ETH factor). A causal fit's row t uses returns up to
 * t - 1 only. An asset with no beta at the row (fewer than `minObs` rows in its window: a late
 * listing) is an error naming it.
 *
 * @param fit the result of `factorModel`
 * @param row the bar to read (default: the last)
 *
 * @example Betas of a planted panel, then a beta-neutral portfolio
 * ```ts
 * import { factorModel } from "@lib/research/factor_model.ts";
 * import { factorBetasAt, optimizePortfolio } from "@lib/portfolio/mod.ts";
 * import { createRng } from "@lib/stats/rng.ts";
 * import assert from "node:assert/strict";
 * const n = 300, rng = createRng(3);
 * const btc = new Float64Array(n), eth = new Float64Array(n);
 * const alt1 = new Float64Array(n), alt2 = new Float64Array(n);
 * for (let t = 0; t < n; t++) {
 *   btc[t] = 0.01 * rng.normal();
 *   eth[t] = 0.9 * btc[t]! + 0.008 * rng.normal();
 *   alt1[t] = 1.3 * btc[t]! + 0.01 * rng.normal();
 *   alt2[t] = 0.6 * eth[t]! + 0.01 * rng.normal();
 * }
 * const index = Float64Array.from({ length: n }, (_, t) => t * 3_600_000);
 * const assets = ["BTCUSDT", "ETHUSDT", "ALT1USDT", "ALT2USDT"];
 * const fit = factorModel({ assets, index, logReturns: [btc, eth, alt1, alt2] }, { window: 200 });
 * const { betas } = factorBetasAt(fit);
 * assert.deepEqual([betas.BTC![0], betas.ETH![0], betas.BTC![1], betas.ETH![1]], [1, 0, 0, 1]);
 * const r = optimizePortfolio({
 *   covariance: [[1e-4, 9e-5, 1.3e-4, 5.4e-5], [9e-5, 1.45e-4, 1.17e-4, 8.7e-5],
 *     [1.3e-4, 1.17e-4, 2.69e-4, 7e-5], [5.4e-5, 8.7e-5, 7e-5, 1.52e-4]],
 *   expectedReturns: [0, 0, 0.001, 0.0005],
 *   objective: "meanVariance",
 *   riskAversion: 10,
 *   constraints: { longOnly: false, fullInvestment: false, betas },
 * });
 * assert.ok(Math.abs(r.diagnostics.exposures["beta:BTC"]!) < 1e-12);
 * assert.ok(Math.abs(r.diagnostics.exposures["beta:ETH"]!) < 1e-12);
 * ```
 */
export function factorBetasAt(
  fit: FactorModelResult,
  row: number = fit.index.length - 1,
): FactorBetasAt {
  const what = "the factor betas";
  if (!Number.isInteger(row) || row < 0 || row >= fit.index.length) {
    throw new RangeError(
      `Cannot read ${what}: row ${row} is outside the fit's ${fit.index.length} bars`,
    );
  }
  const n = fit.assets.length;
  const two = fit.factors.length > 1;
  const btc = new Float64Array(n), eth = new Float64Array(n);
  const missing: string[] = [];
  fit.assets.forEach((a, i) => {
    if (a.role === "btc") [btc[i], eth[i]] = [1, 0];
    else if (a.role === "eth" && two) [btc[i], eth[i]] = [0, 1];
    else {
      const b = a.betaBtc[row]!, e = a.betaEth[row]!;
      if (!Number.isFinite(b)) missing.push(a.asset);
      btc[i] = b;
      eth[i] = Number.isFinite(e) ? e : 0;
    }
  });
  if (missing.length > 0) {
    throw new RangeError(
      `Cannot read ${what}: ${missing.length} asset(s) have no beta at row ${row} (` +
        `${missing.slice(0, 5).join(", ")}${missing.length > 5 ? ", ..." : ""}): too few ` +
        `rows in their window (minObs ${fit.minObs}); drop them from the panel or read a later row`,
    );
  }
  return { betas: two ? { BTC: btc, ETH: eth } : { BTC: btc }, row, time: fit.index[row]! };
}
