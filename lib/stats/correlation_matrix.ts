import type { Series } from "./types.ts";
import { pearson } from "./pearson.ts";

/** Options for {@link correlationMatrix}. */
export interface CorrelationMatrixOptions {
  /**
   * Minimum number of pairwise-complete observations for a cell; fewer gives `NaN`. Default 1
   * (as pandas), though a correlation always needs 2 pairs and a non-constant column.
   */
  readonly minPeriods?: number;
}

/**
 * Pearson correlation matrix of equal-length columns over pairwise-complete observations, like
 * pandas `DataFrame.corr(min_periods=...)`: each cell uses the rows where both of its columns
 * are finite, so assets with different histories are still compared over their overlap.
 *
 * Returns one `Float64Array` row per column, symmetric, with 1 on the diagonal when the column
 * has at least `max(2, minPeriods)` finite values and is not constant (`NaN` otherwise).
 * Cost: O(k^2 n) for k columns of n rows.
 *
 * @example Two columns
 * ```ts
 * import { correlationMatrix } from "@lib/stats/correlation_matrix.ts";
 * import assert from "node:assert/strict";
 * const m = correlationMatrix([[1, 2, 3, 4], [4, 3, 2, NaN]]);
 * assert.equal(m[0]![0], 1);
 * assert.ok(Math.abs(m[0]![1]! + 1) < 1e-15);
 * assert.equal(m[1]![0], m[0]![1]);
 * ```
 */
export function correlationMatrix(
  columns: readonly Series[],
  options: CorrelationMatrixOptions = {},
): Float64Array[] {
  const minPeriods = options.minPeriods ?? 1;
  if (!Number.isInteger(minPeriods) || minPeriods < 1) {
    throw new RangeError(
      `Cannot compute correlation matrix: minPeriods must be an integer >= 1, got ${minPeriods}`,
    );
  }
  const k = columns.length;
  const n = k > 0 ? columns[0]!.length : 0;
  for (let j = 1; j < k; j++) {
    if (columns[j]!.length !== n) {
      throw new RangeError(
        `Cannot compute correlation matrix: column ${j} has ${
          columns[j]!.length
        } rows, column 0 has ${n}; align the columns on one time grid first`,
      );
    }
  }
  const out = Array.from({ length: k }, () => new Float64Array(k));
  for (let a = 0; a < k; a++) {
    const ca = columns[a]!;
    const self = pearson(ca, ca, minPeriods);
    out[a]![a] = Number.isNaN(self) ? NaN : 1;
    for (let b = a + 1; b < k; b++) {
      const r = pearson(ca, columns[b]!, minPeriods);
      out[a]![b] = r;
      out[b]![a] = r;
    }
  }
  return out;
}
