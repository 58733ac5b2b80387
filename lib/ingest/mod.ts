/**
 * Importing the market-data files users already hold: freqtrade JSON, Binance data dumps,
 * CryptoDataDownload, Kraken, Binance.US/FTX CSVs, Tardis, Binance REST payloads, nautilus
 * parquet. `importPaths` is the entry point; each format's parser is a pure function.
 *
 * @example Detect and parse without a store
 * ```ts
 * import { detectFormat, parseBytes } from "@lib/ingest/mod.ts";
 * import assert from "node:assert/strict";
 * const text = "1672531436,90.54,1.1\n";
 * const d = detectFormat("BCHEUR.csv", text);
 * assert.equal(d.kind, "format");
 * if (d.kind === "format") {
 *   const p = await parseBytes(d.format, new TextEncoder().encode(text));
 *   assert.equal(p.n, 1);
 * }
 * ```
 *
 * @module
 */
export * from "./types.ts";
export * from "./text.ts";
export * from "./detect.ts";
export * from "./naming.ts";
export * from "./parse.ts";
export * from "./validate_bars.ts";
export * from "./validate_trades.ts";
export * from "./walk.ts";
export * from "./import_path.ts";
export * from "./quarantine_release.ts";
export * from "./quarantine_export.ts";
export { parseFreqtradeJson } from "./formats/freqtrade_json.ts";
export { parseBinanceKlineCsv } from "./formats/binance_kline_csv.ts";
export { parseCddCsv } from "./formats/cdd_csv.ts";
export { parseKrakenOhlcvtCsv } from "./formats/kraken_ohlcvt_csv.ts";
export { ISO_TIME_COLUMNS, parseIsoCsv } from "./formats/iso_csv.ts";
export { parseBinanceTradesCsv } from "./formats/binance_trades_csv.ts";
export { parseBinanceTradesJson } from "./formats/binance_trades_json.ts";
export { parseTardisTradesCsv, tardisVenue } from "./formats/tardis_trades_csv.ts";
export { parseFreqtradeTrades } from "./formats/freqtrade_trades.ts";
export { parseFreqtradeOrderflowCsv } from "./formats/freqtrade_orderflow_csv.ts";
export { parseKrakenTradesCsv } from "./formats/kraken_trades_csv.ts";
export { parseNautilusTradesParquet } from "./formats/nautilus_parquet.ts";
export * from "./backfill.ts";
export * from "./dex_universe.ts";
export * from "./poll.ts";
export * from "./stream.ts";
export * from "./perp_write.ts";
export * from "./perp_backfill.ts";
export * from "./import_perp.ts";
export * from "./liquidation_stream.ts";
