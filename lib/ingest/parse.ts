/**
 * One entry point over all format parsers: bytes in, parsed columns out (no I/O).
 *
 * @module
 */
import { gunzipSync } from "node:zlib";
import type { FormatName } from "./detect.ts";
import type { Parsed } from "./types.ts";
import { FileParseError } from "./types.ts";
import { parseFreqtradeJson } from "./formats/freqtrade_json.ts";
import { parseBinanceKlineCsv } from "./formats/binance_kline_csv.ts";
import { parseCddCsv } from "./formats/cdd_csv.ts";
import { parseKrakenOhlcvtCsv } from "./formats/kraken_ohlcvt_csv.ts";
import { parseIsoCsv } from "./formats/iso_csv.ts";
import { parseBinanceTradesCsv } from "./formats/binance_trades_csv.ts";
import { parseBinanceTradesJson } from "./formats/binance_trades_json.ts";
import { parseTardisTradesCsv } from "./formats/tardis_trades_csv.ts";
import { parseFreqtradeTrades } from "./formats/freqtrade_trades.ts";
import { parseFreqtradeOrderflowCsv } from "./formats/freqtrade_orderflow_csv.ts";
import { parseKrakenTradesCsv } from "./formats/kraken_trades_csv.ts";
import { parseNautilusTradesParquet } from "./formats/nautilus_parquet.ts";

const TEXT_PARSERS: Record<Exclude<FormatName, "nautilus_trades_parquet">, (t: string) => Parsed> =
  {
    freqtrade_json: parseFreqtradeJson,
    binance_kline_csv: parseBinanceKlineCsv,
    cdd_csv: parseCddCsv,
    kraken_ohlcvt_csv: parseKrakenOhlcvtCsv,
    iso_csv: parseIsoCsv,
    binance_trades_csv: parseBinanceTradesCsv,
    binance_trades_json: parseBinanceTradesJson,
    tardis_trades_csv: parseTardisTradesCsv,
    freqtrade_trades: parseFreqtradeTrades,
    freqtrade_orderflow_csv: parseFreqtradeOrderflowCsv,
    kraken_trades_csv: parseKrakenTradesCsv,
  };

/**
 * True when `bytes` start with the gzip magic number.
 *
 * @example The magic number
 * ```ts
 * import { isGzip } from "@lib/ingest/parse.ts";
 * import { gzipSync } from "node:zlib";
 * import assert from "node:assert/strict";
 * assert.equal(isGzip(gzipSync("[]")), true);
 * assert.equal(isGzip(new TextEncoder().encode("[]")), false);
 * ```
 */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Decompress gzip bytes (as-is otherwise), turning a corrupt stream into a FileParseError.
 *
 * @example Round trip
 * ```ts
 * import { maybeGunzip } from "@lib/ingest/parse.ts";
 * import { gzipSync } from "node:zlib";
 * import assert from "node:assert/strict";
 * assert.equal(new TextDecoder().decode(maybeGunzip(gzipSync("[1]"))), "[1]");
 * ```
 */
export function maybeGunzip(bytes: Uint8Array): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    return gunzipSync(bytes);
  } catch (e) {
    throw new FileParseError(1, `corrupt gzip data (${(e as Error).message})`);
  }
}

/**
 * Parse a file's bytes in `format` (gzip is undone first).
 *
 * @example Parse bytes of a known format
 * ```ts
 * import { parseBytes } from "@lib/ingest/parse.ts";
 * import assert from "node:assert/strict";
 * const p = await parseBytes("kraken_trades_csv", new TextEncoder().encode("1672531436,90.54,1.1\n"));
 * assert.equal(p.kind, "trades");
 * ```
 */
export async function parseBytes(format: FormatName, bytes: Uint8Array): Promise<Parsed> {
  const data = maybeGunzip(bytes);
  if (format === "nautilus_trades_parquet") return await parseNautilusTradesParquet(data);
  return TEXT_PARSERS[format](new TextDecoder().decode(data));
}
