/**
 * Perp funding as a feature on a bar grid, without lookahead: the value at bar `t` is the last
 * funding rate whose funding time `f` has passed by the bar's close, `f < end of bar t`. A rate
 * is known at its funding time, not before: an event stamped 08:00:00.017 is unknown at the
 * close of the 07:00 bar (08:00:00.000) and known at the close of the 08:00 bar. (For funding
 * *paid* per bar in a backtest see `alignFunding` in lib/backtest/costs, which sums the rates
 * whose funding time falls inside each bar.)
 *
 * @module
 */

/** Options of {@link fundingKnownAt}. */
export interface FundingKnownAtOptions {
  /**
   * End (exclusive, UTC ms) of the last bar.
   * @default the last grid time plus the grid's last step
   */
  readonly end?: number | undefined;
}

/**
 * For each bar of `gridTs` (open times, strictly ascending), the latest rate with funding time
 * before the bar's end (the next bar's open, or `end` for the last bar); NaN before the first
 * event. `times` must be ascending. Cost: O(T + events).
 *
 * @example An 8h rate stamped 17 ms after the hour is known from the close of the bar that contains it
 * ```ts
 * import { fundingKnownAt } from "@lib/panel/funding_on_grid.ts";
 * import assert from "node:assert/strict";
 * const H = 3_600_000;
 * const grid = [0, H, 2 * H, 3 * H];
 * const out = fundingKnownAt(grid, [H + 17], [0.0001]);
 * assert.ok(Number.isNaN(out[0]!));
 * assert.deepEqual([...out.slice(1)], [0.0001, 0.0001, 0.0001]);
 * ```
 */
export function fundingKnownAt(
  gridTs: ArrayLike<number>,
  times: ArrayLike<number>,
  rates: ArrayLike<number>,
  options: FundingKnownAtOptions = {},
): Float64Array {
  const n = gridTs.length;
  if (times.length !== rates.length) {
    throw new RangeError(
      `Cannot place funding on the grid: times and rates must have the same length, got ` +
        `${times.length} and ${rates.length}`,
    );
  }
  for (let e = 1; e < times.length; e++) {
    if (!(times[e]! > times[e - 1]!)) {
      throw new RangeError(
        `Cannot place funding on the grid: funding times must be strictly ascending, event ${e} ` +
          `(${times[e]}) is not after event ${e - 1} (${times[e - 1]})`,
      );
    }
  }
  const out = new Float64Array(n).fill(NaN);
  if (n === 0) return out;
  const last = n > 1 ? gridTs[n - 1]! + (gridTs[n - 1]! - gridTs[n - 2]!) : Infinity;
  const end = options.end ?? last;
  let e = 0, known = NaN;
  for (let t = 0; t < n; t++) {
    const barEnd = t + 1 < n ? gridTs[t + 1]! : end;
    while (e < times.length && times[e]! < barEnd) known = rates[e++]!;
    out[t] = known;
  }
  return out;
}
