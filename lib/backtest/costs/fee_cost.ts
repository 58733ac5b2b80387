import { COST_KERNEL, type CostBar, type CostModel } from "../cost_model.ts";
import { checkBarWidth } from "./_check.ts";
import { type Liquidity, type VenueFee, venueFee } from "./fee_schedule.ts";

/** Options of {@link feeCost}. */
export interface FeeCostOptions {
  /**
   * The venue of every asset (one name), or one venue per asset column (mixed universes), as
   * keys of `VENUE_FEES` or of `overrides`.
   */
  readonly venue: string | readonly string[];
  /**
   * Which side of the book the backtest's orders take. The engine fills at a bar's price on
   * arrival, which is what a market order (a taker) does.
   * @default "taker"
   */
  readonly liquidity?: Liquidity;
  /** Rates that replace the published default tier, by venue (your VIP tier, a discount). */
  readonly overrides?: Readonly<Record<string, Pick<VenueFee, "maker" | "taker">>>;
  /**
   * The column name in the engine's cost decomposition.
   * @default "fees"
   */
  readonly name?: string;
}

/** The model {@link feeCost} returns. */
export interface FeeCostModel extends CostModel {
  /** The rate of each asset column when `venue` is one venue per asset; empty for one venue. */
  readonly rates: Float64Array;
  /** The rate of every asset when `venue` is one name; NaN when it is one venue per asset. */
  readonly rate: number;
}

/**
 * Exchange trading fees: at each bar, asset `i` pays `rate_i * |traded_i|` (fraction of
 * equity), where `rate_i` is the maker or taker rate of its venue and `traded_i` the signed
 * weight change the engine executes. Fees are charged on the traded value at the fill, in the
 * quote currency, whatever the direction (the usual schedule of Binance, Kraken, Coinbase,
 * Bybit and OKX for fees paid in the quote currency). A negative rate is a maker rebate.
 * Rates come from `VENUE_FEES` (published default tier, with source and date) unless
 * overridden. Cost: O(assets) per bar.
 *
 * @example 0.5% of equity bought and 0.25% sold on Binance spot as a taker
 * ```ts
 * import { feeCost } from "@lib/backtest/costs/fee_cost.ts";
 * import assert from "node:assert/strict";
 * const fees = feeCost({ venue: "binance" });
 * const out = new Float64Array(2);
 * fees.cost({ t: 0, ts: 0, traded: Float64Array.of(0.005, -0.0025), held: new Float64Array(2), equity: 1e4 }, out);
 * assert.deepEqual([...out], [0.005 * 0.001, 0.0025 * 0.001]);
 * ```
 */
export function feeCost(options: FeeCostOptions): FeeCostModel {
  const liquidity = options.liquidity ?? "taker";
  const venues = typeof options.venue === "string" ? undefined : options.venue;
  const single = typeof options.venue === "string"
    ? venueFee(options.venue, liquidity, options.overrides)
    : NaN;
  const rates = venues
    ? Float64Array.from(venues, (v) => venueFee(v, liquidity, options.overrides))
    : new Float64Array(0);
  const model: FeeCostModel = {
    name: options.name ?? "fees",
    rates,
    rate: single,
    zeroWhenFlat: true,
    cost(bar: CostBar, out: Float64Array): void {
      const traded = bar.traded, act = bar.active;
      if (venues) checkBarWidth(traded.length, rates.length, "fees");
      const n = act === undefined ? traded.length : bar.activeCount!;
      for (let q = 0; q < n; q++) {
        const i = act === undefined ? q : act[q]!;
        out[i] = (venues ? rates[i]! : single) * Math.abs(traded[i]!);
      }
    },
  };
  return Object.assign(model, {
    [COST_KERNEL]: {
      kind: "fee",
      cost: model.cost,
      width: venues ? rates.length : -1,
      bars: Infinity,
      rate: single,
      rates: venues ? rates : undefined,
    } as const,
  });
}
