/**
 * Binance REST trade JSON: `GET /api/v3/trades` and `historicalTrades` (`[{"id", "price",
 * "qty", "quoteQty", "time", "isBuyerMaker", "isBestMatch"}]`) and `GET /api/v3/aggTrades`
 * (`[{"a", "p", "q", "f", "l", "T", "m", "M"}]`). Prices and quantities are strings.
 *
 * @module
 */
import { type ParsedTrades, type RowProblem, tradeColumns } from "../types.ts";
import { epochToMs, parseJsonArray, sideFromBuyerMaker, tradeIdOf } from "../text.ts";
import { finishTrades, jsonRaw, jsonRowProblem } from "../build.ts";

/**
 * Parse a Binance REST trades or aggTrades response body.
 *
 * @example aggTrades
 * ```ts
 * import { parseBinanceTradesJson } from "@lib/ingest/formats/binance_trades_json.ts";
 * import assert from "node:assert/strict";
 * const p = parseBinanceTradesJson(
 *   '[{"a":966492862,"p":"60759.6","q":"0.00841","f":1,"l":1,"T":1634944096633,"m":false,"M":true}]',
 * );
 * assert.deepEqual([p.tradeId[0], p.price[0], p.side[0]], [966492862, 60759.6, 1]);
 * ```
 */
export function parseBinanceTradesJson(text: string): ParsedTrades {
  const data = parseJsonArray(text, "expected a JSON array of Binance trade objects");
  const c = tradeColumns(data.length);
  const problems: RowProblem[] = [];
  let n = 0;
  for (let i = 0; i < data.length; i++) {
    const r = data[i] as Record<string, unknown> | null;
    const agg = r !== null && typeof r === "object" && "a" in r;
    const id = r === null || typeof r !== "object" ? undefined : tradeIdOf(agg ? r.a : r.id);
    if (id === undefined) {
      problems.push(
        jsonRowProblem(
          i + 1,
          r,
          "expected an object with id/price/qty/time/isBuyerMaker or a/p/q/T/m",
        ),
      );
      continue;
    }
    const o = r as Record<string, unknown>;
    c.tradeId[n] = id;
    c.ts[n] = epochToMs(Number(agg ? o.T : o.time));
    c.price[n] = Number(agg ? o.p : o.price);
    c.qty[n] = Number(agg ? o.q : o.qty);
    const bm = agg ? o.m : o.isBuyerMaker;
    c.side[n] = sideFromBuyerMaker(typeof bm === "boolean" ? bm : undefined);
    c.ref[n] = i + 1;
    n++;
  }
  return finishTrades(c, n, {
    refKind: "row",
    raw: jsonRaw(data, c.ref),
    problems,
    rowsRead: data.length,
  });
}
