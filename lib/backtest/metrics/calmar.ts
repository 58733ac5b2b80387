/**
 * Calmar ratio.
 *
 * @module
 */

/**
 * Calmar ratio: CAGR over the absolute maximum drawdown, `cagr / |maxDrawdown|`, both of the
 * same run (see `cagr` and `drawdowns`). Here over the whole run (Young's original uses the
 * last 36 months). NaN without a drawdown.
 *
 * Reference: T. Young, "Calmar Ratio: A Smoother Tool", Futures, 1991.
 *
 * @example 30% a year with a 15% worst drawdown
 * ```ts
 * import { calmar } from "@lib/backtest/metrics/calmar.ts";
 * import assert from "node:assert/strict";
 * assert.ok(Math.abs(calmar(0.3, -0.15) - 2) < 1e-12);
 * ```
 */
export function calmar(cagr: number, maxDrawdown: number): number {
  const dd = Math.abs(maxDrawdown);
  return dd > 0 ? cagr / dd : NaN;
}
