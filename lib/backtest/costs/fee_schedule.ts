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
  /**
   * The last check of `maker` and `taker` against published pages: when, which pages, and what
   * they confirmed (a rate no page confirmed is named there as unconfirmed).
   */
  readonly checked: FeeCheck;
}

/** A check of one venue's default-tier rates against published pages. */
export interface FeeCheck {
  /** Day of the check (YYYY-MM-DD). */
  readonly date: string;
  /** The pages read (the venue's own page first when it was found). */
  readonly pages: readonly string[];
  /** `"both"`: maker and taker confirmed; `"taker"`: only the taker rate; `"none"`: neither. */
  readonly confirmed: "both" | "taker" | "none";
  /** What the pages said, in one or two sentences. */
  readonly note: string;
}

/**
 * Published default-tier (no VIP level, no volume, no fee-token discount) maker/taker rates.
 *
 * The values are the default tiers the venues published as of `asOf` (2025-06), stated with
 * the page that publishes each schedule (`source`). On 2026-12-06 each rate was checked against
 * published pages found with a search of stored public web pages (no live network): `checked`
 * names the pages and what they confirmed, and the comment beside each rate cites them. No
 * rate was found wrong; Kraken's maker rate (0.25%) and the spot rates of Bybit and OKX were not
 * confirmed by any page found and are marked so. Schedules change without notice: read the
 * venue's page before relying on a number, and pass your own rates (your VIP tier, a BNB
 * discount, a rebate) to {@link venueFee} or `feeCost`. `uniswap-v2` is the pool's swap fee,
 * charged inside the constant-product price ({@link dexPoolCost}); do not charge it again with
 * {@link feeCost}.
 */
export const VENUE_FEES: Readonly<Record<string, VenueFee>> = {
  binance: {
    /**
     * 0.1% maker and taker, VIP 0 spot: nautilus-binance 0.61.0 src/common/fees.rs
     * BINANCE_SPOT_FEE_DEFAULT = 0.001 "Default Spot maker and taker fee" (docs.rs, read
     * 2026-12-06); spotcoin.store "Understanding Binance Fee Structures" and fail24.com/4020.html
     * (read 2026-12-06): "0.1% for both maker and taker trades on the spot market".
     */
    maker: 0.001,
    taker: 0.001,
    tier: "spot, Regular user (VIP 0), fees paid in the traded asset",
    source: "https://www.binance.com/en/fee/schedule",
    asOf: "2025-06",
    checked: {
      date: "2026-12-06",
      pages: [
        "https://docs.rs/crate/nautilus-binance/latest/source/src/common/fees.rs",
        "https://spotcoin.store/index.php?title=Understanding_Binance_Fee_Structures",
        "https://fail24.com/4020.html",
      ],
      confirmed: "both",
      note: "NautilusTrader's Binance adapter uses 0.001 as the default spot maker and taker " +
        "fee; two fee guides state 0.1% maker and 0.1% taker for regular (VIP 0) spot users.",
    },
  },
  "binance-usdm": {
    /**
     * 0.02% maker, 0.05% taker, Regular tier: loweef Crypto Futures Fee Index
     * (huggingface.co/datasets/loweef/crypto-futures-fees, as of 2026-10-16, Binance checked
     * 2026-10-12 on binance.com/en/fee/futureFee): taker 0.05, maker 0.02;
     * babianfox.com/en/kb/binance-futures-fee/: "Regular < 250 ... 0.0200% 0.0500%".
     * Read 2026-12-06.
     */
    maker: 0.0002,
    taker: 0.0005,
    tier: "USDT-margined perpetuals, Regular user (VIP 0)",
    source: "https://www.binance.com/en/fee/futureFee",
    asOf: "2025-06",
    checked: {
      date: "2026-12-06",
      pages: [
        "https://huggingface.co/datasets/loweef/crypto-futures-fees",
        "https://babianfox.com/en/kb/binance-futures-fee/",
      ],
      confirmed: "both",
      note: "The loweef futures fee index (as of 2026-10-16; Binance checked 2026-10-12 on " +
        "binance.com/en/fee/futureFee) lists Binance USDT-M at 0.05% taker, 0.02% maker; a fee " +
        "guide's USDT-M table gives Regular (< 250 BTC 30-day volume) 0.0200% / 0.0500%.",
    },
  },
  kraken: {
    /**
     * 0.40% taker: Kraken support "How trading fees work on Kraken"
     * (https://support.kraken.com/hc/en-us/articles/201893638, read 2026-12-06): "The fee ranges
     * from 0% to 0.40%", the top being the lowest-volume taker rate. 0.25% maker: NOT confirmed
     * by any page found (the guides found still quote the pre-2024 0.16% / 0.26% schedule).
     */
    maker: 0.0025,
    taker: 0.004,
    tier: "Kraken Pro spot, 30-day volume $0 - $10,000",
    source: "https://www.kraken.com/features/fee-schedule",
    asOf: "2025-06",
    checked: {
      date: "2026-12-06",
      pages: [
        "https://support.kraken.com/hc/en-us/articles/201893638-How-trading-fees-work-on-Kraken",
      ],
      confirmed: "taker",
      note: "Kraken's support page: the fee ranges from 0% to 0.40% of the order's value, so " +
        "0.40% is the lowest-volume taker rate. The 0.25% maker rate was not confirmed: the " +
        "guides found quote an older $0 - $50,000 tier of 0.16% maker / 0.26% taker.",
    },
  },
  coinbase: {
    /**
     * 0.60% maker, 1.20% taker, Intro 1 ($0 - $1K): API Evangelist's Coinbase plans
     * (raw.githubusercontent.com/api-evangelist/coinbase/.../coinbase-plans-pricing.yml, modified
     * 2026-05-05, citing the help.coinbase.com page below): "Intro 1 (0.60% maker / 1.20% taker)
     * at sub-$1K volume". The Coinbase help page (read 2026-12-06) states the maker-taker model
     * but shows the table only when signed in.
     */
    maker: 0.006,
    taker: 0.012,
    tier: "Coinbase Advanced spot, 30-day volume $0 - $1,000",
    source:
      "https://help.coinbase.com/en/coinbase/trading-and-funding/advanced-trade/advanced-trade-fees",
    asOf: "2025-06",
    checked: {
      date: "2026-12-06",
      pages: [
        "https://help.coinbase.com/en/coinbase/trading-and-funding/advanced-trade/advanced-trade-fees",
        "https://raw.githubusercontent.com/api-evangelist/coinbase/refs/heads/main/plans/coinbase-plans-pricing.yml",
      ],
      confirmed: "both",
      note: "API Evangelist's Coinbase pricing file (modified 2026-05-05, citing the help page): " +
        "Intro 1, under $1K 30-day volume, 0.60% maker / 1.20% taker. Coinbase's help page " +
        "describes the maker-taker model; its table is shown only after signing in.",
    },
  },
  bybit: {
    /**
     * 0.1% spot: not confirmed by any page found on 2026-12-06.
     */
    maker: 0.001,
    taker: 0.001,
    tier: "spot, non-VIP",
    source: "https://www.bybit.com/en/announcement-info/fee-rate/",
    asOf: "2025-06",
    checked: {
      date: "2026-12-06",
      pages: [],
      confirmed: "none",
      note: "Not confirmed: no page found for Bybit's default spot tier.",
    },
  },
  "bybit-linear": {
    /**
     * 0.02% maker, 0.055% taker: loweef Crypto Futures Fee Index (as of 2026-10-16, source
     * bybit.com/en/help-center/article/Trading-Fee-Structure), read 2026-12-06.
     */
    maker: 0.0002,
    taker: 0.00055,
    tier: "USDT perpetuals, non-VIP",
    source: "https://www.bybit.com/en/announcement-info/fee-rate/",
    asOf: "2025-06",
    checked: {
      date: "2026-12-06",
      pages: ["https://huggingface.co/datasets/loweef/crypto-futures-fees"],
      confirmed: "both",
      note: "The loweef futures fee index (as of 2026-10-16, source bybit.com/en/help-center/" +
        "article/Trading-Fee-Structure) lists Bybit at 0.055% taker, 0.02% maker.",
    },
  },
  okx: {
    /**
     * 0.08% / 0.10% spot Lv1: not confirmed by any page found on 2026-12-06.
     */
    maker: 0.0008,
    taker: 0.001,
    tier: "spot, Regular user Lv1",
    source: "https://www.okx.com/fees",
    asOf: "2025-06",
    checked: {
      date: "2026-12-06",
      pages: [],
      confirmed: "none",
      note: "Not confirmed: no page found for OKX's Lv1 spot tier.",
    },
  },
  "okx-swap": {
    /**
     * 0.02% maker, 0.05% taker: loweef Crypto Futures Fee Index (as of 2026-10-16, source
     * okx.com/fees), read 2026-12-06.
     */
    maker: 0.0002,
    taker: 0.0005,
    tier: "perpetual swaps, Regular user Lv1",
    source: "https://www.okx.com/fees",
    asOf: "2025-06",
    checked: {
      date: "2026-12-06",
      pages: ["https://huggingface.co/datasets/loweef/crypto-futures-fees"],
      confirmed: "both",
      note: "The loweef futures fee index (as of 2026-10-16, source okx.com/fees) lists OKX at " +
        "0.05% taker, 0.02% maker.",
    },
  },
  "uniswap-v2": {
    /**
     * 0.30% on the input amount in every v2 pool: Uniswap docs "Protocol Fee Configuration"
     * (https://docs.uniswap.org/contracts/protocol-fee/fee-setting-rational, read 2026-12-06):
     * v2, all pools, LP fee 0.25% + protocol fee 0.05% (= the 0.30% swap fee of the v2 pair's
     * 997/1000 formula; the protocol share is switched on or off for all pools at once).
     */
    maker: 0.003,
    taker: 0.003,
    tier:
      "every v2 pool: 0.30% swap fee on the input amount (0.25% to LPs + 0.05% protocol fee once switched on; no maker/taker distinction)",
    source: "https://docs.uniswap.org/contracts/v2/concepts/advanced-topics/fees",
    asOf: "2025-06",
    checked: {
      date: "2026-12-06",
      pages: [
        "https://docs.uniswap.org/contracts/protocol-fee/fee-setting-rational",
        "https://docs.krokoswap.io/concepts/v2/fees",
      ],
      confirmed: "both",
      note: "Uniswap's protocol fee page: v2, all pools, LP fee 0.25% plus protocol fee 0.05% " +
        "(the 0.30% swap fee, split once the protocol fee is on); a v2 fork's docs: the " +
        "effective input is amountIn x 0.997.",
    },
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
