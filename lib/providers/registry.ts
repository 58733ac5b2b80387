/**
 * The venue registry: a new venue is one file (its provider class) plus one line here.
 *
 * Each entry says what the venue offers (`kinds`), which environment variable replaces its
 * base URL (`CRYPTOLAB_<envName>_URL`) and how to build it from a {@link ProviderContext}.
 * {@link providerFor} returns the venue's provider typed as the interface of the asked kind,
 * or says which venues offer that kind.
 *
 * @module
 */
import { BinanceVenue, type TradeStreamSource } from "./binance_ws.ts";
import { CoinbaseProvider } from "./coinbase.ts";
import { DexscreenerProvider } from "./dexscreener.ts";
import { KrakenProvider } from "./kraken.ts";
import {
  BinanceFuturesVenue,
  type OpenInterestSource,
  type PerpKlineSource,
} from "./binance_futures.ts";
import type { LiquidationStreamSource } from "./binance_futures_ws.ts";
import type {
  CandleSource,
  DexPairSource,
  FundingSource,
  ProviderContext,
  SpotQuoteSource,
  TradeSource,
} from "./types.ts";

/** A kind of data a venue can offer. */
export type DataKind =
  | "candles"
  | "trades"
  | "quotes"
  | "dex"
  | "funding"
  | "trade_stream"
  | "perp_klines"
  | "open_interest"
  | "liquidation_stream";

/** The interface a provider implements for each kind. */
export interface KindInterfaces {
  candles: CandleSource;
  trades: TradeSource;
  quotes: SpotQuoteSource;
  dex: DexPairSource;
  funding: FundingSource;
  trade_stream: TradeStreamSource;
  perp_klines: PerpKlineSource;
  open_interest: OpenInterestSource;
  liquidation_stream: LiquidationStreamSource;
}

/** The method that proves a provider implements a kind (checked when it is built). */
export const KIND_METHODS: Readonly<Record<DataKind, string>> = {
  candles: "fetchCandles",
  trades: "fetchTrades",
  quotes: "fetchQuotes",
  dex: "pairsByAddress",
  funding: "fetchFunding",
  trade_stream: "openTradeStream",
  perp_klines: "fetchPerpKlines",
  open_interest: "fetchOpenInterest",
  liquidation_stream: "openLiquidationStream",
};

/** One registered venue. */
export interface ProviderEntry {
  /** Build the venue's provider (one object implementing every kind it lists). */
  readonly create: (ctx: ProviderContext) => { readonly id: string };
  /** What it offers. */
  readonly kinds: readonly DataKind[];
  /** `<NAME>` of its base-URL variable `CRYPTOLAB_<NAME>_URL`. */
  readonly envName: string;
}

/**
 * Every venue, one line each.
 *
 * @example What Coinbase offers, and where a base URL comes from
 * ```ts
 * import { PROVIDERS } from "@lib/providers/registry.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual([...PROVIDERS.coinbase.kinds], ["candles", "quotes"]);
 * assert.equal(PROVIDERS.binance_futures.envName, "BINANCE_FUTURES");
 * ```
 */
export const PROVIDERS = {
  binance: {
    create: (ctx) => new BinanceVenue({ ...ctx, market: "spot" }),
    kinds: ["candles", "trades", "quotes", "trade_stream"],
    envName: "BINANCE",
  },
  binance_futures: {
    create: (ctx) => new BinanceFuturesVenue(ctx),
    kinds: [
      "candles",
      "trades",
      "quotes",
      "funding",
      "trade_stream",
      "perp_klines",
      "open_interest",
      "liquidation_stream",
    ],
    envName: "BINANCE_FUTURES",
  },
  kraken: {
    create: (ctx) => new KrakenProvider(ctx),
    kinds: ["candles", "trades", "quotes"],
    envName: "KRAKEN",
  },
  coinbase: {
    create: (ctx) => new CoinbaseProvider(ctx),
    kinds: ["candles", "quotes"],
    envName: "COINBASE",
  },
  dexscreener: {
    create: (ctx) => new DexscreenerProvider(ctx),
    kinds: ["dex"],
    envName: "DEXSCREENER",
  },
} as const satisfies Record<string, ProviderEntry>;

/** A registered venue id. */
export type VenueId = keyof typeof PROVIDERS;

/**
 * The venues offering `kind`, in registry order.
 *
 * @example
 * ```ts
 * import { venuesOffering } from "@lib/providers/registry.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(venuesOffering("funding"), ["binance_futures"]);
 * ```
 */
export function venuesOffering(kind: DataKind): VenueId[] {
  const entries = Object.entries(PROVIDERS) as [VenueId, ProviderEntry][];
  return entries.filter(([, p]) => p.kinds.includes(kind)).map(([v]) => v);
}

/**
 * Build `venue`'s provider for `kind`. Throws a RangeError naming the venues that offer `kind`
 * when `venue` is unknown or does not offer it.
 *
 * @example Kraken trades, and a kind Coinbase does not offer
 * ```ts
 * import { providerFor } from "@lib/providers/registry.ts";
 * import assert from "node:assert/strict";
 * const trades = providerFor("kraken", "trades", { baseUrl: "http://127.0.0.1:9" });
 * assert.equal(trades.id, "kraken");
 * assert.throws(() => providerFor("coinbase", "funding"), /venues offering funding: binance_futures/);
 * ```
 */
export function providerFor<K extends DataKind>(
  venue: string,
  kind: K,
  ctx: ProviderContext = {},
): KindInterfaces[K] {
  const entry = (PROVIDERS as Record<string, ProviderEntry>)[venue];
  const offering = venuesOffering(kind).join(", ") || "(none)";
  if (!entry) {
    throw new RangeError(
      `Unknown venue "${venue}": use one of ${Object.keys(PROVIDERS).join(", ")} ` +
        `(venues offering ${kind}: ${offering})`,
    );
  }
  if (!entry.kinds.includes(kind)) {
    throw new RangeError(
      `Venue "${venue}" offers no ${kind} (it offers ${entry.kinds.join(", ")}); ` +
        `venues offering ${kind}: ${offering}`,
    );
  }
  const provider = entry.create(ctx);
  const method = KIND_METHODS[kind];
  if (typeof (provider as unknown as Record<string, unknown>)[method] !== "function") {
    throw new TypeError(
      `Registry entry "${venue}" lists ${kind} but its provider has no ${method}(): fix the ` +
        `entry's kinds or the provider class`,
    );
  }
  return provider as unknown as KindInterfaces[K];
}
