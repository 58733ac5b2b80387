/**
 * OHLCV CSVs with a header and text times: Binance.US exports (`open_time,open,high,low,close,
 * volume` with `2023-03-01 00:00:00+00:00`) and FTX bars (`timestamp,...` with
 * `2021-12-31 23:01:00.000000`). Numeric time columns are accepted too (unit by magnitude).
 *
 * @module
 */
import { barColumns, FileParseError, type ParsedBars, type RowProblem } from "../types.ts";
import { colIndex, headerNames, num, parseTime, splitLines } from "../text.ts";
import { finishBars, lineRaw, shapeProblem } from "../build.ts";

/** Header names accepted for the time column. */
export const ISO_TIME_COLUMNS = ["open_time", "timestamp", "time", "date", "datetime"] as const;

/**
 * Parse a headed OHLCV CSV with text or numeric times.
 *
 * @example A Binance.US row
 * ```ts
 * import { parseIsoCsv } from "@lib/ingest/formats/iso_csv.ts";
 * import assert from "node:assert/strict";
 * const p = parseIsoCsv("open_time,open,high,low,close,volume\n" +
 *   "2023-03-01 00:00:00+00:00,23143.82,23152.65,23140.02,23152.65,0.26395\n");
 * assert.equal(p.ts[0], Date.UTC(2023, 2, 1));
 * assert.equal(p.volume[0], 0.26395);
 * ```
 */
export function parseIsoCsv(text: string): ParsedBars {
  const lines = splitLines(text);
  const h = headerNames(lines[0] ?? "");
  const iT = colIndex(h, ...ISO_TIME_COLUMNS);
  const iO = colIndex(h, "open"), iH = colIndex(h, "high"), iL = colIndex(h, "low");
  const iC = colIndex(h, "close"), iV = colIndex(h, "volume");
  const iQv = colIndex(h, "quote_volume", "quote_asset_volume");
  const iTc = colIndex(h, "trades", "count", "trade_count", "number_of_trades");
  if ([iT, iO, iH, iL, iC, iV].some((i) => i < 0)) {
    throw new FileParseError(
      1,
      `expected a header with a time column (${ISO_TIME_COLUMNS.join("/")}) and ` +
        `open,high,low,close,volume; got "${lines[0] ?? ""}"`,
    );
  }
  const c = barColumns(lines.length - 1);
  const problems: RowProblem[] = [];
  let n = 0, rowsRead = 0;
  for (let li = 1; li < lines.length; li++) {
    const line = lines[li]!;
    if (line.trim() === "") continue;
    rowsRead++;
    const f = line.split(",");
    if (f.length !== h.length) {
      problems.push(shapeProblem(li + 1, line, String(h.length), f.length));
      continue;
    }
    c.ts[n] = parseTime(f[iT]!);
    c.open[n] = num(f[iO]);
    c.high[n] = num(f[iH]);
    c.low[n] = num(f[iL]);
    c.close[n] = num(f[iC]);
    c.volume[n] = num(f[iV]);
    if (iQv >= 0) c.quoteVolume[n] = num(f[iQv]);
    if (iTc >= 0) c.tradeCount[n] = num(f[iTc]);
    c.ref[n] = li + 1;
    n++;
  }
  return finishBars(c, n, { refKind: "line", raw: lineRaw(lines, c.ref), problems, rowsRead });
}
