/**
 * Oracle Approximating Shrinkage (OAS) of the covariance matrix, as scikit-learn.
 *
 * @module
 */
import { completeRows, gram, toRows } from "./_linear.ts";
import type { ShrinkageOptions } from "./ledoit_wolf.ts";
import type { ShrunkCovariance } from "./shrunk_covariance.ts";
import type { ReturnColumns } from "./types.ts";

/**
 * OAS shrunk covariance, equal to scikit-learn's `sklearn.covariance.oas(X)`
 * (assume_centered=False): `(1 - s) S + s mu I`, with `S` the maximum-likelihood covariance
 * (centred, divided by T), `mu = trace(S) / N` and
 * `s = min(1, (a + mu^2) / ((T + 1) (a - mu^2 / N)))`, where `a = mean(S_ij^2)` over all N^2
 * entries.
 *
 * **Why.** Under Gaussian returns OAS approaches the oracle (best possible) shrinkage faster
 * than Ledoit-Wolf when T is small relative to N, so it shrinks more on short windows. Its
 * target is the scaled identity, like {@link ledoitWolf}'s.
 *
 * **Which formula.** Chen et al.'s Eq. 23 has `(1 - 2/N)` factors that scikit-learn omits (they
 * matter little for large N); this follows scikit-learn. Debian ships scikit-learn 1.2.1, and its
 * `oas` is what the tests compare with. Later releases restructured that code and its comments
 * (PR #23867, scikit-learn 1.3) but, read side by side, still compute the same expression
 * (`alpha = mean(S**2)`, `mu = trace(S) / N`, `num = alpha + mu**2`,
 * `den = (n_samples + 1) * (alpha - mu**2 / N)`, `shrinkage = min(num / den, 1)`), so they should
 * agree to rounding; only 1.2.1 was run. The paper's Eq. 23 with its 2/N terms gives other values
 * and is not what this computes.
 *
 * **Missing returns.** Rows where any asset is missing are dropped (listwise deletion), as in
 * {@link ledoitWolf}; `nobs` says how many rows were used.
 *
 * Reference: Y. Chen, A. Wiesel, Y. C. Eldar and A. O. Hero (2010), "Shrinkage algorithms for
 * MMSE covariance estimation", IEEE Trans. Signal Processing 58(10), 5016-5029
 * (arXiv:0907.4698). Cost: O(N^2 T).
 *
 * @param returns one column per asset, all of length T (NaN = missing: the row is dropped)
 *
 * @example Three assets, seven complete rows
 * ```ts
 * import { oas } from "@lib/portfolio/oas.ts";
 * import assert from "node:assert/strict";
 * const x = [[1, 2, 3, 4, 2, 5, 1, 3], [2, 1, 4, 3, 3, 6, 0, 2], [1, 3, 2, NaN, 1, 4, 2, 2]];
 * const r = oas(x);
 * assert.equal(r.nobs, 7); // the row with NaN is dropped
 * // sklearn 1.2.1: oas(X) on the 7 complete rows of np.array(x).T
 * assert.ok(Math.abs(r.shrinkage - 0.5482820592100177) < 1e-14);
 * assert.ok(Math.abs(r.covariance[0]![1]! - 0.9218733485509842) < 1e-14);
 * ```
 */
export function oas(returns: ReturnColumns, options: ShrinkageOptions = {}): ShrunkCovariance {
  const what = "OAS covariance";
  const { columns, rows } = completeRows(returns, !(options.assumeCentered ?? false), 1, what);
  const k = columns.length;
  const s = gram(columns, 1 / rows);
  if (k === 1) return { covariance: toRows(s, 1), shrinkage: 0, nobs: rows };
  let trace = 0, sq = 0;
  for (let i = 0; i < k; i++) trace += s[i * k + i]!;
  for (let c = 0; c < k * k; c++) sq += s[c]! * s[c]!;
  const mu = trace / k;
  const alpha = sq / (k * k);
  const num = alpha + mu * mu;
  const den = (rows + 1) * (alpha - (mu * mu) / k);
  const shrinkage = den === 0 ? 1 : Math.min(num / den, 1);
  const out = new Float64Array(k * k);
  for (let c = 0; c < k * k; c++) out[c] = (1 - shrinkage) * s[c]!;
  for (let i = 0; i < k; i++) out[i * k + i] = out[i * k + i]! + shrinkage * mu;
  return { covariance: toRows(out, k), shrinkage, nobs: rows };
}
