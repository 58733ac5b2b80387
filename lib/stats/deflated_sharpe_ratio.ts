import { expectedMaxSharpe } from "./expected_max_sharpe.ts";
import {
  checkSharpeEstimate,
  probabilisticSharpeRatio,
  type SharpeEstimate,
} from "./probabilistic_sharpe_ratio.ts";

/** The trials behind a selected strategy: how many were tried and how their Sharpe ratios varied. */
export interface DeflatedSharpeTrials {
  /** Number of (effectively independent) trials N, >= 1; see `effectiveNumberOfTrials`. */
  readonly nTrials: number;
  /** Variance of the trials' per-period Sharpe ratios V[SR]; see `perPeriodSharpeVariance`. */
  readonly sharpeVariance: number;
}

/** What {@link deflatedSharpeRatio} returns. */
export interface DeflatedSharpeRatio {
  /** Probability that the true Sharpe ratio exceeds the expected maximum of N null trials. */
  readonly dsr: number;
  /** The benchmark SR0 = expected maximum per-period Sharpe of N zero-skill trials. */
  readonly expectedMaxSharpe: number;
  readonly nTrials: number;
  readonly sharpeVariance: number;
}

/**
 * Deflated Sharpe ratio: the probabilistic Sharpe ratio of the selected strategy against the
 * Sharpe ratio the best of `nTrials` zero-skill trials would show by luck,
 *
 * `DSR = PSR(SR0)`, `SR0 = expectedMaxSharpe(N, V[SR])`,
 *
 * which corrects the Sharpe ratio for selection bias (many trials) and for non-normal returns
 * (skewness, fat tails) at once. All inputs are per period (convert annual ones with
 * `perPeriodSharpe` and `perPeriodSharpeVariance`); the kurtosis is raw (3 for a normal).
 * Reference: Bailey and Lopez de Prado (2014), "The Deflated Sharpe Ratio: Correcting for
 * Selection Bias, Backtest Overfitting and Non-Normality", J. of Portfolio Management 40(5),
 * eq. 1-2 (https://ssrn.com/abstract=2460551). Cost: O(1).
 *
 * @example The paper's example: DSR = 0.9004
 * ```ts
 * import { deflatedSharpeRatio } from "@lib/stats/deflated_sharpe_ratio.ts";
 * import { perPeriodSharpe, perPeriodSharpeVariance } from "@lib/stats/sharpe_annualization.ts";
 * import assert from "node:assert/strict";
 * const out = deflatedSharpeRatio(
 *   { sharpe: perPeriodSharpe(2.5, 250), n: 1250, skewness: -3, kurtosis: 10 },
 *   { nTrials: 100, sharpeVariance: perPeriodSharpeVariance(0.5, 250) },
 * );
 * assert.ok(Math.abs(out.dsr - 0.9004) < 5e-5);
 * ```
 */
export function deflatedSharpeRatio(
  estimate: SharpeEstimate,
  trials: DeflatedSharpeTrials,
): DeflatedSharpeRatio {
  checkSharpeEstimate(estimate, "deflated Sharpe ratio");
  const sr0 = expectedMaxSharpe(trials.nTrials, trials.sharpeVariance);
  return {
    dsr: probabilisticSharpeRatio(estimate, sr0),
    expectedMaxSharpe: sr0,
    nTrials: trials.nTrials,
    sharpeVariance: trials.sharpeVariance,
  };
}
