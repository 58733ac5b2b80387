/**
 * Log returns of a price series.
 *
 * @module
 */

/**
 * Log returns `r[t] = ln(close[t] / close[t-1])`; `r[0]` and any return touching a missing
 * (NaN) close are NaN, so a gap never turns into a zero return. Log returns add up over time,
 * which is why cryptolab uses them internally. O(n).
 *
 * @example A gap gives NaN, not 0
 * ```ts
 * import { logReturns } from "@lib/panel/log_returns.ts";
 * import assert from "node:assert/strict";
 * const r = logReturns(new Float64Array([100, 110, NaN, 121]));
 * assert.ok(Number.isNaN(r[0]!) && Number.isNaN(r[2]!) && Number.isNaN(r[3]!));
 * assert.equal(r[1], Math.log(1.1));
 * ```
 */
export function logReturns(close: Float64Array): Float64Array {
  const n = close.length;
  const out = new Float64Array(n);
  if (n === 0) return out;
  out[0] = NaN;
  for (let t = 1; t < n; t++) out[t] = Math.log(close[t]! / close[t - 1]!); // NaN propagates
  return out;
}
