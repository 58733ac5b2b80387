/**
 * Tardis.dev trades CSV: `exchange,symbol,timestamp,local_timestamp,id,side,price,amount`, times
 * in microseconds, `side` the aggressor (`buy`/`sell`/`unknown`). BitMEX ids are UUID strings.
 *
 * @module
 */
import { FileParseError, type ParsedTrades, type RowProblem, tradeColumns } from "../types.ts";
import {
  colIndex,
  epochToMs,
  headerNames,
  num,
  sideFromWord,
  splitLines,
  tradeIdOf,
} from "../text.ts";
import { finishTrades, lineRaw, missingIdProblem } from "../build.ts";
import { eachCsvRow } from "../csv_rows.ts";

/**
 * Map a Tardis exchange id to a cryptolab venue id: `binance-futures` -> `binance_futures`.
 *
 * @example Exchange ids to venues
 * ```ts
 * import { tardisVenue } from "@lib/ingest/formats/tardis_trades_csv.ts";
 * import assert from "node:assert/strict";
 * assert.equal(tardisVenue("binance-futures"), "binance_futures");
 * assert.equal(tardisVenue("bitmex"), "bitmex");
 * ```
 */
export function tardisVenue(exchange: string): string {
  return exchange.trim().toLowerCase().replaceAll("-", "_");
}

/**
 * Parse a Tardis trades CSV. The file's venue and symbol come from its first row; rows naming
 * another exchange or symbol are refused.
 *
 * @example One real futures trade
 * ```ts
 * import { parseTardisTradesCsv } from "@lib/ingest/formats/tardis_trades_csv.ts";
 * import assert from "node:assert/strict";
 * const p = parseTardisTradesCsv("exchange,symbol,timestamp,local_timestamp,id,side,price,amount\n" +
 *   "binance-futures,BTCUSDT,1582329602111000,1582329602418379,42377944,buy,9682,0.132\n");
 * assert.deepEqual([p.venue, p.symbol, p.ts[0], p.side[0]], ["binance_futures", "BTCUSDT", 1582329602111, 1]);
 * ```
 */
export function parseTardisTradesCsv(text: string): ParsedTrades {
  const lines = splitLines(text);
  const h = headerNames(lines[0] ?? "");
  const iEx = colIndex(h, "exchange"), iSym = colIndex(h, "symbol");
  const iTs = colIndex(h, "timestamp"), iId = colIndex(h, "id"), iSide = colIndex(h, "side");
  const iP = colIndex(h, "price"), iQ = colIndex(h, "amount");
  if ([iEx, iSym, iTs, iId, iSide, iP, iQ].some((i) => i < 0)) {
    throw new FileParseError(
      1,
      `expected the Tardis header exchange,symbol,timestamp,local_timestamp,id,side,price,amount; got "${
        lines[0] ?? ""
      }"`,
    );
  }
  const c = tradeColumns(lines.length - 1);
  const problems: RowProblem[] = [];
  let n = 0;
  let exchange: string | undefined, symbol: string | undefined;
  const rowsRead = eachCsvRow(lines, 1, h.length, problems, (f, ref, line) => {
    const ex = f[iEx]!.trim(), sym = f[iSym]!.trim();
    exchange ??= ex;
    symbol ??= sym;
    if (ex !== exchange || sym !== symbol) {
      problems.push({
        ref,
        raw: line,
        kind: "other instrument",
        detail: `row is ${ex} ${sym} but the file starts with ${exchange} ${symbol}`,
      });
      return;
    }
    const id = tradeIdOf(f[iId]);
    if (id === undefined) {
      problems.push(missingIdProblem(ref, line));
      return;
    }
    c.tradeId[n] = id;
    c.ts[n] = epochToMs(num(f[iTs]));
    c.price[n] = num(f[iP]);
    c.qty[n] = num(f[iQ]);
    c.side[n] = sideFromWord(f[iSide]);
    c.ref[n] = ref;
    n++;
  });
  return finishTrades(c, n, {
    refKind: "line",
    raw: lineRaw(lines, c.ref),
    problems,
    rowsRead,
    venue: exchange === undefined ? undefined : tardisVenue(exchange),
    symbol,
  });
}
