/**
 * The static REST payloads of the fake exchange: real captured bodies indexed by request path
 * and query, so a request for the endpoint that was recorded gets the recorded body back.
 *
 * @module
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** One stored body and the real file it came from. */
export interface StoredPayload {
  readonly body: string;
  readonly source: string;
}

/** Payloads by {@link routeKey}, plus path-only fallbacks for captures taken without a query. */
export interface PayloadIndex {
  /** Exact `path?sorted-query` matches (cryptofeed sessions, Dexscreener search). */
  readonly exact: Map<string, StoredPayload>;
  /** Path matches that answer whatever the query (single captures such as ticker price). */
  readonly byPath: Map<string, StoredPayload>;
}

/**
 * The lookup key of a request: its path and its query parameters sorted by name, so that
 * `?limit=5&symbol=X` and `?symbol=X&limit=5` are the same endpoint.
 *
 * @example Parameter order does not matter
 * ```ts
 * import { routeKey } from "./payloads.ts";
 * import assert from "node:assert/strict";
 * assert.equal(routeKey("/api/v3/depth", "?symbol=X&limit=5"), "/api/v3/depth?limit=5&symbol=X");
 * assert.equal(routeKey("/api/v3/time", ""), "/api/v3/time");
 * ```
 */
export function routeKey(path: string, search: string): string {
  const params = [...new URLSearchParams(search)].sort((a, b) =>
    a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0
  );
  if (params.length === 0) return path;
  return path + "?" + new URLSearchParams(params).toString();
}

const BINANCE_CAPTURES: ReadonlyArray<readonly [string, string]> = [
  ["/api/v3/exchangeInfo", "http_spot_market_exchange_info.json"],
  ["/fapi/v1/exchangeInfo", "http_futures_market_exchange_info.json"],
  ["/api/v3/avgPrice", "http_spot_market_avg_price.json"],
  ["/api/v3/ticker/bookTicker", "http_spot_market_book_ticker.json"],
  ["/api/v3/depth", "http_spot_market_depth.json"],
  ["/api/v3/historicalTrades", "http_spot_market_historical_trades.json"],
  ["/api/v3/trades", "http_spot_market_trades.json"],
  ["/api/v3/ticker/price", "http_spot_market_ticker_price.json"],
  ["/api/v3/time", "http_spot_market_time.json"],
];

const KRAKEN_CAPTURES: ReadonlyArray<readonly [string, string]> = [
  ["/0/public/Ticker", "http_ticker.json"],
  ["/0/public/OHLC", "http_ohlc.json"],
  ["/0/public/Trades", "http_trades.json"],
  ["/0/public/AssetPairs", "http_asset_pairs.json"],
  ["/0/public/Depth", "http_order_book.json"],
  ["/0/public/Time", "http_server_time.json"],
  ["/0/public/SystemStatus", "http_system_status.json"],
  ["/derivatives/api/v3/tickers", "http_futures_tickers.json"],
  ["/derivatives/api/v3/instruments", "http_futures_instruments.json"],
  ["/derivatives/api/v4/historicalfundingrates", "http_futures_historical_funding_rates.json"],
];

const DEX_TOKEN = "USD1ttGY1N17NEEHLmELoaybftRBUSErhqYiQzvEmuB";
const DEX_PAIR = "6guiXw4mBNpXrGe9rcQ2mhJh3E8is8JZynd8BoAtAX93";

/**
 * Build the payload index from the real-data folder `realDir` (`.../shared/data/real`).
 * Throws when a listed capture is missing, naming the file.
 *
 * Routes: Binance spot/futures captures (nautilus) by path; every URL-tagged line of the
 * cryptofeed `*http*` sessions by path and query (first host wins when two hosts share a
 * path and query); Kraken spot `/0/public/*` and futures captures by path; Dexscreener pairs,
 * tokens, token-pairs, tokens batch, search (`q=USD1/USDC`), latest profiles and boosts.
 *
 * @example Index the real captures (skips quietly when the data is absent)
 * ```ts
 * import { loadPayloadIndex } from "./payloads.ts";
 * import { existsSync } from "node:fs";
 * import assert from "node:assert/strict";
 * const dir = new URL("../../../shared/data/real", import.meta.url).pathname;
 * if (existsSync(dir + "/PROVENANCE.md")) {
 *   const index = loadPayloadIndex(dir);
 *   assert.ok(index.byPath.has("/api/v3/ticker/price"));
 * }
 * ```
 */
export function loadPayloadIndex(realDir: string): PayloadIndex {
  const exact = new Map<string, StoredPayload>();
  const byPath = new Map<string, StoredPayload>();
  const api = join(realDir, "api_payloads");
  const readFile = (path: string): StoredPayload => ({
    body: readFileSync(path, "utf8"),
    source: path,
  });

  const binanceDir = join(api, "binance_rest_ws_nautilus", "real_captures");
  for (const [route, file] of BINANCE_CAPTURES) byPath.set(route, readFile(join(binanceDir, file)));
  const krakenDir = join(api, "kraken_coinbase_nautilus", "kraken");
  for (const [route, file] of KRAKEN_CAPTURES) byPath.set(route, readFile(join(krakenDir, file)));

  const sessions = join(api, "cryptofeed_recorded_sessions");
  for (const name of readdirSync(sessions).filter((n) => n.includes("http")).sort()) {
    const path = join(sessions, name);
    for (const line of readFileSync(path, "utf8").split("\n")) {
      const arrow = line.indexOf(" -> ");
      if (arrow < 0) continue;
      const colon = line.indexOf(": ", arrow);
      if (colon < 0) continue;
      const url = new URL(line.slice(0, arrow));
      const key = routeKey(url.pathname, url.search);
      if (!exact.has(key)) exact.set(key, { body: line.slice(colon + 2), source: path });
    }
  }

  const dex = join(api, "dexscreener");
  exact.set(
    `/latest/dex/pairs/solana/${DEX_PAIR}`,
    readFile(join(dex, "7xck_raydium-executor_2023-12_latest_dex_pairs_solana_single.json")),
  );
  exact.set(
    `/latest/dex/tokens/${DEX_TOKEN}`,
    readFile(join(dex, "fardint_indexer-sdk_2025-11_latest_dex_tokens_USD1.json")),
  );
  const multiPath = join(dex, "fardint_indexer-sdk_2025-11_multi_endpoint_USD1_solana.json");
  const multi = JSON.parse(readFileSync(multiPath, "utf8")) as Record<string, unknown>;
  const part = (name: string): StoredPayload => {
    if (!(name in multi)) throw new Error(`Cannot index ${multiPath}: no "${name}" field`);
    return { body: JSON.stringify(multi[name]), source: `${multiPath}#${name}` };
  };
  exact.set(`/token-pairs/v1/solana/${DEX_TOKEN}`, part("pools"));
  exact.set(`/tokens/v1/solana/${DEX_TOKEN}`, part("tokensBatch"));
  exact.set(routeKey("/latest/dex/search", "?q=USD1/USDC"), part("search"));
  exact.set("/token-profiles/latest/v1", part("latestProfiles"));
  exact.set("/token-boosts/latest/v1", part("latestBoosts"));
  return { exact, byPath };
}

/**
 * The stored payload for a request, exact path and query first, then path alone.
 *
 * @example Exact match first
 * ```ts
 * import { findPayload } from "./payloads.ts";
 * import assert from "node:assert/strict";
 * const index = {
 *   exact: new Map([["/d?symbol=A", { body: "a", source: "x" }]]),
 *   byPath: new Map([["/d", { body: "any", source: "y" }]]),
 * };
 * assert.equal(findPayload(index, "/d", "?symbol=A")?.body, "a");
 * assert.equal(findPayload(index, "/d", "?symbol=B")?.body, "any");
 * ```
 */
export function findPayload(
  index: PayloadIndex,
  path: string,
  search: string,
): StoredPayload | undefined {
  return index.exact.get(routeKey(path, search)) ?? index.byPath.get(path);
}
