import { stepUp } from "./_fdr.ts";
import type { Series } from "./types.ts";

/**
 * Benjamini-Hochberg adjusted p-values (q-values): reject every hypothesis whose adjusted value
 * is at most the false discovery rate you accept (say 0.05), and the expected share of false
 * discoveries among the rejections is at most that rate, for independent or positively
 * dependent tests. Use it whenever many tests are run at once (every pair of a universe, every
 * signal of a library): the smallest of 7,875 raw p-values is small by chance alone.
 *
 * Equal to statsmodels 0.13 `multipletests(p, method="fdr_bh")[1]`. A NaN p-value (a test that
 * could not be run) stays NaN but still counts towards the number of tests m, as if its p-value
 * were 1, so dropping failed tests can never make the others look better. Cost: O(m log m).
 *
 * Reference: Benjamini, Y. and Hochberg, Y. (1995), "Controlling the False Discovery Rate",
 * JRSS B 57(1), 289-300.
 *
 * @example Four tests
 * ```ts
 * import { benjaminiHochberg } from "@lib/stats/benjamini_hochberg.ts";
 * import assert from "node:assert/strict";
 * // statsmodels 0.13.5 multipletests([0.01, 0.04, 0.03, 0.2], method="fdr_bh")[1]
 * const q = benjaminiHochberg([0.01, 0.04, 0.03, 0.2]);
 * assert.deepEqual(Array.from(q, (v) => +v.toFixed(12)), [0.04, 0.053333333333, 0.053333333333, 0.2]);
 * ```
 */
export function benjaminiHochberg(pValues: Series): Float64Array {
  return stepUp(pValues, 1, "benjaminiHochberg");
}
