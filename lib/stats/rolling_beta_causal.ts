import type { Series } from "./types.ts";
import { rollingBeta, type RollingBetaOptions } from "./rolling_beta.ts";
import { checkRollingBeta } from "./_validate.ts";

/**
 * Causal rolling beta: the value at `t` is the OLS slope of `y` on `x` over the `window` rows
 * ending at `t - 1`, so it uses data up to `t - 1` only and can hedge or forecast row `t`
 * without look-ahead. Equal to {@link rollingBeta} shifted down one row (`NaN` at row 0).
 * Changing any data at or after row `t` leaves every value at or before `t` unchanged.
 * Cost: O(n).
 *
 * @example The beta at t does not see row t
 * ```ts
 * import { rollingBetaCausal } from "@lib/stats/rolling_beta_causal.ts";
 * import assert from "node:assert/strict";
 * const x = [0.01, -0.02, 0.03, 0.01];
 * const y = [0.02, -0.04, 0.06, 5]; // the outlier at row 3 cannot move beta[3]
 * const b = rollingBetaCausal(y, x, 3);
 * assert.ok(Math.abs(b[3]! - 2) < 1e-12);
 * assert.ok(Number.isNaN(b[2]!));
 * ```
 */
export function rollingBetaCausal(
  y: Series,
  x: Series,
  window: number,
  options: RollingBetaOptions = {},
): Float64Array {
  checkRollingBeta(y, x, window, options, "causal rolling beta");
  const n = y.length;
  const out = new Float64Array(n).fill(NaN);
  if (n < 2) return out;
  // only rows 0..n-2 can feed a causal value, so the last row is never read
  const b = rollingBeta(y.slice(0, n - 1), x.slice(0, n - 1), window, options);
  out.set(b, 1);
  return out;
}
