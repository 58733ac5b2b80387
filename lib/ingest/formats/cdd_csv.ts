/**
 * CryptoDataDownload CSV exports: a banner line (`https://www.CryptoDataDownload.com` or
 * `Created on ...,https://www.CryptoDataDownload.com`), a header (`unix,date,symbol,open,high,
 * low,close,Volume BASE,Volume QUOTE,tradecount` or Gemini's `Unix Timestamp,Date,Symbol,Open,
 * High,Low,Close,Volume`), then rows NEWEST FIRST. Old rows write seconds (`1507802400.0`),
 * recent ones milliseconds; old dates read `2017-08-17 04-AM`; old trade counts are `NULL`.
 *
 * @module
 */
import { barColumns, FileParseError, type ParsedBars, type RowProblem } from "../types.ts";
import { colIndex, epochToMs, headerNames, num, parseUtc, splitLines } from "../text.ts";
import { finishBars, lineRaw } from "../build.ts";
import { barFieldsFromHeader, eachCsvRow, setCsvBar } from "../csv_rows.ts";

/**
 * Parse a CryptoDataDownload file. The unix column is cross-checked against the date column
 * and a row where they name different instants is refused (`unix and date disagree`), since
 * one of them is wrong and we cannot tell which. Rows stay in file order (newest first); the
 * validator sorts.
 *
 * @example Newest first, mixed units, a disagreeing row
 * ```ts
 * import { parseCddCsv } from "@lib/ingest/formats/cdd_csv.ts";
 * import assert from "node:assert/strict";
 * const p = parseCddCsv([
 *   "https://www.CryptoDataDownload.com",
 *   "unix,date,symbol,open,high,low,close,Volume BTC,Volume USDT,tradecount",
 *   "1609286400000,2020-12-30 00:00:00,BTC/USDT,27385,27397.42,27384.46,27392.05,36.5,1000458.8,438",
 *   "1502946000.0,2017-08-17 05-AM,BTC/USDT,4308.83,4328.69,4291.37,4315.32,23.23,100304.82,NULL",
 *   "1502942400.0,2017-08-17 05-AM,BTC/USDT,4261,4300,4261,4300,1,1,NULL",
 * ].join("\n"));
 * assert.equal(p.n, 2);
 * assert.equal(p.ts[1], 1502946000000);
 * assert.equal(p.symbol, "BTC/USDT");
 * assert.equal(p.problems[0]?.kind, "unix and date disagree");
 * ```
 */
export function parseCddCsv(text: string): ParsedBars {
  const lines = splitLines(text);
  if (lines.length < 2 || !/cryptodatadownload/i.test(lines[0]!)) {
    throw new FileParseError(1, "not a CryptoDataDownload file (no CryptoDataDownload banner)");
  }
  const h = headerNames(lines[1]!);
  const iUnix = colIndex(h, "unix", "unix timestamp");
  const iDate = colIndex(h, "date");
  const iSym = colIndex(h, "symbol");
  const vols = h.flatMap((name, i) => (name.startsWith("volume") ? [i] : []));
  const at = barFieldsFromHeader(h, vols[0] ?? -1, vols[1] ?? -1, colIndex(h, "tradecount"));
  if ([iUnix, iDate, at.open, at.high, at.low, at.close].some((i) => i < 0) || vols.length === 0) {
    throw new FileParseError(
      2,
      `CryptoDataDownload header lacks unix/date/open/high/low/close/volume: "${lines[1]}"`,
    );
  }
  const c = barColumns(lines.length - 2);
  const problems: RowProblem[] = [];
  let n = 0;
  let symbol: string | undefined;
  const rowsRead = eachCsvRow(lines, 2, h.length, problems, (f, ref, line) => {
    const ts = epochToMs(num(f[iUnix]));
    const dateMs = parseUtc(f[iDate]!);
    if (!Number.isNaN(ts) && !Number.isNaN(dateMs) && ts !== dateMs) {
      problems.push({
        ref,
        raw: line,
        kind: "unix and date disagree",
        detail: `unix ${f[iUnix]} is ${new Date(ts).toISOString()} but date is "${f[iDate]}"`,
      });
      return;
    }
    if (symbol === undefined && iSym >= 0) symbol = f[iSym]!.trim();
    c.ts[n] = Number.isNaN(ts) ? dateMs : ts;
    setCsvBar(c, n, f, at);
    c.ref[n] = ref;
    n++;
  });
  return finishBars(c, n, {
    refKind: "line",
    raw: lineRaw(lines, c.ref),
    problems,
    rowsRead,
    symbol,
  });
}
