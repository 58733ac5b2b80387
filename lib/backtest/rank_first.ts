/**
 * Cross-sectional ranks with the engine's tie rule: finite values get ranks `1..m` in
 * ascending order, equal values ranked in asset column order (the lower column first), like
 * pandas `Series.rank(method="first")`; NaN values get NaN. A fixed tie rule makes top/bottom
 * selections deterministic (a rank by "average" would put tied assets in both or neither
 * bucket). Cost: O(m log m) per call; writes into `out` and returns it.
 *
 * @example Ties go to the lower column first
 * ```ts
 * import { rankFirst } from "@lib/backtest/rank_first.ts";
 * import assert from "node:assert/strict";
 * const out = rankFirst([0.2, NaN, 0.1, 0.2], new Float64Array(4));
 * assert.deepEqual([...out], [2, NaN, 1, 3]);
 * ```
 */
export function rankFirst(values: ArrayLike<number>, out: Float64Array): Float64Array {
  if (out.length !== values.length) {
    throw new RangeError(
      `Cannot rank: out has ${out.length} slots for ${values.length} values`,
    );
  }
  const order: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v === v) order.push(i);
    out[i] = NaN;
  }
  // Array.prototype.sort is stable: equal values keep column order
  order.sort((i, j) => values[i]! - values[j]!);
  for (let k = 0; k < order.length; k++) out[order[k]!] = k + 1;
  return out;
}
