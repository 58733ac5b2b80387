/**
 * Default-tier trading fees of the venues cryptolab reads, with where each number comes from.
 *
 * @module
 */

/** One venue's fee for the lowest (default) volume tier, as a fraction of the traded value. */
export interface VenueFee {
  /** Fee on an order that rests in the book and is filled later (adds liquidity). */
  readonly maker: number;
  /** Fee on an order that fills on arrival against resting orders (removes liquidity). */
  readonly taker: number;
  /** The venue's page that publishes the schedule. */
  readonly source: string;
  /** When the rates were recorded (YYYY-MM). */
  readonly asOf: string;
  /** Which product and tier the rates are for. */
  readonly tier: string;
}

/**
 * Published default-tier (no VIP level, no volume, no fee-token discount) maker/taker rates.
 *
 * The values are the default tiers the venues published as of `asOf` (2025-06), stated with
 * the page that publishes each schedule (`source`). They could not be re-checked online when
 * this table was written (no network) and schedules change without notice: read the page
 * before relying on a number, and pass your own rates (your VIP tier, a BNB discount, a rebate)
 * to {@link venueFee} or `feeCost`. `uniswap-v2` is the pool's LP fee, charged inside the
 * constant-product price ({@link dexPoolCost}); do not charge it again with {@link feeCost}.
 */
export const VENUE_FEES: Readonly<Record<string, VenueFee>> = {
  binance: {
    maker: 0.001,
    taker: 0.001,
    tier: "spot, Regular user (VIP 0), fees paid in the traded asset",
    source: "https://www.binance.com/en/fee/schedule",
    asOf: "2025-06",
  },
  "binance-usdm": {
    maker: 0.0002,
    taker: 0.0005,
    tier: "USDT-margined perpetuals, Regular user (VIP 0)",
    source: "https://www.binance.com/en/fee/futureFee",
    asOf: "2025-06",
  },
  kraken: {
    maker: 0.0025,
    taker: 0.004,
    tier: "Kraken Pro spot, 30-day volume $0 - $10,000",
    source: "https://www.kraken.com/features/fee-schedule",
    asOf: "2025-06",
  },
  coinbase: {
    maker: 0.006,
    taker: 0.012,
    tier: "Coinbase Advanced spot, 30-day volume $0 - $1,000",
    source:
      "https://help.coinbase.com/en/coinbase/trading-and-funding/advanced-trade/advanced-trade-fees",
    asOf: "2025-06",
  },
  bybit: {
    maker: 0.001,
    taker: 0.001,
    tier: "spot, non-VIP",
    source: "https://www.bybit.com/en/announcement-info/fee-rate/",
    asOf: "2025-06",
  },
  "bybit-linear": {
    maker: 0.0002,
    taker: 0.00055,
    tier: "USDT perpetuals, non-VIP",
    source: "https://www.bybit.com/en/announcement-info/fee-rate/",
    asOf: "2025-06",
  },
  okx: {
    maker: 0.0008,
    taker: 0.001,
    tier: "spot, Regular user Lv1",
    source: "https://www.okx.com/fees",
    asOf: "2025-06",
  },
  "okx-swap": {
    maker: 0.0002,
    taker: 0.0005,
    tier: "perpetual swaps, Regular user Lv1",
    source: "https://www.okx.com/fees",
    asOf: "2025-06",
  },
  "uniswap-v2": {
    maker: 0.003,
    taker: 0.003,
    tier: "every v2 pool: 0.30% LP fee on the input amount (no maker/taker distinction)",
    source: "https://docs.uniswap.org/contracts/v2/concepts/advanced-topics/fees",
    asOf: "2025-06",
  },
};

/** Whether an order adds liquidity (`maker`) or takes it (`taker`). */
export type Liquidity = "maker" | "taker";

/**
 * The fee rate of `venue` for `liquidity`, from `overrides` when given there, else from
 * {@link VENUE_FEES}. Throws for a venue in neither, naming the known ones.
 *
 * @example A VIP rate overrides the default tier
 * ```ts
 * import { venueFee } from "@lib/backtest/costs/fee_schedule.ts";
 * import assert from "node:assert/strict";
 * assert.equal(venueFee("binance", "taker"), 0.001);
 * assert.equal(venueFee("binance", "taker", { binance: { maker: 0.0009, taker: 0.00095 } }), 0.00095);
 * ```
 */
export function venueFee(
  venue: string,
  liquidity: Liquidity,
  overrides: Readonly<Record<string, Pick<VenueFee, "maker" | "taker">>> = {},
): number {
  const fee = Object.hasOwn(overrides, venue)
    ? overrides[venue]
    : Object.hasOwn(VENUE_FEES, venue)
    ? VENUE_FEES[venue]
    : undefined;
  if (fee === undefined) {
    throw new RangeError(
      `Cannot find fees for venue "${venue}": known venues are ` +
        `${Object.keys(VENUE_FEES).join(", ")}; pass its rates in overrides`,
    );
  }
  const rate = fee[liquidity];
  if (!Number.isFinite(rate) || rate < -0.01 || rate > 0.1) {
    throw new RangeError(
      `Cannot use the ${liquidity} fee of "${venue}": expected a fraction of traded value ` +
        `between -0.01 (a rebate) and 0.1, got ${rate}`,
    );
  }
  return rate;
}
