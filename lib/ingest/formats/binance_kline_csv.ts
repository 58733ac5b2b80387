/**
 * Binance data-dump kline CSV (data.binance.vision): `open_time, open, high, low, close,
 * volume, close_time, quote_volume, count, taker_buy_base, taker_buy_quote, ignore`, with or
 * without a header line. Since 2025 the spot dumps write microsecond times; the unit is told
 * apart by magnitude, row by row.
 *
 * @module
 */
import { barColumns, FileParseError, type ParsedBars, type RowProblem } from "../types.ts";
import { epochToMs, num, splitLines } from "../text.ts";
import { finishBars, lineRaw } from "../build.ts";
import { type BarFieldIndex, eachCsvRow, setCsvBar } from "../csv_rows.ts";

const KLINE_FIELDS: BarFieldIndex = {
  open: 1,
  high: 2,
  low: 3,
  close: 4,
  volume: 5,
  quoteVolume: 7,
  tradeCount: 8,
};

/**
 * Parse a Binance kline dump into columns (volume = base volume, quoteVolume, tradeCount).
 *
 * @example Header-less row with microsecond times
 * ```ts
 * import { parseBinanceKlineCsv } from "@lib/ingest/formats/binance_kline_csv.ts";
 * import assert from "node:assert/strict";
 * const p = parseBinanceKlineCsv(
 *   "1735689600000000,93576.00,94509.42,93489.03,94401.14,657.8,1735693199999999,61650031.5,111926,351.4,32935343.1,0\n",
 * );
 * assert.equal(p.ts[0], 1735689600000);
 * assert.equal(p.tradeCount[0], 111926);
 * ```
 */
export function parseBinanceKlineCsv(text: string): ParsedBars {
  const lines = splitLines(text);
  let start = 0;
  if (lines.length > 0 && Number.isNaN(num(lines[0]!.split(",")[0]))) {
    const h = lines[0]!.split(",");
    if (h.length < 11 || h[0]!.trim().toLowerCase() !== "open_time") {
      throw new FileParseError(
        1,
        `not a Binance kline header (expected open_time,open,high,low,close,volume,close_time,` +
          `quote_volume,count,...; got ${h.length} columns starting "${h[0]}")`,
      );
    }
    start = 1;
  }
  const c = barColumns(lines.length - start);
  const problems: RowProblem[] = [];
  let n = 0;
  const width = { min: 11, max: Infinity, expected: 12 };
  const rowsRead = eachCsvRow(lines, start, width, problems, (f, ref) => {
    c.ts[n] = epochToMs(num(f[0]));
    setCsvBar(c, n, f, KLINE_FIELDS);
    c.ref[n] = ref;
    n++;
  });
  return finishBars(c, n, { refKind: "line", raw: lineRaw(lines, c.ref), problems, rowsRead });
}
