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
import { finishBars, lineRaw, shapeProblem } from "../build.ts";

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
  let n = 0, rowsRead = 0;
  for (let li = start; li < lines.length; li++) {
    const line = lines[li]!;
    if (line.trim() === "") continue;
    rowsRead++;
    const f = line.split(",");
    if (f.length < 11) {
      problems.push(shapeProblem(li + 1, line, "12", f.length));
      continue;
    }
    c.ts[n] = epochToMs(num(f[0]));
    c.open[n] = num(f[1]);
    c.high[n] = num(f[2]);
    c.low[n] = num(f[3]);
    c.close[n] = num(f[4]);
    c.volume[n] = num(f[5]);
    c.quoteVolume[n] = num(f[7]);
    c.tradeCount[n] = num(f[8]);
    c.ref[n] = li + 1;
    n++;
  }
  return finishBars(c, n, { refKind: "line", raw: lineRaw(lines, c.ref), problems, rowsRead });
}
