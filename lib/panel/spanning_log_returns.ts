/**
 * Gap-spanning log returns of a price series, for equity curves and total returns.
 *
 * @module
 */

/**
 * Gap-spanning log returns: `r[t] = ln(close[t] / close[p])` where `p` is the last index before
 * `t` with a finite close. The first bar after a gap therefore carries the whole price move
 * across the gap, so the returns still sum to `ln(last / first)` and an equity curve, a
 * cumulative return or a drawdown built from them sees every move. `r[t]` is NaN where
 * `close[t]` is missing (not finite) and where no earlier finite close exists (the first
 * observation). Nothing is ever set to 0: a gap is never a zero return.
 *
 * Use these for levels (equity, cumulative return, drawdown, annualized growth over elapsed
 * time); use the strict one-period {@link logReturns} (NaN across gaps) for anything that
 * assumes one return per period, such as volatility, correlation or beta: a spanning return
 * covers several periods and would inflate them. This is pandas
 * `np.log(close.ffill()).diff()` with the values at missing closes set back to NaN. O(n).
 *
 * @example The move across a gap is kept
 * ```ts
 * import { spanningLogReturns } from "@lib/panel/spanning_log_returns.ts";
 * import assert from "node:assert/strict";
 * const r = spanningLogReturns(new Float64Array([NaN, 100, 110, NaN, NaN, 121]));
 * assert.ok(Number.isNaN(r[0]!) && Number.isNaN(r[1]!));
 * assert.equal(r[2], Math.log(110 / 100));
 * assert.ok(Number.isNaN(r[3]!) && Number.isNaN(r[4]!));
 * assert.equal(r[5], Math.log(121 / 110)); // spans the two missing bars
 * ```
 */
export function spanningLogReturns(close: ArrayLike<number>): Float64Array {
  const n = close.length;
  const out = new Float64Array(n);
  let prev = NaN;
  for (let t = 0; t < n; t++) {
    const c = close[t]!;
    if (Number.isFinite(c)) {
      out[t] = Math.log(c / prev); // NaN while no earlier close exists
      prev = c;
    } else {
      out[t] = NaN;
    }
  }
  return out;
}

/** Where the finite closes of a series start and end, from {@link closeSpan}. */
export interface CloseSpan {
  /** Index of the first finite close; -1 when there is none. */
  readonly first: number;
  /** Index of the last finite close; -1 when there is none. */
  readonly last: number;
  /** Periods elapsed from the first to the last finite close: `last - first` (0 if none). */
  readonly elapsed: number;
}

/**
 * The span of the finite closes of a series: the periods over which the gap-spanning returns
 * of {@link spanningLogReturns} accumulate (pass `elapsed` to `annualizedReturn` as
 * `elapsedPeriods`, so missing bars count as time that passed). O(n).
 *
 * @example Two missing bars still count as elapsed time
 * ```ts
 * import { closeSpan } from "@lib/panel/spanning_log_returns.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(closeSpan([NaN, 100, 110, NaN, NaN, 121, NaN]), { first: 1, last: 5, elapsed: 4 });
 * assert.deepEqual(closeSpan([NaN]), { first: -1, last: -1, elapsed: 0 });
 * ```
 */
export function closeSpan(close: ArrayLike<number>): CloseSpan {
  let first = -1, last = -1;
  for (let t = 0; t < close.length; t++) {
    if (Number.isFinite(close[t]!)) {
      if (first < 0) first = t;
      last = t;
    }
  }
  return { first, last, elapsed: first < 0 ? 0 : last - first };
}
