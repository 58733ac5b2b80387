/**
 * Binance trade CSVs: the data-dump `aggTrades` files (`agg_trade_id, price, quantity,
 * first_trade_id, last_trade_id, transact_time, is_buyer_maker[, is_best_match]`), the
 * data-dump `trades` files (`id, price, qty, quote_qty, time, is_buyer_maker, is_best_match`),
 * both with or without a header, and CSV dumps of the REST `historicalTrades` endpoint
 * (`id,price,qty,quoteQty,time,isBuyerMaker,isBestMatch` with `2025-02-15 23:28:13.706`).
 *
 * Aggregate trades keep their aggregate id (`agg_trade_id`), which is a different numbering
 * from raw trade ids: import one kind per symbol.
 *
 * @module
 */
import { FileParseError, type ParsedTrades, type RowProblem, tradeColumns } from "../types.ts";
import {
  colIndex,
  headerNames,
  num,
  parseBool,
  parseTime,
  sideFromBuyerMaker,
  splitLines,
  tradeIdOf,
} from "../text.ts";
import { finishTrades, lineRaw, missingIdProblem } from "../build.ts";
import { eachCsvRow } from "../csv_rows.ts";

interface Layout {
  id: number;
  price: number;
  qty: number;
  time: number;
  buyerMaker: number;
  width: number;
}

function headerLayout(h: string[]): Layout | undefined {
  const l = {
    id: colIndex(h, "agg_trade_id", "id", "a", "trade_id"),
    price: colIndex(h, "price", "p"),
    qty: colIndex(h, "quantity", "qty", "q"),
    time: colIndex(h, "transact_time", "time", "timestamp", "t"),
    buyerMaker: colIndex(h, "is_buyer_maker", "isbuyermaker", "m"),
    width: h.length,
  };
  return Object.values(l).some((v) => v < 0) ? undefined : l;
}

/** Positional layout of a header-less Binance trade dump, told apart by where the booleans are. */
function positionalLayout(f: string[]): Layout | undefined {
  const b = (i: number) => parseBool(f[i]) !== undefined && !/^\d+$/.test(f[i]!.trim());
  if ((f.length === 7 && b(6) && !b(5)) || (f.length === 8 && b(6) && b(7))) {
    return { id: 0, price: 1, qty: 2, time: 5, buyerMaker: 6, width: f.length };
  }
  if ((f.length === 7 && b(5) && b(6)) || (f.length === 6 && b(5))) {
    return { id: 0, price: 1, qty: 2, time: 4, buyerMaker: 5, width: f.length };
  }
  return undefined;
}

/**
 * Parse a Binance trade CSV of any of the layouts above. Buyer-maker trades are sell
 * aggressors (side -1).
 *
 * @example Header-less aggTrades dump
 * ```ts
 * import { parseBinanceTradesCsv } from "@lib/ingest/formats/binance_trades_csv.ts";
 * import assert from "node:assert/strict";
 * const p = parseBinanceTradesCsv("13519807,0.00141342,23.0,15373518,15373518,1570752011620,true,true\n");
 * assert.deepEqual([p.tradeId[0], p.ts[0], p.side[0]], [13519807, 1570752011620, -1]);
 * ```
 */
export function parseBinanceTradesCsv(text: string): ParsedTrades {
  const lines = splitLines(text);
  if (lines.length === 0) throw new FileParseError(1, "empty file");
  const first = lines[0]!.split(",");
  let start = 0;
  let layout: Layout | undefined;
  if (Number.isNaN(num(first[0]))) {
    layout = headerLayout(headerNames(lines[0]!));
    start = 1;
    if (layout === undefined) {
      throw new FileParseError(
        1,
        `not a Binance trades header (need id, price, qty, time, is_buyer_maker): "${lines[0]}"`,
      );
    }
  } else {
    layout = positionalLayout(first);
    if (layout === undefined) {
      throw new FileParseError(
        1,
        `unknown Binance trades layout: ${first.length} columns without a header`,
      );
    }
  }
  const c = tradeColumns(lines.length - start);
  const problems: RowProblem[] = [];
  let n = 0;
  const l = layout;
  const rowsRead = eachCsvRow(lines, start, l.width, problems, (f, ref, line) => {
    const id = tradeIdOf(f[l.id]);
    if (id === undefined) {
      problems.push(missingIdProblem(ref, line));
      return;
    }
    c.tradeId[n] = id;
    c.ts[n] = parseTime(f[l.time]!);
    c.price[n] = num(f[l.price]);
    c.qty[n] = num(f[l.qty]);
    c.side[n] = sideFromBuyerMaker(parseBool(f[l.buyerMaker]));
    c.ref[n] = ref;
    n++;
  });
  return finishTrades(c, n, { refKind: "line", raw: lineRaw(lines, c.ref), problems, rowsRead });
}
