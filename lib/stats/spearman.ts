/**
 * Spearman rank correlation over pairwise-complete observations.
 *
 * @module
 */
import { rankInto } from "./rank.ts";
import { correlationFromMoments } from "./correlation_from_moments.ts";
import type { Series } from "./types.ts";

/**
 * Spearman's rank correlation of `x` and `y`: the Pearson correlation of their average ranks,
 * computed over the pairwise-complete observations (indices where both are finite; the ranks
 * are taken among those pairs only). Equal to pandas 1.5 `Series.corr(other,
 * method="spearman")` and to scipy 1.10 `scipy.stats.spearmanr(x[ok], y[ok]).correlation` with
 * `ok` the complete pairs. `NaN` when fewer than `minPeriods` (default 2) complete pairs or when
 * either side is constant among them. Use it where a monotone relation matters more than a
 * linear one, or outliers would dominate Pearson (the information coefficient of a signal).
 *
 * Cost: O(n log n) (two sorts).
 *
 * Reference: https://en.wikipedia.org/wiki/Spearman%27s_rank_correlation_coefficient
 *
 * @example Monotone but not linear gives 1; a gap is skipped
 * ```ts
 * import { spearman } from "@lib/stats/spearman.ts";
 * import assert from "node:assert/strict";
 * assert.equal(spearman([1, 2, 3, NaN, 5], [1, 8, 27, 0, 125]), 1);
 * ```
 */
export function spearman(x: Series, y: Series, minPeriods = 2): number {
  if (x.length !== y.length) {
    throw new RangeError(
      `Cannot compute spearman: x and y must have the same length, got ${x.length} and ${y.length}`,
    );
  }
  const scratch = new SpearmanScratch(x.length);
  let n = 0;
  for (let i = 0; i < x.length; i++) {
    const a = x[i]!, b = y[i]!;
    if (Number.isFinite(a) && Number.isFinite(b)) {
      scratch.xs[n] = a;
      scratch.ys[n] = b;
      n++;
    }
  }
  if (n < Math.max(2, minPeriods)) return NaN;
  return spearmanComplete(scratch, n);
}

/**
 * Preallocated buffers for {@link spearmanComplete}: put the complete pairs in `xs` and `ys`,
 * then call it as often as needed without allocating.
 *
 * @example
 * ```ts
 * import { SpearmanScratch } from "@lib/stats/spearman.ts";
 * import assert from "node:assert/strict";
 * assert.equal(new SpearmanScratch(126).xs.length, 126);
 * ```
 */
export class SpearmanScratch {
  /** The x side of the complete pairs (first n entries used). */
  readonly xs: Float64Array;
  /** The y side of the complete pairs. */
  readonly ys: Float64Array;
  /** Ranks of xs, ys (written by spearmanComplete). */
  readonly rx: Float64Array;
  readonly ry: Float64Array;
  /** Sort scratch. */
  readonly keys: Float64Array;
  readonly order: Int32Array;
  /** Buffers for up to `capacity` pairs. */
  constructor(capacity: number) {
    this.xs = new Float64Array(capacity);
    this.ys = new Float64Array(capacity);
    this.rx = new Float64Array(capacity);
    this.ry = new Float64Array(capacity);
    this.keys = new Float64Array(capacity);
    this.order = new Int32Array(capacity);
  }
}

/**
 * Spearman correlation of the first `n` entries of `scratch.xs` and `scratch.ys`, all finite
 * (complete pairs already gathered): the kernel of {@link spearman} and of the per-timestamp
 * information coefficient. No allocation. `NaN` when either side is constant. O(n log n).
 *
 * @example Reversed order on gathered pairs
 * ```ts
 * import { SpearmanScratch, spearmanComplete } from "@lib/stats/spearman.ts";
 * import assert from "node:assert/strict";
 * const s = new SpearmanScratch(3);
 * s.xs.set([1, 2, 3]);
 * s.ys.set([3, 2, 1]);
 * assert.equal(spearmanComplete(s, 3), -1);
 * ```
 */
export function spearmanComplete(scratch: SpearmanScratch, n: number): number {
  const { rx, ry } = scratch;
  rankInto(scratch.xs, n, rx, scratch.keys, scratch.order);
  rankInto(scratch.ys, n, ry, scratch.keys, scratch.order);
  // Average ranks have mean (n + 1) / 2 exactly, so one pass over centred ranks suffices.
  const mid = (n + 1) / 2;
  let sxx = 0, syy = 0, sxy = 0;
  for (let i = 0; i < n; i++) {
    const dx = rx[i]! - mid;
    const dy = ry[i]! - mid;
    sxx += dx * dx;
    syy += dy * dy;
    sxy += dx * dy;
  }
  return correlationFromMoments(sxx, syy, sxy);
}
