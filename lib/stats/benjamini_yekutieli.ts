import { stepUp } from "./_fdr.ts";
import type { Series } from "./types.ts";

/**
 * Benjamini-Yekutieli adjusted p-values: like {@link benjaminiHochberg} but valid under any
 * dependence between the tests, at the price of a factor `c(m) = sum_{i=1..m} 1/i` (about
 * `ln m + 0.58`). Prefer it when tests share data in ways that can be negatively dependent, for
 * example overlapping pairs of one universe.
 *
 * Equal to statsmodels 0.13 `multipletests(p, method="fdr_by")[1]`. A NaN p-value stays NaN but
 * counts towards m as if it were 1 (see {@link benjaminiHochberg}). Cost: O(m log m).
 *
 * Reference: Benjamini, Y. and Yekutieli, D. (2001), "The control of the false discovery rate in
 * multiple testing under dependency", Annals of Statistics 29(4), 1165-1188.
 *
 * @example Four tests
 * ```ts
 * import { benjaminiYekutieli } from "@lib/stats/benjamini_yekutieli.ts";
 * import assert from "node:assert/strict";
 * // statsmodels 0.13.5 multipletests([0.01, 0.04, 0.03, 0.2], method="fdr_by")[1]
 * const q = benjaminiYekutieli([0.01, 0.04, 0.03, 0.2]);
 * assert.ok(Math.abs(q[0]! - 0.08333333333333333) < 1e-12);
 * ```
 */
export function benjaminiYekutieli(pValues: Series): Float64Array {
  const m = pValues.length;
  let c = 0;
  for (let i = 1; i <= m; i++) c += 1 / i;
  return stepUp(pValues, c, "benjaminiYekutieli");
}
