import { EigenvalueDecomposition, Matrix } from "ml-matrix";
import type { Series } from "./types.ts";

/** What {@link effectiveNumberOfTrials} returns. */
export interface EffectiveNumberOfTrials {
  /** Number of trials N (rows of the correlation matrix). */
  readonly nTrials: number;
  /** Mean of the off-diagonal correlations (NaN cells skipped), rho. */
  readonly averageCorrelation: number;
  /**
   * `rho + (1 - rho) N` with rho clamped to [0, 1]: the count to pass to `deflatedSharpeRatio`.
   * N when the trials are uncorrelated (or negatively correlated on average), 1 when they are
   * identical.
   */
  readonly nEff: number;
  /**
   * Eigenvalue-based count of Nyholt (2004): `1 + (N - 1) (1 - Var(lambda) / N)` with `lambda`
   * the eigenvalues of the correlation matrix and `Var` their sample variance (ddof 1), clamped
   * to [1, N]. A cross-check on `nEff`; NaN when the matrix has a NaN cell.
   */
  readonly nEffEigen: number;
  /** Which number `nEff` is, in words, for reports. */
  readonly method: string;
}

const METHOD =
  "average correlation: N_eff = rho + (1 - rho) N, rho = mean off-diagonal correlation of the trials' returns, clamped to [0, 1]";

/**
 * Effective number of independent trials behind a family of correlated backtests, from the
 * correlation matrix of the trials' returns (`correlationMatrix(trialReturns)`). Twenty
 * variants of one moving-average crossover are not twenty independent tries, and the deflated
 * Sharpe ratio's expected maximum grows with the number of independent ones.
 *
 * Method (`nEff`): the average-correlation interpolation `N_eff = rho + (1 - rho) N`, with rho
 * the mean off-diagonal correlation clamped to [0, 1]. It is exact at both ends (rho = 0: N
 * independent trials; rho = 1: one trial) and linear in between; it ignores structure (two
 * clusters of identical trials count like a family with the same average correlation).
 * Lopez de Prado recommends clustering the trials for that case (Lopez de Prado and Lewis 2019,
 * "Detection of false investment strategies using unsupervised learning methods", Quantitative
 * Finance 19(9)). `nEffEigen` is the eigenvalue count of Nyholt (2004), "A simple correction for
 * multiple testing for SNPs in linkage disequilibrium with each other", Am. J. Human Genetics
 * 74(4), 765-769, which does see clusters. Cost: O(N^2) for `nEff`, O(N^3) for `nEffEigen`.
 *
 * @example Three trials, two of them identical
 * ```ts
 * import { effectiveNumberOfTrials } from "@lib/stats/effective_number_of_trials.ts";
 * import assert from "node:assert/strict";
 * const out = effectiveNumberOfTrials([[1, 1, 0], [1, 1, 0], [0, 0, 1]]);
 * assert.ok(Math.abs(out.averageCorrelation - 1 / 3) < 1e-15);
 * assert.ok(Math.abs(out.nEff - (1 / 3 + (2 / 3) * 3)) < 1e-12); // 2.333...
 * // eigenvalues 2, 1, 0: variance 1, so 1 + 2 (1 - 1/3) as well
 * assert.ok(Math.abs(out.nEffEigen - 7 / 3) < 1e-12);
 * ```
 */
export function effectiveNumberOfTrials(correlation: readonly Series[]): EffectiveNumberOfTrials {
  const n = correlation.length;
  if (n < 1) {
    throw new RangeError(
      "Cannot compute effective number of trials: the correlation matrix is empty; pass correlationMatrix(trialReturns)",
    );
  }
  let sum = 0, count = 0, hasNaN = false;
  for (let i = 0; i < n; i++) {
    const row = correlation[i]!;
    if (row.length !== n) {
      throw new RangeError(
        `Cannot compute effective number of trials: the correlation matrix must be square, row ${i} has ${row.length} entries for ${n} rows`,
      );
    }
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      const v = row[j]!;
      if (Number.isFinite(v)) {
        sum += v;
        count++;
      } else hasNaN = true;
    }
  }
  if (n === 1) {
    return { nTrials: 1, averageCorrelation: NaN, nEff: 1, nEffEigen: 1, method: METHOD };
  }
  const rho = count > 0 ? sum / count : NaN;
  const clamped = Math.min(1, Math.max(0, rho));
  const nEff = Number.isFinite(rho) ? clamped + (1 - clamped) * n : n;
  let nEffEigen = NaN;
  if (!hasNaN) {
    const m = new Matrix(correlation.map((r) => Array.from(r)));
    const ev = new EigenvalueDecomposition(m, { assumeSymmetric: true }).realEigenvalues;
    let mu = 0;
    for (const v of ev) mu += v;
    mu /= n;
    let v2 = 0;
    for (const v of ev) v2 += (v - mu) * (v - mu);
    const varLambda = v2 / (n - 1);
    nEffEigen = Math.min(n, Math.max(1, 1 + (n - 1) * (1 - varLambda / n)));
  }
  return { nTrials: n, averageCorrelation: rho, nEff, nEffEigen, method: METHOD };
}
