/**
 * freqtrade trade files (`XRP_ETH-trades.json`, usually gzipped): either a list of
 * `[timestamp_ms, id, type, side, price, amount, cost]` rows or, in older files, a list of ccxt
 * trade dicts (`{timestamp, id, symbol, side, price, amount, info: {...}}`). `side` is the
 * taker's side. Give this parser the decompressed text.
 *
 * The list layout names no exchange. A ccxt dict keeps the exchange's raw payload in `info`;
 * when every record's `info` is a Binance spot aggTrade (exactly the keys
 * `a p q f l T m M`, with `a` equal to the trade id and `T` to the timestamp) the venue is
 * `binance`. Binance futures aggTrades have no `M`, so they are not taken for spot.
 *
 * @module
 */
import { type ParsedTrades, type RowProblem, tradeColumns } from "../types.ts";
import { epochToMs, parseJsonArray, sideFromWord, tradeIdOf } from "../text.ts";
import { finishTrades, jsonRaw, jsonRowProblem } from "../build.ts";

/**
 * Parse freqtrade trades JSON of either layout.
 *
 * @example List rows and ccxt dicts give the same trade
 * ```ts
 * import { parseFreqtradeTrades } from "@lib/ingest/formats/freqtrade_trades.ts";
 * import assert from "node:assert/strict";
 * const a = parseFreqtradeTrades('[[1570752011620,"13519807",null,"sell",0.00141342,23.0,0.0325]]');
 * const b = parseFreqtradeTrades('[{"timestamp":1570752011620,"id":"13519807","symbol":"XRP/ETH",' +
 *   '"side":"sell","price":0.00141342,"amount":23.0}]');
 * assert.deepEqual([a.tradeId[0], a.ts[0], a.side[0]], [b.tradeId[0], b.ts[0], b.side[0]]);
 * assert.equal(b.symbol, "XRP/ETH");
 * ```
 */
export function parseFreqtradeTrades(text: string): ParsedTrades {
  const data = parseJsonArray(text, "expected a JSON array of freqtrade trades");
  const c = tradeColumns(data.length);
  const problems: RowProblem[] = [];
  let n = 0;
  let symbol: string | undefined;
  let binanceInfo = data.length > 0;
  for (let i = 0; i < data.length; i++) {
    const r: unknown = data[i];
    let id: number | string | undefined, ts: unknown, side: unknown, price: unknown, qty: unknown;
    if (Array.isArray(r) && r.length >= 6) {
      [ts, id, , side, price, qty] = [r[0], tradeIdOf(r[1]), r[2], r[3], r[4], r[5]];
      binanceInfo = false;
    } else if (r !== null && typeof r === "object" && !Array.isArray(r)) {
      const o = r as Record<string, unknown>;
      [ts, id, side, price, qty] = [o.timestamp, tradeIdOf(o.id), o.side, o.price, o.amount];
      if (symbol === undefined && typeof o.symbol === "string") symbol = o.symbol;
      binanceInfo &&= isBinanceSpotAggTrade(o.info, id, o.timestamp);
    } else binanceInfo = false;
    if (id === undefined) {
      problems.push(
        jsonRowProblem(
          i + 1,
          r,
          "expected [timestamp, id, type, side, price, amount, cost] or a ccxt trade",
        ),
      );
      continue;
    }
    c.tradeId[n] = id;
    c.ts[n] = epochToMs(typeof ts === "number" ? ts : NaN);
    c.price[n] = typeof price === "number" ? price : Number(price ?? NaN);
    c.qty[n] = typeof qty === "number" ? qty : Number(qty ?? NaN);
    c.side[n] = sideFromWord(side);
    c.ref[n] = i + 1;
    n++;
  }
  return finishTrades(c, n, {
    refKind: "row",
    raw: jsonRaw(data, c.ref),
    problems,
    rowsRead: data.length,
    venue: binanceInfo ? "binance" : undefined,
    symbol,
  });
}

const AGG_TRADE_KEYS = "M,T,a,f,l,m,p,q";

/** `info` is Binance's spot aggTrade payload `{a,p,q,f,l,T,m,M}` of this very trade. */
function isBinanceSpotAggTrade(info: unknown, id: unknown, ts: unknown): boolean {
  if (info === null || typeof info !== "object" || Array.isArray(info)) return false;
  const o = info as Record<string, unknown>;
  return Object.keys(o).sort().join(",") === AGG_TRADE_KEYS && String(o.a) === String(id) &&
    o.T === ts && typeof o.m === "boolean" && typeof o.M === "boolean";
}
