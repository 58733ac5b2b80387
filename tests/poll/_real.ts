/**
 * Real payloads the poll tests compare against, read straight off the captures in
 * ../shared/data/real/api_payloads (PROVENANCE.md): the Binance spot ticker/price capture
 * (nautilus), the Kraken Ticker capture (nautilus) and fardint's Dexscreener search answer
 * for `USD1/USDC` (the `search` field of the multi-endpoint bundle). Call only inside
 * realDataTest bodies.
 */
import { readFileSync } from "node:fs";
import { realPath } from "../_shared/real_data.ts";
export { fakeFetch } from "../_shared/fake_fetch.ts";

// deno-lint-ignore no-explicit-any
export type Json = any;

const API = "api_payloads";

/** The Binance `/api/v3/ticker/price` capture: `{symbol, price}`. */
export function binanceTicker(): { symbol: string; price: string } {
  return JSON.parse(readFileSync(
    realPath(
      API,
      "binance_rest_ws_nautilus",
      "real_captures",
      "http_spot_market_ticker_price.json",
    ),
    "utf8",
  ));
}

/** The Kraken `/0/public/Ticker` capture (one pair, XBTUSDT). */
export function krakenTicker(): Json {
  return JSON.parse(
    readFileSync(realPath(API, "kraken_coinbase_nautilus", "kraken", "http_ticker.json"), "utf8"),
  );
}

/** The Dexscreener `/latest/dex/search?q=USD1/USDC` answer: `{schemaVersion, pairs}`. */
export function dexSearch(): Json {
  const multi = JSON.parse(readFileSync(
    realPath(API, "dexscreener", "fardint_indexer-sdk_2025-11_multi_endpoint_USD1_solana.json"),
    "utf8",
  ));
  return multi.search;
}

/** Pair addresses of the real search answer that pass the default universe rules. */
export const EXPECTED_UNIVERSE = [
  // SNAIL/USDC on PancakeSwap (bsc): liquidity $171,545.96, 24h volume $29,746.91
  "bsc:0x1D81f8f2D1a513F2dA660ae09358B93d7abC4997",
  // COAI/USDC on PancakeSwap (bsc): liquidity $2,502,916.33, 24h volume $78,149,052.18
  "bsc:0x778121B464151FE5d931587c457E48FcAaA0dc7A",
  // PING/USDC on Uniswap (base): liquidity $2,945,045.64, 24h volume $1,308,940.74
  "base:0x98c8f03094a9e65ccedc14c40130e4a5dd0ce14fb12ea58cbeac11f662b458b9",
];

/** Every chain in the real search answer. */
export const ALL_CHAINS = ["solana", "bsc", "base", "ethereum"];
