/**
 * Row checks for parsed trades before they reach the store.
 *
 * @module
 */
import type { TradeColumns } from "../core/types.ts";
import type { ParsedTrades, RowProblem } from "./types.ts";

/** Clean trades and what was refused on the way. */
export interface ValidatedTrades {
  /** Accepted trades in file order, one per trade id. */
  readonly trades: TradeColumns;
  /** For each accepted trade, its row index in the parse result. */
  readonly rowOf: Int32Array;
  /** Refused rows, in file order. */
  readonly problems: RowProblem[];
  /** Rows dropped because an identical trade with the same id came earlier in the file. */
  readonly duplicatesDropped: number;
}

/**
 * Check every parsed trade: a readable time, a positive price and a positive quantity. Of
 * several rows with one trade id the first is kept; later identical rows are dropped silently
 * (and counted), later different rows are refused.
 *
 * @example Bad price and quantity
 * ```ts
 * import { validateTrades } from "@lib/ingest/validate_trades.ts";
 * import { parseKrakenTradesCsv } from "@lib/ingest/formats/kraken_trades_csv.ts";
 * import assert from "node:assert/strict";
 * const p = parseKrakenTradesCsv("1672531436,90.54,1.1\n1672531471,abc,1.0\n1672531472,90.1,-1\n");
 * const v = validateTrades(p, "kraken", "BCHEUR");
 * assert.equal(v.trades.ts.length, 1);
 * assert.deepEqual(v.problems.map((x) => x.kind), ["price is not a number", "non-positive quantity"]);
 * ```
 */
export function validateTrades(p: ParsedTrades, venue: string, symbol: string): ValidatedTrades {
  const problems: RowProblem[] = [...p.problems];
  const refuse = (i: number, kind: string, detail: string) =>
    problems.push({ ref: p.ref[i]!, raw: p.raw(i), kind, detail });
  const keep = new Int32Array(p.n);
  const byId = new Map<number | string, number>();
  // first rows of ids that later reappear with other values: none of that id's rows is kept
  const poisoned = new Set<number>();
  let kept = 0, duplicatesDropped = 0;
  for (let i = 0; i < p.n; i++) {
    const ts = p.ts[i]!, price = p.price[i]!, qty = p.qty[i]!;
    if (!Number.isFinite(ts)) refuse(i, "bad timestamp", "the time could not be read");
    else if (Number.isNaN(price)) refuse(i, "price is not a number", "price is not a number");
    else if (price <= 0) refuse(i, "non-positive price", `price ${price} <= 0`);
    else if (Number.isNaN(qty)) refuse(i, "quantity is not a number", "quantity is not a number");
    else if (qty <= 0) refuse(i, "non-positive quantity", `quantity ${qty} <= 0`);
    else {
      const id = p.tradeId[i]!;
      const prev = byId.get(id);
      if (prev === undefined) {
        byId.set(id, i);
        keep[kept++] = i;
      } else if (
        p.ts[prev] === ts && p.price[prev] === price && p.qty[prev] === qty &&
        p.side[prev] === p.side[i]
      ) duplicatesDropped++;
      else {
        refuse(
          i,
          "duplicate trade id with different values",
          `line/row ${p.ref[prev]} has trade id ${id} too; none of its rows is kept`,
        );
        if (!poisoned.has(prev)) {
          poisoned.add(prev);
          refuse(
            prev,
            "duplicate trade id with different values",
            `line/row ${p.ref[i]} has trade id ${id} too; none of its rows is kept`,
          );
        }
      }
    }
  }
  problems.sort((a, b) => a.ref - b.ref);
  const rowOf = keep.slice(0, kept).filter((i) => !poisoned.has(i));
  const trades: TradeColumns = {
    venue,
    symbol,
    tradeId: Array.from(rowOf, (i) => p.tradeId[i]!),
    ts: Float64Array.from(rowOf, (i) => p.ts[i]!),
    price: Float64Array.from(rowOf, (i) => p.price[i]!),
    qty: Float64Array.from(rowOf, (i) => p.qty[i]!),
    side: Int8Array.from(rowOf, (i) => p.side[i]!),
  };
  return { trades, rowOf, problems, duplicatesDropped };
}
