import type { CostBar, CostModel } from "../cost_model.ts";
import { checkBarWidth, checkColumns, checkRow } from "./_check.ts";
import { UNISWAP_V2_FEE_BPS, uniswapV2AmountOut } from "./uniswap_v2.ts";

/** Options of {@link dexPoolCost}. */
export interface DexPoolCostOptions {
  /**
   * Pool reserve of the traded token per asset column and bar (token units), row `t` being the
   * pool before the bar-`t` trade (a snapshot at or before the bar's open); `undefined` for an
   * asset not traded on a pool.
   */
  readonly reserveBase: readonly (ArrayLike<number> | undefined)[];
  /** Pool reserve of the quote token (the backtest's currency), same shape. */
  readonly reserveQuote: readonly (ArrayLike<number> | undefined)[];
  /** LP fee in basis points of the input. @default 30 (Uniswap v2) */
  readonly feeBps?: number;
  /** @default "dex" */
  readonly name?: string;
}

/**
 * DEX execution on a constant-product pool, fee included, against the pool's mid price
 * `m = R_quote / R_base`. A buy of `Q = traded * equity` quote receives
 * `uniswapV2AmountOut(Q, R_quote, R_base)` tokens worth that times `m`; a sell of tokens worth
 * `Q` at the mid (`Q / m` tokens) receives `uniswapV2AmountOut(Q / m, R_base, R_quote)`. The
 * cost is what is lost against the mid, `Q - value received`, divided by equity: the fee plus
 * the price impact of the curve, which grows with the trade's share of the pool (for a small
 * trade it tends to the fee, 0.30% on v2). Each bar's trade is priced on that bar's reserves
 * (the pool is assumed to be arbitraged back between bars). Cost: O(assets) per bar.
 *
 * @example Buying 1% of a $2m pool with $10k of a $1m book
 * ```ts
 * import { dexPoolCost } from "@lib/backtest/costs/dex_pool_cost.ts";
 * import { uniswapV2AmountOut } from "@lib/backtest/costs/uniswap_v2.ts";
 * import assert from "node:assert/strict";
 * const model = dexPoolCost({ reserveBase: [[1_000_000]], reserveQuote: [[1_000_000]] });
 * const out = new Float64Array(1);
 * model.cost({ t: 0, ts: 0, traded: Float64Array.of(0.01), held: Float64Array.of(0.01), equity: 1e6 }, out);
 * const got = uniswapV2AmountOut(10_000, 1e6, 1e6); // tokens for $10k at a mid of $1
 * assert.equal(out[0], (10_000 - got) / 1e6); // about 1.3% of the trade: 0.3% fee + 1% impact
 * ```
 */
export function dexPoolCost(options: DexPoolCostOptions): CostModel {
  const { reserveBase, reserveQuote } = options;
  const fee = options.feeBps ?? UNISWAP_V2_FEE_BPS;
  if (!(fee >= 0 && fee < 10000)) {
    throw new RangeError(`Cannot build DEX pool costs: feeBps must be in [0, 10000), got ${fee}`);
  }
  const bars = checkColumns(reserveBase, "reserveBase", "DEX pool costs");
  const quoteBars = checkColumns(reserveQuote, "reserveQuote", "DEX pool costs");
  const shapeOk = reserveBase.length === reserveQuote.length && quoteBars === bars &&
    reserveBase.every((c, i) => (c === undefined) === (reserveQuote[i] === undefined));
  if (!shapeOk) {
    throw new RangeError(
      `Cannot build DEX pool costs: reserveBase and reserveQuote must have the same columns ` +
        `(undefined at the same assets) and bars`,
    );
  }
  const name = options.name ?? "dex";
  return {
    name,
    cost(bar: CostBar, out: Float64Array): void {
      const { traded, t, equity } = bar;
      checkBarWidth(traded.length, reserveBase.length, name);
      checkRow(t, bars, name);
      for (let i = 0; i < traded.length; i++) {
        const x = traded[i]!;
        const rb = reserveBase[i], rq = reserveQuote[i];
        if (x === 0 || rb === undefined || rq === undefined) continue;
        const b = rb[t]!, q = rq[t]!;
        if (!(b > 0) || !(q > 0) || !(equity > 0) || !Number.isFinite(b + q + equity)) {
          throw new RangeError(
            `Cannot price a DEX trade of asset ${i} at bar ${t}: reserves ${b} / ${q}, ` +
              `equity ${equity}; the pool needs known positive reserves at every traded bar`,
          );
        }
        const value = Math.abs(x) * equity;
        const mid = q / b;
        const received = x > 0
          ? uniswapV2AmountOut(value, q, b, fee) * mid
          : uniswapV2AmountOut(value / mid, b, q, fee);
        out[i] = (value - received) / equity;
      }
    },
  };
}
