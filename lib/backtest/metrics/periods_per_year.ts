/**
 * Bars per year of a bar length, with 365-day years.
 *
 * @module
 */

/** Milliseconds in a 365-day year: crypto trades every day, so a year is never 252 days. */
export const YEAR_MS = 365 * 86_400_000;

/**
 * Bars per 365-day year of bars `barMs` long: `365 * 86,400,000 / barMs` (8,760 for 1-hour
 * bars, 365 for daily bars, 525,600 for 1-minute bars). Every annualized figure of the tear
 * sheet uses it; never 252.
 *
 * @example Hourly and daily bars
 * ```ts
 * import { periodsPerYear } from "@lib/backtest/metrics/periods_per_year.ts";
 * import assert from "node:assert/strict";
 * assert.equal(periodsPerYear(3_600_000), 8760);
 * assert.equal(periodsPerYear(86_400_000), 365);
 * ```
 */
export function periodsPerYear(barMs: number): number {
  if (!(barMs > 0) || !Number.isFinite(barMs)) {
    throw new RangeError(
      `Cannot compute periods per year: the bar length must be a positive number of ` +
        `milliseconds (3600000 for 1h), got ${barMs}`,
    );
  }
  return YEAR_MS / barMs;
}
