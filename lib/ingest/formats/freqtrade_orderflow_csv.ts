/**
 * freqtrade orderflow public-trades CSV (a pandas dump with an unnamed index column):
 * `,timestamp,id,type,side,price,amount,cost,date`. The file names neither venue nor symbol.
 *
 * @module
 */
import { FileParseError, type ParsedTrades, type RowProblem, tradeColumns } from "../types.ts";
import {
  colIndex,
  epochToMs,
  headerNames,
  num,
  parseUtc,
  sideFromWord,
  splitLines,
  tradeIdOf,
} from "../text.ts";
import { finishTrades, lineRaw, missingIdProblem } from "../build.ts";
import { eachCsvRow } from "../csv_rows.ts";

/**
 * Parse a freqtrade orderflow trades CSV.
 *
 * @example One real row
 * ```ts
 * import { parseFreqtradeOrderflowCsv } from "@lib/ingest/formats/freqtrade_orderflow_csv.ts";
 * import assert from "node:assert/strict";
 * const p = parseFreqtradeOrderflowCsv(",timestamp,id,type,side,price,amount,cost,date\n" +
 *   "0,1675329600138,1206419187,,buy,1666.8,26.062,43440.1416,2023-02-02 09:20:00.138000+00:00\n");
 * assert.deepEqual([p.tradeId[0], p.ts[0], p.side[0], p.qty[0]], [1206419187, 1675329600138, 1, 26.062]);
 * ```
 */
export function parseFreqtradeOrderflowCsv(text: string): ParsedTrades {
  const lines = splitLines(text);
  const h = headerNames(lines[0] ?? "");
  const iTs = colIndex(h, "timestamp"), iId = colIndex(h, "id"), iSide = colIndex(h, "side");
  const iP = colIndex(h, "price"), iQ = colIndex(h, "amount"), iDate = colIndex(h, "date");
  if ([iTs, iId, iSide, iP, iQ].some((i) => i < 0)) {
    throw new FileParseError(
      1,
      `expected the freqtrade header ,timestamp,id,type,side,price,amount,cost,date; got "${
        lines[0] ?? ""
      }"`,
    );
  }
  const c = tradeColumns(lines.length - 1);
  const problems: RowProblem[] = [];
  let n = 0;
  const rowsRead = eachCsvRow(lines, 1, h.length, problems, (f, ref, line) => {
    const id = tradeIdOf(f[iId]);
    if (id === undefined) {
      problems.push(missingIdProblem(ref, line));
      return;
    }
    const ts = epochToMs(num(f[iTs]));
    c.tradeId[n] = id;
    c.ts[n] = Number.isNaN(ts) && iDate >= 0 ? parseUtc(f[iDate]!) : ts;
    c.price[n] = num(f[iP]);
    c.qty[n] = num(f[iQ]);
    c.side[n] = sideFromWord(f[iSide]);
    c.ref[n] = ref;
    n++;
  });
  return finishTrades(c, n, { refKind: "line", raw: lineRaw(lines, c.ref), problems, rowsRead });
}
