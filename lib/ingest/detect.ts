/**
 * Telling file formats apart from the file name and its first few kilobytes.
 *
 * @module
 */
import { basename } from "node:path";
import { firstLine, num, parseBool } from "./text.ts";

/** Every format the importer reads. */
export const FORMATS = [
  "freqtrade_json",
  "binance_kline_csv",
  "cdd_csv",
  "kraken_ohlcvt_csv",
  "iso_csv",
  "binance_trades_csv",
  "binance_trades_json",
  "tardis_trades_csv",
  "freqtrade_trades",
  "freqtrade_orderflow_csv",
  "kraken_trades_csv",
  "nautilus_trades_parquet",
] as const;

/** One of {@link FORMATS}. */
export type FormatName = typeof FORMATS[number];

/** Formats whose rows are bars (the others hold trades). */
export const BAR_FORMATS: ReadonlySet<FormatName> = new Set([
  "freqtrade_json",
  "binance_kline_csv",
  "cdd_csv",
  "kraken_ohlcvt_csv",
  "iso_csv",
]);

/** What {@link detectFormat} decided. */
export type Detection =
  | { readonly kind: "format"; readonly format: FormatName }
  /** A freqtrade perp file (issue 12): funding rates or mark-price candles, read by lib/ingest/import_perp.ts. */
  | { readonly kind: "perp"; readonly format: "freqtrade_funding_json" | "freqtrade_mark_json" }
  | { readonly kind: "skip"; readonly reason: string }
  | { readonly kind: "unknown"; readonly reason: string };

const DATA_EXT = /\.(json|csv|parquet)(\.gz)?$/i;

/**
 * Decide the format of `path` from its name and `head`, the first few kilobytes of its text
 * (decompressed for `.gz`; ignored for parquet). Files that are not market data (README,
 * PROVENANCE.md, MANIFEST.tsv, `metadata_range_*.csv`, quote files) give `skip` with a reason;
 * freqtrade funding-rate and mark-price files give `perp`; a data file whose layout is not
 * recognised gives `unknown`.
 *
 * @example Formats and skips
 * ```ts
 * import { detectFormat } from "@lib/ingest/detect.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(detectFormat("x/BTC_USDT-1h.json", "[[1606780800000, 1, 2, 0.5, 1.5, 10]]"),
 *   { kind: "format", format: "freqtrade_json" });
 * assert.equal(detectFormat("XBTUSDC_60.csv", "1672531200,1,2,0.5,1.5,0.29,31\n").kind, "format");
 * assert.equal(detectFormat("PROVENANCE.md", "# x").kind, "skip");
 * ```
 */
export function detectFormat(path: string, head: string): Detection {
  const name = basename(path);
  const lower = name.toLowerCase();
  if (/^readme/i.test(name) || lower.endsWith(".md")) {
    return { kind: "skip", reason: "documentation, not market data" };
  }
  if (lower === "manifest.tsv") return { kind: "skip", reason: "file manifest, not market data" };
  if (lower.startsWith("metadata_range")) {
    return { kind: "skip", reason: "date-range metadata, not market data" };
  }
  if (lower.includes("funding_rate") || lower.includes("funding-rate")) {
    return /\.json$/.test(lower)
      ? { kind: "perp", format: "freqtrade_funding_json" }
      : { kind: "skip", reason: "funding rates in a layout cryptolab does not read" };
  }
  if (/-\d+[mhd]-mark\.json$/.test(lower)) return { kind: "perp", format: "freqtrade_mark_json" };
  if (!DATA_EXT.test(name)) {
    return { kind: "skip", reason: `not a market-data file type (${extOf(name)})` };
  }
  if (/\.parquet$/i.test(name)) {
    if (lower.includes("quote")) return { kind: "skip", reason: "quotes (bid/ask), not trades" };
    if (lower.includes("trade")) return { kind: "format", format: "nautilus_trades_parquet" };
    return { kind: "unknown", reason: "a parquet file not named as trades" };
  }
  const text = head.replace(/^\uFEFF/, "").trimStart();
  if (/\.json(\.gz)?$/i.test(name)) return detectJson(lower, text);
  return detectCsv(text);
}

function extOf(name: string): string {
  const m = /(\.[^.]+)$/.exec(name);
  return m === null ? "no extension" : m[1]!;
}

function detectJson(lower: string, text: string): Detection {
  if (/^\[\s*\[/.test(text)) {
    // freqtrade trade rows carry the id as a string in the second slot; candles are all numbers
    if (/-trades\.json/.test(lower) || /^\[\s*\[\s*[\d.eE+-]+\s*,\s*"/.test(text)) {
      return { kind: "format", format: "freqtrade_trades" };
    }
    return { kind: "format", format: "freqtrade_json" };
  }
  if (text.startsWith("[")) {
    const firstObj = text.slice(0, 2000);
    if (/"isBuyerMaker"\s*:/.test(firstObj) || /^\[\s*\{\s*"a"\s*:/.test(text)) {
      return { kind: "format", format: "binance_trades_json" };
    }
    if (/"amount"\s*:/.test(firstObj) && /"timestamp"\s*:/.test(firstObj)) {
      return { kind: "format", format: "freqtrade_trades" };
    }
    if (/^\[\s*\]$/.test(text)) {
      return /-trades\.json/.test(lower)
        ? { kind: "format", format: "freqtrade_trades" }
        : { kind: "format", format: "freqtrade_json" };
    }
  }
  return {
    kind: "unknown",
    reason: "JSON that is neither freqtrade candles/trades nor Binance REST trades",
  };
}

function detectCsv(text: string): Detection {
  const line1 = firstLine(text);
  const lower = line1.toLowerCase();
  if (lower.includes("cryptodatadownload")) return { kind: "format", format: "cdd_csv" };
  const f = line1.split(",").map((s) => s.trim());
  const h = f.map((s) => s.toLowerCase());
  if (h[0] === "exchange" && h[1] === "symbol") {
    return { kind: "format", format: "tardis_trades_csv" };
  }
  if (h[0] === "" && h[1] === "timestamp" && h.includes("side")) {
    return { kind: "format", format: "freqtrade_orderflow_csv" };
  }
  if (Number.isNaN(num(f[0]))) {
    const has = (...names: string[]) => names.every((n) => h.includes(n));
    if (h[0] === "open_time" && f.length >= 11) {
      return { kind: "format", format: "binance_kline_csv" };
    }
    if (has("open", "high", "low", "close")) return { kind: "format", format: "iso_csv" };
    if (
      has("price") && (has("is_buyer_maker") || has("isbuyermaker"))
    ) return { kind: "format", format: "binance_trades_csv" };
    return { kind: "unknown", reason: `unrecognised CSV header "${line1.slice(0, 120)}"` };
  }
  const isBool = (s: string | undefined) => parseBool(s) !== undefined && !/^\d+$/.test(s ?? "");
  if (f.length >= 11 && f.length <= 12 && f.slice(0, 11).every((s) => !Number.isNaN(num(s)))) {
    return { kind: "format", format: "binance_kline_csv" };
  }
  if (f.length >= 6 && f.length <= 8 && f.some(isBool)) {
    return { kind: "format", format: "binance_trades_csv" };
  }
  if ((f.length === 7 || f.length === 6) && f.every((s) => !Number.isNaN(num(s)))) {
    return { kind: "format", format: "kraken_ohlcvt_csv" };
  }
  if (f.length === 3 && f.every((s) => !Number.isNaN(num(s)))) {
    return { kind: "format", format: "kraken_trades_csv" };
  }
  return {
    kind: "unknown",
    reason: `unrecognised header-less CSV with ${f.length} columns: "${line1.slice(0, 120)}"`,
  };
}
