/**
 * One summary line per asset of a factor-model fit.
 *
 * @module
 */
import { mean as meanFinite } from "../stats/mean.ts";

/** The fields of a fit that {@link summarizeFactorFits} reads (an `AssetFactorFit`, or a stored run's series). */
export interface FactorFitColumns {
  readonly asset: string;
  readonly betaBtc: Float64Array;
  readonly betaEth: Float64Array;
  readonly rSquared: Float64Array;
  readonly residuals: Float64Array;
  readonly alpha: Float64Array;
}

/** Averages of one asset's rolling fit over the bars where it has one. */
export interface FactorFitSummary {
  readonly asset: string;
  /** Bars with a fit (finite alpha). */
  readonly bars: number;
  /**
   * Bars whose fit has no ETH slope (finite alpha, NaN betaEth) among them: BTC-only rows of
   * an ordinary asset; every bar of the two factors themselves.
   */
  readonly btcOnlyBars: number;
  /** Mean of the finite values; NaN when there are none. */
  readonly meanBetaBtc: number;
  readonly meanBetaEth: number;
  readonly meanRSquared: number;
  /** Sample standard deviation (ddof 1) of the finite residual returns, per bar. */
  readonly residualVol: number;
  /** Finite residual returns. */
  readonly residualBars: number;
}

/**
 * Summarize each asset's rolling factor fit: mean betas and R² over the bars with a fit, and
 * the volatility of its residual returns (per bar; multiply by `sqrt(PERIODS_PER_YEAR[freq])`
 * to annualize, 8,760 hours a year: crypto trades 24/7). Use it for the table a factor run
 * prints, or to rank assets by market exposure. Cost: O(assets x rows).
 *
 * @example Mean betas and residual volatility of one asset
 * ```ts
 * import { summarizeFactorFits } from "@lib/research/factor_summary.ts";
 * import assert from "node:assert/strict";
 * const f = (...v: number[]) => new Float64Array(v);
 * const [s] = summarizeFactorFits([{ asset: "X", alpha: f(NaN, 0, 0), betaBtc: f(NaN, 1, 2),
 *   betaEth: f(NaN, NaN, 0.5), rSquared: f(NaN, 0.2, 0.4), residuals: f(NaN, 0.01, -0.01) }]);
 * assert.equal(s!.bars, 2);
 * assert.equal(s!.btcOnlyBars, 1);
 * assert.equal(s!.meanBetaBtc, 1.5);
 * assert.ok(Math.abs(s!.residualVol - Math.SQRT2 * 0.01) < 1e-15);
 * ```
 */
export function summarizeFactorFits(fits: readonly FactorFitColumns[]): FactorFitSummary[] {
  return fits.map((f) => {
    let bars = 0, btcOnlyBars = 0;
    for (let t = 0; t < f.alpha.length; t++) {
      if (!Number.isFinite(f.alpha[t]!)) continue;
      bars++;
      if (!Number.isFinite(f.betaEth[t]!)) btcOnlyBars++;
    }
    const m = meanFinite(f.residuals);
    let ss = 0, residualBars = 0;
    for (let t = 0; t < f.residuals.length; t++) {
      const v = f.residuals[t]!;
      if (Number.isFinite(v)) {
        ss += (v - m) * (v - m);
        residualBars++;
      }
    }
    return {
      asset: f.asset,
      bars,
      btcOnlyBars,
      meanBetaBtc: meanFinite(f.betaBtc),
      meanBetaEth: meanFinite(f.betaEth),
      meanRSquared: meanFinite(f.rSquared),
      residualVol: residualBars > 1 ? Math.sqrt(ss / (residualBars - 1)) : NaN,
      residualBars,
    };
  });
}
