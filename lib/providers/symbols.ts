/**
 * One asset, each venue's symbol for it: `BTC` is `BTCUSDT` on Binance, `XBTUSDT` on Kraken and
 * `BTC-USD` on Coinbase. A fallback chain that asks several venues for the same thing needs the
 * symbol of each (`chainFromConfig` in `./chain_config.ts`), and so does the poller
 * (`@lib/ingest/poll.ts`, which re-exports these names).
 *
 * @module
 */

/** Asset -> venue id -> that venue's symbol for it. */
export type SymbolMap = Readonly<Record<string, Readonly<Record<string, string>>>>;

/**
 * The demo universe's symbols per venue. Binance quotes in USDT, Coinbase in USD, Kraken's
 * XBTUSDT/ETHUSDT in USDT; the cross-venue gate's default 2% tolerance covers USDT vs USD.
 * To add an asset, add a line (`SOL: { binance: "SOLUSDT", kraken: "SOLUSDT",
 * coinbase: "SOL-USD" }`) or pass your own map; a venue left out of a line is simply not asked
 * for that asset.
 */
export const ASSET_SYMBOLS: SymbolMap = {
  BTC: { binance: "BTCUSDT", binance_futures: "BTCUSDT", kraken: "XBTUSDT", coinbase: "BTC-USD" },
  ETH: { binance: "ETHUSDT", binance_futures: "ETHUSDT", kraken: "ETHUSDT", coinbase: "ETH-USD" },
};

/**
 * The asset a user-given symbol names: the asset itself (`BTC`) or any venue's symbol for it
 * (`BTCUSDT`, `XBTUSDT`, `BTC-USD`). Throws a RangeError listing the known ones otherwise.
 * Cost: O(assets x venues).
 *
 * @example
 * ```ts
 * import { resolveAsset } from "@lib/providers/symbols.ts";
 * import assert from "node:assert/strict";
 * assert.equal(resolveAsset("BTCUSDT"), "BTC");
 * assert.equal(resolveAsset("eth-usd"), "ETH");
 * assert.throws(() => resolveAsset("DOGEUSDT"), /Unknown symbol "DOGEUSDT"/);
 * ```
 */
export function resolveAsset(symbol: string, map: SymbolMap = ASSET_SYMBOLS): string {
  const s = symbol.trim().toUpperCase();
  for (const [asset, venues] of Object.entries(map)) {
    if (asset === s || Object.values(venues).some((v) => v.toUpperCase() === s)) return asset;
  }
  const known = Object.entries(map).map(([a, v]) => `${a} (${Object.values(v).join(", ")})`);
  throw new RangeError(
    `Unknown symbol "${symbol}": known are ${known.join("; ")}; add the asset to ASSET_SYMBOLS ` +
      `in lib/providers/symbols.ts or pass a symbol map`,
  );
}

/**
 * `venue`'s symbol for the asset that `symbol` names (see {@link resolveAsset}), or undefined
 * when the map has no symbol of that asset on that venue.
 *
 * @example The same asset on three venues
 * ```ts
 * import { symbolOnVenue } from "@lib/providers/symbols.ts";
 * import assert from "node:assert/strict";
 * assert.equal(symbolOnVenue("BTCUSDT", "kraken"), "XBTUSDT");
 * assert.equal(symbolOnVenue("BTC", "coinbase"), "BTC-USD");
 * assert.equal(symbolOnVenue("BTC", "dexscreener"), undefined);
 * ```
 */
export function symbolOnVenue(
  symbol: string,
  venue: string,
  map: SymbolMap = ASSET_SYMBOLS,
): string | undefined {
  return map[resolveAsset(symbol, map)]?.[venue];
}
