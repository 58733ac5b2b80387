/**
 * Compound annual growth rate from the calendar time that actually elapsed.
 *
 * @module
 */
import { YEAR_MS } from "./periods_per_year.ts";

/**
 * Compound annual growth rate (CAGR) of per-bar simple returns over `elapsedMs` milliseconds of
 * calendar time: `(prod(1 + r))^(1 / years) - 1` with `years = elapsedMs / (365 * 86,400,000)`.
 * The time is the calendar time the returns span (for bars, from the first bar's open to the
 * last bar's close: see {@link elapsedMs}), not a count of periods divided by an assumed
 * number of periods per year. quantstats divides calendar days by 252 "periods", so $100 ->
 * $200 in one calendar year shows about 61% there; here it is 100%. Non-finite returns add
 * nothing (the equity is carried). NaN when `elapsedMs` is not positive or equity reaches 0.
 * Cost: O(n).
 *
 * @example $100 -> $200 over one calendar year of daily bars is 100%
 * ```ts
 * import { cagr, elapsedMs } from "@lib/backtest/metrics/cagr.ts";
 * import assert from "node:assert/strict";
 * const day = 86_400_000;
 * const r = new Float64Array(365).fill(Math.pow(2, 1 / 365) - 1);
 * const index = Float64Array.from({ length: 365 }, (_, t) => Date.UTC(2021, 0, 1) + t * day);
 * assert.ok(Math.abs(cagr(r, elapsedMs(index, day)) - 1) < 1e-12);
 * ```
 */
export function cagr(returns: ArrayLike<number>, elapsedMs: number): number {
  if (!(elapsedMs > 0) || !Number.isFinite(elapsedMs)) return NaN;
  let logGrowth = 0;
  for (let i = 0; i < returns.length; i++) {
    const r = returns[i]!;
    if (Number.isFinite(r)) logGrowth += Math.log1p(r);
  }
  if (!Number.isFinite(logGrowth)) return NaN;
  return Math.expm1(logGrowth * YEAR_MS / elapsedMs);
}

/**
 * Calendar time covered by bars opening at `index` and lasting `barMs` each: from the first
 * bar's open to the last bar's close, `index[n-1] + barMs - index[0]` (0 without bars).
 *
 * @example Three hourly bars span three hours
 * ```ts
 * import { elapsedMs } from "@lib/backtest/metrics/cagr.ts";
 * import assert from "node:assert/strict";
 * assert.equal(elapsedMs([0, 3_600_000, 7_200_000], 3_600_000), 10_800_000);
 * ```
 */
export function elapsedMs(index: ArrayLike<number>, barMs: number): number {
  const n = index.length;
  return n === 0 ? 0 : index[n - 1]! + barMs - index[0]!;
}
