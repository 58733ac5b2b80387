/**
 * Per-bar returns compounded into UTC calendar days, months and years.
 *
 * @module
 */

/** A calendar period. */
export type CalendarPeriod = "day" | "month" | "year";

/** Compounded returns per calendar period that holds at least one bar. */
export interface CalendarReturns {
  readonly period: CalendarPeriod;
  /** Start of each period, UTC ms (midnight of the day, the 1st of the month, January 1st). */
  readonly start: Float64Array;
  /** `prod(1 + r) - 1` over the bars opening in the period (finite returns only). */
  readonly returns: Float64Array;
  /** Bars of each period with a finite return. */
  readonly bars: Int32Array;
}

function periodStart(ts: number, period: CalendarPeriod): number {
  const d = new Date(ts);
  if (period === "day") return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  if (period === "month") return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  return Date.UTC(d.getUTCFullYear(), 0, 1);
}

/**
 * Compound per-bar simple returns into UTC calendar periods: each bar belongs to the period of
 * its open time (`index[t]`), and a period's return is `prod(1 + r) - 1` over its bars. Only
 * periods holding a bar are listed (pandas `(1 + r).groupby(ts.dt.floor("D")).prod() - 1`;
 * `resample` would also list empty periods as 0). Best and worst day or month are the max and
 * min of `returns`. Index times must ascend. Cost: O(n).
 *
 * @example Two days of 12-hour bars
 * ```ts
 * import { calendarReturns } from "@lib/backtest/metrics/calendar_returns.ts";
 * import assert from "node:assert/strict";
 * const h12 = 43_200_000;
 * const c = calendarReturns([0.1, 0.1, -0.5, 0], [0, h12, 2 * h12, 3 * h12], "day");
 * assert.deepEqual([...c.start], [0, 86_400_000]);
 * assert.ok(Math.abs(c.returns[0]! - 0.21) < 1e-15);
 * assert.equal(c.returns[1], -0.5);
 * ```
 */
export function calendarReturns(
  returns: ArrayLike<number>,
  index: ArrayLike<number>,
  period: CalendarPeriod,
): CalendarReturns {
  const n = returns.length;
  if (index.length !== n) {
    throw new RangeError(
      `Cannot compute ${period} returns: ${n} returns for ${index.length} index times`,
    );
  }
  const start: number[] = [], growth: number[] = [], bars: number[] = [];
  let cur = NaN;
  for (let t = 0; t < n; t++) {
    if (t > 0 && !(index[t]! > index[t - 1]!)) {
      throw new RangeError(
        `Cannot compute ${period} returns: index times must ascend, got ${index[t - 1]} then ` +
          `${index[t]} at bar ${t}`,
      );
    }
    const s = periodStart(index[t]!, period);
    if (s !== cur) {
      cur = s;
      start.push(s);
      growth.push(1);
      bars.push(0);
    }
    const r = returns[t]!;
    if (Number.isFinite(r)) {
      const k = growth.length - 1;
      growth[k] = growth[k]! * (1 + r);
      bars[k] = bars[k]! + 1;
    }
  }
  return {
    period,
    start: Float64Array.from(start),
    returns: Float64Array.from(growth, (g) => g - 1),
    bars: Int32Array.from(bars),
  };
}

/** A year of the monthly returns table. */
export interface MonthlyReturnsRow {
  readonly year: number;
  /** Compounded return of each month January..December, NaN for months without bars. */
  readonly months: readonly number[];
  /** Compounded return of the year's bars (the yearly return). */
  readonly yearReturn: number;
}

/**
 * The monthly returns table of a tear sheet: one row per UTC calendar year with a bar, the
 * compounded return of each month (NaN without bars) and of the year. O(n).
 *
 * @example One bar in January and one in March 2021
 * ```ts
 * import { monthlyReturnsTable } from "@lib/backtest/metrics/calendar_returns.ts";
 * import assert from "node:assert/strict";
 * const rows = monthlyReturnsTable([0.1, 0.1], [Date.UTC(2021, 0, 5), Date.UTC(2021, 2, 5)]);
 * assert.equal(rows.length, 1);
 * assert.ok(Math.abs(rows[0]!.months[0]! - 0.1) < 1e-15);
 * assert.ok(Number.isNaN(rows[0]!.months[1]!));
 * assert.ok(Math.abs(rows[0]!.yearReturn - 0.21) < 1e-15);
 * ```
 */
export function monthlyReturnsTable(
  returns: ArrayLike<number>,
  index: ArrayLike<number>,
): MonthlyReturnsRow[] {
  const m = calendarReturns(returns, index, "month");
  const y = calendarReturns(returns, index, "year");
  const rows: MonthlyReturnsRow[] = [];
  for (let k = 0; k < y.start.length; k++) {
    const year = new Date(y.start[k]!).getUTCFullYear();
    const months = new Array<number>(12).fill(NaN);
    for (let j = 0; j < m.start.length; j++) {
      const d = new Date(m.start[j]!);
      if (d.getUTCFullYear() === year) months[d.getUTCMonth()] = m.returns[j]!;
    }
    rows.push({ year, months, yearReturn: y.returns[k]! });
  }
  return rows;
}
