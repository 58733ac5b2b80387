/**
 * Participation cap on fills: the part of a desired trade that one bar's market can absorb.
 * `out[i] = sign(desired_i) * min(|desired_i|, cap * adv_i / equity)`: a trade may be at most
 * `cap` times the average traded value per bar `adv_i` (quote currency, known before the bar;
 * see {@link impactInputs}), expressed as a weight of `equity`. Where `adv_i` is not finite or not
 * positive nothing can be traded (`out[i] = 0`): an asset with unknown liquidity is not
 * filled. The engine calls this (through the impact model's `capTrade`) before it executes a
 * bar's trades, executes `out` instead of `desired`, and keeps chasing its target at the next
 * bars; the impact cost is then charged on what was filled. Pure; cost O(assets).
 *
 * @example A 10% cap on $1m of equity in a market trading $2m per bar: at most 0.2 of equity
 * ```ts
 * import { capTrade } from "@lib/backtest/costs/cap_trade.ts";
 * import assert from "node:assert/strict";
 * const out = new Float64Array(3);
 * capTrade(Float64Array.of(0.5, -0.1, 0.3), [2e6, 2e6, NaN], 1e6, 0.1, out);
 * assert.deepEqual([...out], [0.2, -0.1, 0]);
 * ```
 */
export function capTrade(
  desired: ArrayLike<number>,
  adv: ArrayLike<number>,
  equity: number,
  cap: number,
  out: Float64Array,
): Float64Array {
  if (!(cap > 0) || !Number.isFinite(cap)) {
    throw new RangeError(`Cannot cap trades: the participation cap must be > 0, got ${cap}`);
  }
  if (!(equity > 0) || !Number.isFinite(equity)) {
    throw new RangeError(
      `Cannot cap trades: equity must be a positive amount of quote currency, got ${equity}`,
    );
  }
  if (desired.length !== adv.length || out.length !== desired.length) {
    throw new RangeError(
      `Cannot cap trades: desired, adv and out must have one value per asset, got ` +
        `${desired.length}, ${adv.length} and ${out.length}`,
    );
  }
  for (let i = 0; i < desired.length; i++) {
    const x = desired[i]!;
    const a = adv[i]!;
    const max = a > 0 && Number.isFinite(a) ? (cap * a) / equity : 0;
    out[i] = Math.abs(x) <= max ? x : Math.sign(x) * max;
  }
  return out;
}
