import type { Series } from "./types.ts";
import { correlationFromMoments } from "./correlation_from_moments.ts";

/**
 * Pearson correlation of `x` and `y` over pairwise-complete observations (indices where both
 * are finite), like pandas `Series.corr(other)`. `NaN` when fewer than `minPeriods` (default 2)
 * complete pairs or when either side is constant. Two-pass (means, then centred products), so it
 * stays accurate for series with large means such as prices. Result clipped to [-1, 1].
 * Cost: O(n).
 *
 * @example Perfectly correlated apart from a gap
 * ```ts
 * import { pearson } from "@lib/stats/pearson.ts";
 * import assert from "node:assert/strict";
 * assert.ok(Math.abs(pearson([1, 2, NaN, 4], [2, 4, 5, 8]) - 1) < 1e-15);
 * ```
 */
export function pearson(x: Series, y: Series, minPeriods = 2): number {
  if (x.length !== y.length) {
    throw new RangeError(
      `Cannot compute pearson: x and y must have the same length, got ${x.length} and ${y.length}`,
    );
  }
  let sx = 0, sy = 0, n = 0;
  for (let i = 0; i < x.length; i++) {
    const a = x[i]!, b = y[i]!;
    if (Number.isFinite(a) && Number.isFinite(b)) {
      sx += a;
      sy += b;
      n++;
    }
  }
  if (n < Math.max(2, minPeriods)) return NaN;
  const mx = sx / n, my = sy / n;
  let sxx = 0, syy = 0, sxy = 0;
  for (let i = 0; i < x.length; i++) {
    const a = x[i]!, b = y[i]!;
    if (Number.isFinite(a) && Number.isFinite(b)) {
      const dx = a - mx, dy = b - my;
      sxx += dx * dx;
      syy += dy * dy;
      sxy += dx * dy;
    }
  }
  return correlationFromMoments(sxx, syy, sxy);
}
