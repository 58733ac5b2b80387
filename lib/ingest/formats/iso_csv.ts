/**
 * OHLCV CSVs with a header and text times: Binance.US exports (`open_time,open,high,low,close,
 * volume` with `2023-03-01 00:00:00+00:00`) and FTX bars (`timestamp,...` with
 * `2021-12-31 23:01:00.000000`). Numeric time columns are accepted too (unit by magnitude).
 *
 * @module
 */
import { barColumns, FileParseError, type ParsedBars, type RowProblem } from "../types.ts";
import { colIndex, headerNames, parseTime, splitLines } from "../text.ts";
import { finishBars, lineRaw } from "../build.ts";
import { barFieldsFromHeader, eachCsvRow, setCsvBar } from "../csv_rows.ts";

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
  const at = barFieldsFromHeader(
    h,
    colIndex(h, "volume"),
    colIndex(h, "quote_volume", "quote_asset_volume"),
    colIndex(h, "trades", "count", "trade_count", "number_of_trades"),
  );
  if ([iT, at.open, at.high, at.low, at.close, at.volume].some((i) => i < 0)) {
    throw new FileParseError(
      1,
      `expected a header with a time column (${ISO_TIME_COLUMNS.join("/")}) and ` +
        `open,high,low,close,volume; got "${lines[0] ?? ""}"`,
    );
  }
  const c = barColumns(lines.length - 1);
  const problems: RowProblem[] = [];
  let n = 0;
  const rowsRead = eachCsvRow(lines, 1, h.length, problems, (f, ref) => {
    c.ts[n] = parseTime(f[iT]!);
    setCsvBar(c, n, f, at);
    c.ref[n] = ref;
    n++;
  });
  return finishBars(c, n, { refKind: "line", raw: lineRaw(lines, c.ref), problems, rowsRead });
}
