/**
 * Kraken's downloadable OHLCVT CSV: no header, `unix_seconds, open, high, low, close, volume,
 * trades`, one file per pair and interval (`XBTUSDC_60.csv` = 60-minute bars). Kraken skips
 * intervals without trades, so minute files have holes: a gap, never a zero.
 *
 * @module
 */
import { barColumns, FileParseError, type ParsedBars, type RowProblem } from "../types.ts";
import { epochToMs, num, splitLines } from "../text.ts";
import { finishBars, lineRaw } from "../build.ts";
import { type BarFieldIndex, eachCsvRow, setCsvBar } from "../csv_rows.ts";

/** The trade count (field 6) is optional, so it is read per row. */
const OHLCV_FIELDS: BarFieldIndex = {
  open: 1,
  high: 2,
  low: 3,
  close: 4,
  volume: 5,
  quoteVolume: -1,
  tradeCount: -1,
};

/**
 * Parse a Kraken OHLCVT file (the trade count goes to `tradeCount`).
 *
 * @example One real hourly bar
 * ```ts
 * import { parseKrakenOhlcvtCsv } from "@lib/ingest/formats/kraken_ohlcvt_csv.ts";
 * import assert from "node:assert/strict";
 * const p = parseKrakenOhlcvtCsv("1672531200,16535.97,16536.9,16505.54,16524.56,0.29319453,31\n");
 * assert.equal(p.ts[0], 1672531200000);
 * assert.equal(p.tradeCount[0], 31);
 * ```
 */
export function parseKrakenOhlcvtCsv(text: string): ParsedBars {
  const lines = splitLines(text);
  if (lines.length > 0 && Number.isNaN(num(lines[0]!.split(",")[0]))) {
    throw new FileParseError(
      1,
      "Kraken OHLCVT files have no header: expected unix_seconds,open,high,low,close,volume,trades",
    );
  }
  const c = barColumns(lines.length);
  const problems: RowProblem[] = [];
  let n = 0;
  const width = { min: 6, max: 7, expected: 7 };
  const rowsRead = eachCsvRow(lines, 0, width, problems, (f, ref) => {
    c.ts[n] = epochToMs(num(f[0]));
    setCsvBar(c, n, f, OHLCV_FIELDS);
    if (f.length === 7) c.tradeCount[n] = num(f[6]);
    c.ref[n] = ref;
    n++;
  });
  return finishBars(c, n, { refKind: "line", raw: lineRaw(lines, c.ref), problems, rowsRead });
}
