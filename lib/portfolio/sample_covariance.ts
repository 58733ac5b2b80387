/**
 * Sample covariance matrix over pairwise-complete observations.
 *
 * @module
 */
import { assetLabel, checkColumns, toRows } from "./_linear.ts";
import { pairwiseMoments, sanitize } from "./_pairwise.ts";
import type { Matrix, ReturnColumns } from "./types.ts";

/** Options for {@link sampleCovariance}. */
export interface SampleCovarianceOptions {
  /**
   * Delta degrees of freedom: each cell divides by `n - ddof`, `n` being its number of
   * pairwise-complete rows. 1 is the unbiased estimator of pandas `DataFrame.cov()` and
   * `numpy.cov`; 0 is the maximum-likelihood one (sklearn's `empirical_covariance`).
   * @default 1
   */
  readonly ddof?: number;
  /**
   * Fewest pairwise-complete rows a cell may use; a pair with fewer throws (pandas would give
   * NaN, which an optimizer cannot use). Must exceed `ddof`.
   * @default ddof + 1
   */
  readonly minPeriods?: number;
  /** Asset names, used only to make error messages name the assets. */
  readonly names?: readonly string[];
}

/**
 * Sample covariance matrix of N assets' returns, each cell over the rows where both of its
 * assets have a finite return (pairwise-complete observations), like pandas
 * `DataFrame.cov(min_periods=...)`: a missing return is skipped, never read as zero, and
 * assets with different histories are compared over their overlap.
 *
 * Cell (a, b) is `sum (x_t - mx)(y_t - my) / (n - ddof)` over those n rows, with the means `mx`,
 * `my` taken over the same rows (so the diagonal is each asset's variance over its own
 * finite rows). Any non-finite value (NaN, +-Infinity) counts as missing.
 *
 * **Why pairwise.** Listwise deletion (keeping only rows where every asset trades) throws away
 * most of a crypto panel: one late listing shortens every pair. The price is that a pairwise
 * matrix need not be positive semi-definite when histories differ; repair it with
 * `nearestCorrelation` (on its correlation) before optimizing, or use a shrinkage estimator
 * (`ledoitWolf`, `oas`), which use complete rows and are always PSD. `optimizePortfolio`
 * refuses such a matrix (status "notPositiveSemiDefinite") unless asked to repair it
 * (`covarianceRepair: "nearestCorrelation"`).
 *
 * Differences from pandas 1.5.3: pandas ignores `ddof` when any value is missing (it always
 * divides by n - 1 then) and gives NaN for a pair with too few rows; here `ddof` always applies
 * and too few rows throws, naming the pair.
 *
 * Reference: any statistics text, e.g. NIST/SEMATECH e-Handbook of Statistical Methods,
 * 6.5.4.1 (free online); pandas `DataFrame.cov` docs for the pairwise rule.
 * Cost: O(N^2 T); assets that share the same missing rows are multiplied as one block.
 *
 * @param returns one column per asset, all of length T (NaN = missing)
 * @returns the N x N covariance matrix, one `Float64Array` per row
 *
 * @example A missing return shortens only the pairs it touches
 * ```ts
 * import { sampleCovariance } from "@lib/portfolio/sample_covariance.ts";
 * import assert from "node:assert/strict";
 * const btc = [0.01, -0.02, 0.03, 0.00];
 * const eth = [0.02, -0.03, NaN, 0.01];
 * const cov = sampleCovariance([btc, eth]);
 * // eth's variance uses its 3 finite rows; the pair uses rows 0, 1 and 3
 * assert.ok(Math.abs(cov[1]![1]! - 0.0007) < 1e-15);
 * assert.ok(Math.abs(cov[0]![1]! - 0.0004) < 1e-15);
 * assert.throws(() => sampleCovariance([btc, [NaN, NaN, NaN, 0.01]]), /share 1 finite/);
 * ```
 */
export function sampleCovariance(
  returns: ReturnColumns,
  options: SampleCovarianceOptions = {},
): Matrix {
  const what = "sample covariance";
  const ddof = options.ddof ?? 1;
  if (!Number.isInteger(ddof) || ddof < 0) {
    throw new RangeError(`Cannot compute ${what}: ddof must be an integer >= 0, got ${ddof}`);
  }
  const minPeriods = options.minPeriods ?? ddof + 1;
  if (!Number.isInteger(minPeriods) || minPeriods <= ddof) {
    throw new RangeError(
      `Cannot compute ${what}: minPeriods must be an integer > ddof = ${ddof}, got ${minPeriods}`,
    );
  }
  const [n, k] = checkColumns(returns, what);
  const m = pairwiseMoments(sanitize(returns), null);
  for (let a = 0; a < k; a++) {
    for (let b = a; b < k; b++) {
      const cnt = m.nobs[a * k + b]!;
      if (cnt < minPeriods) {
        const pair = a === b
          ? `asset ${assetLabel(a, options.names)} has`
          : `assets ${assetLabel(a, options.names)} and ${assetLabel(b, options.names)} share`;
        throw new RangeError(
          `Cannot compute ${what}: ${pair} ${cnt} finite observation${
            cnt === 1 ? "" : "s"
          } of ${n}, fewer than minPeriods = ${minPeriods}; drop the asset, widen the window ` +
            `or lower minPeriods`,
        );
      }
    }
  }
  const out = new Float64Array(k * k);
  for (let c = 0; c < k * k; c++) out[c] = m.sxy[c]! / (m.nobs[c]! - ddof);
  return toRows(out, k);
}
