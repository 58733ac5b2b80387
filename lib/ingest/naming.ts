/**
 * Inferring venue, symbol and frequency from a file's path, and base/quote/kind for the
 * `instruments` table.
 *
 * @module
 */
import { basename } from "node:path";
import { type Freq, freqFromMs, isFreq } from "../core/freq.ts";
import type { InstrumentKind } from "../core/types.ts";
import type { FormatName } from "./detect.ts";

const VENUES = [
  "binanceus",
  "binance",
  "kraken",
  "ftx",
  "gemini",
  "bitmex",
  "coinbase",
  "bitstamp",
  "bybit",
  "okx",
  "bitfinex",
  "kucoin",
] as const;
const FUTURES_TOKENS = new Set(["futures", "usdm", "um", "fapi"]);
const COINM_TOKENS = new Set(["coinm", "cm", "dapi"]);

/**
 * Infer the venue from path segments, nearest first (the file name, then its folders): the
 * first segment naming a known exchange wins, so `binanceus_kraken_btc/kraken_ohlcvt/x.csv` is
 * Kraken. Binance becomes `binance_futures` when a segment up to that one says futures, `usdm`
 * or `um` (the data.binance.vision layout), and `binance_coinm` for `cm`/`coinm`.
 *
 * @example Nearest segment wins
 * ```ts
 * import { inferVenue } from "@lib/ingest/naming.ts";
 * import assert from "node:assert/strict";
 * assert.equal(inferVenue("a/binance_usdm_2025/BTC_USDT_USDT-1h-futures.json"), "binance_futures");
 * assert.equal(inferVenue("ohlcv/binanceus_kraken_btc/binanceus_1m/BTCUSD_1m.csv"), "binanceus");
 * assert.equal(inferVenue("cdd/gemini_BTCUSD_1hr.csv"), "gemini");
 * assert.equal(inferVenue("somewhere/XRP_ETH-trades.json.gz"), undefined);
 * ```
 */
export function inferVenue(path: string): string | undefined {
  const segments = path.split(/[\\/]+/).filter((s) => s !== "").reverse();
  let futures = false, coinm = false;
  for (const seg of segments) {
    const tokens = seg.toLowerCase().split(/[^a-z0-9]+/);
    for (const t of tokens) {
      if (FUTURES_TOKENS.has(t)) futures = true;
      if (COINM_TOKENS.has(t)) coinm = true;
    }
    const venue = VENUES.find((v) => tokens.includes(v));
    if (venue !== undefined) {
      if (venue === "binance" && coinm) return "binance_coinm";
      if (venue === "binance" && futures) return "binance_futures";
      return venue;
    }
  }
  return undefined;
}

/**
 * Venue for a file whose layout only Binance writes (data.binance.vision dumps, REST payloads)
 * when its path names no exchange: `binance`, or `binance_futures` / `binance_coinm` when a
 * path segment says futures/`um` or `cm` (the data.binance.vision folder layout).
 *
 * @example data.binance.vision folders
 * ```ts
 * import { binanceVenueFromPath } from "@lib/ingest/naming.ts";
 * import assert from "node:assert/strict";
 * assert.equal(binanceVenueFromPath("data/spot/monthly/klines/BTCUSDT/1h/BTCUSDT-1h-2024-01.csv"), "binance");
 * assert.equal(binanceVenueFromPath("data/futures/um/daily/aggTrades/BTCUSDT/x.csv"), "binance_futures");
 * ```
 */
export function binanceVenueFromPath(path: string): string {
  const tokens = path.toLowerCase().split(/[^a-z0-9]+/);
  if (tokens.some((t) => COINM_TOKENS.has(t))) return "binance_coinm";
  if (tokens.some((t) => FUTURES_TOKENS.has(t))) return "binance_futures";
  return "binance";
}

/** What the file name says about the bar frequency. */
export type FreqHint =
  | { readonly freq: Freq }
  | { readonly unsupported: string }
  | undefined;

const CDD_FREQ: Record<string, Freq> = {
  "1h": "1h",
  "1hr": "1h",
  hour: "1h",
  d: "1d",
  day: "1d",
  "1d": "1d",
  minute: "1m",
  "1m": "1m",
  "1min": "1m",
  "5m": "5m",
  "15m": "15m",
  "4h": "4h",
};

function fromLabel(label: string): FreqHint {
  return isFreq(label) ? { freq: label } : { unsupported: label };
}

/**
 * Bar frequency from a file name, per format: freqtrade `-1h`, Binance dump `-1h-2023-01`,
 * CryptoDataDownload `_1h`/`_d`/`_day`/`_hour`/`_1hr`, Kraken `_60` (minutes), other CSVs
 * `_1m_`. A length cryptolab does not store (8h, Kraken's 720 minutes) comes back as
 * `unsupported`; no hint is undefined.
 *
 * @example Frequencies from names
 * ```ts
 * import { freqFromName } from "@lib/ingest/naming.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(freqFromName("kraken_ohlcvt_csv", "XBTUSDC_1440.csv"), { freq: "1d" });
 * assert.deepEqual(freqFromName("kraken_ohlcvt_csv", "XBTUSDC_720.csv"), { unsupported: "720 minutes" });
 * assert.deepEqual(freqFromName("cdd_csv", "Binance_ETHUSDT_d.csv"), { freq: "1d" });
 * assert.deepEqual(freqFromName("freqtrade_json", "BTC_USDT_USDT-8h-mark.json"), { unsupported: "8h" });
 * ```
 */
export function freqFromName(format: FormatName, path: string): FreqHint {
  const name = basename(path);
  let m: RegExpExecArray | null;
  switch (format) {
    case "freqtrade_json":
      m = /-(\d+[smhdwM])(?:-[A-Za-z_]+)?\.json(?:\.gz)?$/.exec(name);
      return m === null ? undefined : fromLabel(m[1]!);
    case "binance_kline_csv":
      m = /-(\d+[smhdwM])(?:-|\.csv)/.exec(name);
      return m === null ? undefined : fromLabel(m[1]!);
    case "cdd_csv": {
      m = /_([a-z0-9]+)\.csv$/i.exec(name);
      const f = m === null ? undefined : CDD_FREQ[m[1]!.toLowerCase()];
      return f === undefined ? undefined : { freq: f };
    }
    case "kraken_ohlcvt_csv": {
      m = /_(\d+)\.csv$/.exec(name);
      if (m === null) return undefined;
      const f = freqFromMs(Number(m[1]) * 60_000);
      return f === undefined ? { unsupported: `${m[1]} minutes` } : { freq: f };
    }
    case "iso_csv":
      m = /[_-](\d+[smhd])(?:[_-]|\.csv$)/.exec(name);
      return m === null ? undefined : fromLabel(m[1]!);
    default:
      return undefined;
  }
}

/**
 * The most common step between consecutive distinct timestamps (sorted), as a frequency;
 * undefined when it is not one cryptolab stores or there are fewer than two rows.
 *
 * @example Minute bars with a gap
 * ```ts
 * import { modalFreq } from "@lib/ingest/naming.ts";
 * import assert from "node:assert/strict";
 * assert.equal(modalFreq(new Float64Array([0, 60_000, 120_000, 300_000])), "1m");
 * ```
 */
export function modalFreq(ts: Float64Array): Freq | undefined {
  const s = Float64Array.from(ts.filter(Number.isFinite)).sort();
  const counts = new Map<number, number>();
  for (let i = 1; i < s.length; i++) {
    const d = s[i]! - s[i - 1]!;
    if (d > 0) counts.set(d, (counts.get(d) ?? 0) + 1);
  }
  let best = 0, bestCount = 0;
  for (const [d, c] of counts) {
    if (c > bestCount || (c === bestCount && d < best)) [best, bestCount] = [d, c];
  }
  return bestCount === 0 ? undefined : freqFromMs(best);
}

/** Symbol as named by the file (before venue spelling), with base/quote when the name splits them. */
export interface NameSymbol {
  readonly symbol: string;
  readonly base?: string | undefined;
  readonly quote?: string | undefined;
}

/**
 * Symbol from a file name, per format (undefined when the name does not say).
 *
 * @example Symbols from names
 * ```ts
 * import { symbolFromName } from "@lib/ingest/naming.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(symbolFromName("freqtrade_json", "BTC_USDT_USDT-1h-futures.json"),
 *   { symbol: "BTC/USDT", base: "BTC", quote: "USDT" });
 * assert.equal(symbolFromName("iso_csv", "ftx-btc-perp-20211231-20220201_1m.csv")?.symbol, "BTC-PERP");
 * assert.equal(symbolFromName("kraken_trades_csv", "kraken_trades_csv_BCHEUR.csv")?.symbol, "BCHEUR");
 * ```
 */
export function symbolFromName(format: FormatName, path: string): NameSymbol | undefined {
  const name = basename(path);
  let m: RegExpExecArray | null;
  switch (format) {
    case "freqtrade_json":
    case "freqtrade_trades":
      m = /^([A-Za-z0-9]+)_([A-Za-z0-9]+)(?:_[A-Za-z0-9]+)?-/.exec(name);
      return m === null ? undefined : {
        symbol: `${m[1]}/${m[2]}`.toUpperCase(),
        base: m[1]!.toUpperCase(),
        quote: m[2]!.toUpperCase(),
      };
    case "binance_kline_csv":
      m = /^([A-Za-z0-9]+)-\d+[smhdwM]-/.exec(name);
      return m === null ? undefined : { symbol: m[1]!.toUpperCase() };
    case "cdd_csv":
      m = /^(?:[A-Za-z]+)_([A-Za-z0-9]+)_/.exec(name) ?? /^([A-Za-z0-9]+)_/.exec(name);
      return m === null ? undefined : { symbol: m[1]!.toUpperCase() };
    case "kraken_ohlcvt_csv":
      m = /^([A-Za-z0-9]+)_\d+\.csv$/.exec(name);
      return m === null ? undefined : { symbol: m[1]!.toUpperCase() };
    case "iso_csv":
      m = /(?:^|[-_])([A-Za-z0-9]+)-perp(?:[-_.]|$)/i.exec(name);
      if (m !== null) {
        return { symbol: `${m[1]!.toUpperCase()}-PERP`, base: m[1]!.toUpperCase(), quote: "USD" };
      }
      m = /^([A-Za-z0-9]+)[_-]/.exec(name);
      return m === null ? undefined : { symbol: m[1]!.toUpperCase() };
    case "binance_trades_csv":
      m = /^([A-Za-z0-9]+)[-_](?:agg)?trades/i.exec(name);
      return m === null ? undefined : { symbol: m[1]!.toUpperCase() };
    case "kraken_trades_csv":
      m = /(?:^|_)([A-Za-z0-9]+)\.csv$/.exec(name);
      return m === null ? undefined : { symbol: m[1]!.toUpperCase() };
    case "nautilus_trades_parquet":
      m = /^([A-Za-z0-9]+)-trades/i.exec(name);
      return m === null ? undefined : { symbol: m[1]!.toUpperCase() };
    default:
      return undefined;
  }
}

/**
 * Spell a symbol the way `venue` does: Binance (spot, futures, US) and Kraken/Gemini write
 * `BTCUSDT` (no separator, upper case); FTX and BitMEX names are kept as written.
 *
 * @example Venue spellings
 * ```ts
 * import { venueSymbol } from "@lib/ingest/naming.ts";
 * import assert from "node:assert/strict";
 * assert.equal(venueSymbol("binance", "BTC/USDT"), "BTCUSDT");
 * assert.equal(venueSymbol("ftx", "BTC-PERP"), "BTC-PERP");
 * ```
 */
export function venueSymbol(venue: string, symbol: string): string {
  if (venue === "ftx" || venue === "bitmex") return symbol.trim();
  return symbol.trim().toUpperCase().replace(/[/_\-:]/g, "");
}

const QUOTES = [
  "FDUSD",
  "USDT",
  "USDC",
  "BUSD",
  "TUSD",
  "DAI",
  "USD",
  "EUR",
  "GBP",
  "JPY",
  "BTC",
  "XBT",
  "ETH",
  "BNB",
];

/**
 * Split a symbol into base and quote: by its separator when it has one (`BTC/USDT`,
 * `BTC-PERP` quoted in USD), else by the longest known quote currency at the end that leaves a base of three or more
 * letters.
 *
 * @example Base and quote
 * ```ts
 * import { splitSymbol } from "@lib/ingest/naming.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(splitSymbol("XBTUSDC"), { base: "XBT", quote: "USDC" });
 * assert.deepEqual(splitSymbol("XBTUSD"), { base: "XBT", quote: "USD" });
 * assert.deepEqual(splitSymbol("BTCTUSD"), { base: "BTC", quote: "TUSD" });
 * assert.deepEqual(splitSymbol("ETCBTC"), { base: "ETC", quote: "BTC" });
 * assert.deepEqual(splitSymbol("BTC-PERP"), { base: "BTC", quote: "USD" });
 * ```
 */
export function splitSymbol(symbol: string): { base: string | null; quote: string | null } {
  const s = symbol.toUpperCase();
  const perp = /^([A-Z0-9]+)-PERP$/.exec(s);
  if (perp !== null) return { base: perp[1]!, quote: "USD" };
  const parts = s.split(/[/_\-:]/);
  if (parts.length >= 2 && parts[0] !== "" && parts[1] !== "") {
    return { base: parts[0]!, quote: parts[1]! };
  }
  // the longest known quote that leaves a base of 3+ letters: XBTUSD is XBT/USD, not XB/TUSD
  let best: string | undefined;
  for (const q of QUOTES) {
    if (
      s.endsWith(q) && s.length - q.length >= 3 && (best === undefined || q.length > best.length)
    ) {
      best = q;
    }
  }
  return best === undefined
    ? { base: null, quote: null }
    : { base: s.slice(0, -best.length), quote: best };
}

/**
 * Instrument kind: perpetual futures venues and `-PERP` symbols are `perp`, the rest `spot`.
 *
 * @example Spot and perpetuals
 * ```ts
 * import { instrumentKind } from "@lib/ingest/naming.ts";
 * import assert from "node:assert/strict";
 * assert.equal(instrumentKind("binance_futures", "BTCUSDT"), "perp");
 * assert.equal(instrumentKind("ftx", "BTC-PERP"), "perp");
 * assert.equal(instrumentKind("kraken", "XBTUSD"), "spot");
 * ```
 */
export function instrumentKind(venue: string, symbol: string): InstrumentKind {
  if (venue === "binance_futures" || venue === "binance_coinm" || venue === "bitmex") return "perp";
  return /-PERP$/i.test(symbol) ? "perp" : "spot";
}
