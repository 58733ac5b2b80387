/** Options of {@link alignFunding}. */
export interface AlignFundingOptions {
  /**
   * End (exclusive, UTC ms) of the last bar.
   * @default the last grid time plus the grid's last step
   */
  readonly end?: number;
}

/**
 * Perp funding history on the engine's grid: `out[t]` is the sum of the funding rates whose
 * funding time `f` falls in bar `t`, `gridTs[t] <= f < gridTs[t + 1]` (0 where none). A rate
 * is known at its funding time, not before: it lands in the bar that contains that time and in
 * no earlier bar, and a position held over that bar (held across the funding timestamp) pays
 * it ({@link fundingCost}). Venues stamp funding a few ms after the hour (Binance
 * `1756569600001`), which still falls in the bar opening on the hour; with bars shorter than
 * the funding interval most bars get 0, with daily bars one bar gets all three 8-hourly rates.
 * Events before the grid or at/after `end` are dropped. `gridTs` must be strictly ascending;
 * two events at the same time are refused (a duplicated row would be charged twice).
 * Cost: O(T + events * log T).
 *
 * @example 8-hourly funding on an hourly grid
 * ```ts
 * import { alignFunding } from "@lib/backtest/costs/align_funding.ts";
 * import assert from "node:assert/strict";
 * const H = 3_600_000;
 * const grid = Array.from({ length: 10 }, (_, t) => t * H);
 * const perBar = alignFunding(grid, [1, 8 * H + 1], [0.0001, -0.0002]);
 * assert.equal(perBar[0], 0.0001);
 * assert.equal(perBar[8], -0.0002);
 * assert.equal(perBar.reduce((a, b) => a + b, 0), 0.0001 - 0.0002);
 * ```
 */
export function alignFunding(
  gridTs: ArrayLike<number>,
  times: ArrayLike<number>,
  rates: ArrayLike<number>,
  options: AlignFundingOptions = {},
): Float64Array {
  const n = gridTs.length;
  if (times.length !== rates.length) {
    throw new RangeError(
      `Cannot align funding: times and rates must have the same length, got ${times.length} ` +
        `and ${rates.length}`,
    );
  }
  for (let t = 1; t < n; t++) {
    if (!(gridTs[t]! > gridTs[t - 1]!)) {
      throw new RangeError(
        `Cannot align funding: grid times must be strictly ascending, row ${t} (${gridTs[t]}) ` +
          `is not after row ${t - 1} (${gridTs[t - 1]})`,
      );
    }
  }
  const out = new Float64Array(n);
  if (n === 0) return out;
  const end = options.end ??
    (n > 1 ? gridTs[n - 1]! + (gridTs[n - 1]! - gridTs[n - 2]!) : Infinity);
  const seen = new Set<number>();
  for (let e = 0; e < times.length; e++) {
    const f = times[e]!, rate = rates[e]!;
    if (!Number.isFinite(f) || !Number.isFinite(rate)) {
      throw new RangeError(
        `Cannot align funding: event ${e} has time ${f} and rate ${rate}; drop or repair ` +
          `missing funding rows first (a missing rate is not a zero rate)`,
      );
    }
    if (seen.has(f)) {
      throw new RangeError(
        `Cannot align funding: two events at ${new Date(f).toISOString()} (${f}); ` +
          `remove the duplicate row`,
      );
    }
    seen.add(f);
    if (f < gridTs[0]! || f >= end) continue;
    // last bar whose open is <= f
    let lo = 0, hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (gridTs[mid]! <= f) lo = mid;
      else hi = mid - 1;
    }
    out[lo] = out[lo]! + rate;
  }
  return out;
}
