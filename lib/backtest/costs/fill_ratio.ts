/**
 * How much of its targets a backtest actually held: the fill ratio behind a capacity curve.
 *
 * @module
 */
import type { BacktestResult } from "../types.ts";

/**
 * Fill ratio of a backtest: `sum_t grossExposure[t] / sum_t sum_a |target[a][t - lag - 1]|`, the
 * gross exposure held over the bars over the gross exposure the targets asked for (a target
 * decided at bar t's close fills at the close of bar t + lag and is held over the next bar; a NaN
 * target keeps the asset's last finite target, as the engine holds it; bars before the first
 * fill ask for nothing). 1 when every order filled at once with rebalancing every bar; below 1
 * when a participation cap (or an asset without a bar) left orders unfilled, i.e. the book was
 * under-invested; NaN when the targets ask for nothing. Cost: O(T x assets).
 *
 * @example An order capped to half its size holds half the exposure asked for
 * ```ts
 * import { fillRatio } from "@lib/backtest/costs/fill_ratio.ts";
 * import assert from "node:assert/strict";
 * const held = { grossExposure: new Float64Array([0, 0, 0.5, 0.5]) };
 * assert.equal(fillRatio(held, [new Float64Array([1, 1, 1, 1])], 1), 0.5);
 * ```
 */
export function fillRatio(
  result: Pick<BacktestResult, "grossExposure">,
  targets: readonly ArrayLike<number>[],
  lag: number,
): number {
  const gross = result.grossExposure, T = gross.length;
  let held = 0, asked = 0;
  for (let t = 0; t < T; t++) if (Number.isFinite(gross[t]!)) held += gross[t]!;
  for (const col of targets) {
    let last = 0;
    for (let t = 0; t + lag + 1 < T; t++) {
      const w = col[t]!;
      if (Number.isFinite(w)) last = w;
      asked += Math.abs(last);
    }
  }
  return asked > 0 ? held / asked : NaN;
}
