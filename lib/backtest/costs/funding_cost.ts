import { COST_KERNEL, type CostBar, type CostModel } from "../cost_model.ts";
import { checkBarWidth, checkColumns, checkRow } from "./_check.ts";

/** Options of {@link fundingCost}. */
export interface FundingCostOptions {
  /**
   * Funding rate per bar per asset column, from {@link alignFunding} (the sum of the rates
   * whose funding time falls in the bar); `undefined` for an asset that is not a perp (spot:
   * no funding).
   */
  readonly rates: readonly (ArrayLike<number> | undefined)[];
  /** @default "funding" */
  readonly name?: string;
}

/**
 * Perpetual-futures funding: at each funding time the holder of a perp pays
 * `position value * rate` to the other side; longs pay a positive rate and receive a negative
 * one, shorts the reverse. Asset `i` pays `held_i * rate_i(t)` (fraction of equity) at bar
 * `t`, with `held_i` the signed weight held over the bar, after the bar's trades, and
 * `rate_i(t)` the rates of the funding times inside the bar: a position held across a funding
 * timestamp pays it, one opened after it or closed before it does not (the engine trades at a
 * bar's open, before any funding time stamped inside the bar). A negative cost is income. The
 * position's value at the funding time is taken as its weight at the bar's open (the drift
 * within one bar is ignored). Cost: O(assets) per bar.
 *
 * Reference: Binance, "Introduction to Binance Futures Funding Rates"
 * (https://www.binance.com/en/support/faq/introduction-to-binance-futures-funding-rates-360033525031): funding fee = position value x rate,
 * paid only by positions open at the funding timestamp.
 *
 * @example A long pays, a short receives
 * ```ts
 * import { fundingCost } from "@lib/backtest/costs/funding_cost.ts";
 * import assert from "node:assert/strict";
 * const model = fundingCost({ rates: [Float64Array.of(0, 0.0001), Float64Array.of(0, 0.0001), undefined] });
 * const out = new Float64Array(3);
 * model.cost({ t: 1, ts: 0, traded: new Float64Array(3), held: Float64Array.of(0.5, -0.25, 0.25), equity: 1 }, out);
 * assert.deepEqual([...out], [0.5 * 0.0001, -0.25 * 0.0001, 0]);
 * ```
 */
export function fundingCost(options: FundingCostOptions): CostModel {
  const { rates } = options;
  const bars = checkColumns(rates, "rates", "funding costs");
  const name = options.name ?? "funding";
  // time-major rates (0 for an asset without funding), built once: one contiguous row per bar
  const N = rates.length;
  const R = new Float64Array(bars * N);
  for (let i = 0; i < N; i++) {
    const col = rates[i];
    if (col === undefined) continue;
    for (let t = 0, j = i; t < bars; t++, j += N) R[j] = col[t]!;
  }
  const model: CostModel = {
    name,
    zeroWhenFlat: true,
    cost(bar: CostBar, out: Float64Array): void {
      const { held, t, active: act } = bar;
      checkBarWidth(held.length, N, name);
      checkRow(t, bars, name);
      const row = t * N;
      const n = act === undefined ? N : bar.activeCount!;
      for (let q = 0; q < n; q++) {
        const i = act === undefined ? q : act[q]!;
        const r = R[row + i]!;
        const w = held[i]!;
        if (w !== 0 && r !== 0) out[i] = w * r;
      }
    },
  };
  return Object.assign(model, {
    [COST_KERNEL]: { kind: "funding", cost: model.cost, width: N, bars, R } as const,
  });
}
