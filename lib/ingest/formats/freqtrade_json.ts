/**
 * freqtrade JSON candles: `[[open_time_ms, open, high, low, close, volume], ...]`, ascending,
 * one file per pair and timeframe (`BTC_USDT-1h.json`, `BTC_USDT_USDT-1h-futures.json`).
 *
 * @module
 */
import { barColumns, type ParsedBars, type RowProblem } from "../types.ts";
import { parseJsonArray } from "../text.ts";
import { finishBars, jsonRaw, jsonRowProblem } from "../build.ts";

/**
 * Parse freqtrade candle JSON with one `JSON.parse` into typed columns. Rows that are not
 * arrays of at least six numbers are refused as `malformed row`; non-numeric values become NaN
 * for the validator to refuse. Row references are 1-based array positions.
 *
 * @example Two candles
 * ```ts
 * import { parseFreqtradeJson } from "@lib/ingest/formats/freqtrade_json.ts";
 * import assert from "node:assert/strict";
 * const p = parseFreqtradeJson("[[1606780800000,76.027,76.786,74.21,75.007,10999.953]," +
 *   "[1606784400000,75.0,75.5,74.9,75.2,100]]");
 * assert.equal(p.n, 2);
 * assert.equal(p.close[0], 75.007);
 * assert.throws(() => parseFreqtradeJson("[[1,2,3"), /line 1: invalid JSON/);
 * ```
 */
export function parseFreqtradeJson(text: string): ParsedBars {
  const data = parseJsonArray(
    text,
    "expected a JSON array of [open_time_ms, open, high, low, close, volume] rows",
  );
  const rowsRead = data.length;
  const c = barColumns(rowsRead);
  const problems: RowProblem[] = [];
  let n = 0;
  for (let i = 0; i < rowsRead; i++) {
    const r = data[i];
    if (!Array.isArray(r) || r.length < 6) {
      problems.push(
        jsonRowProblem(i + 1, r, "expected [open_time_ms, open, high, low, close, volume]"),
      );
      continue;
    }
    c.ts[n] = toNum(r[0]);
    c.open[n] = toNum(r[1]);
    c.high[n] = toNum(r[2]);
    c.low[n] = toNum(r[3]);
    c.close[n] = toNum(r[4]);
    c.volume[n] = toNum(r[5]);
    c.ref[n] = i + 1;
    n++;
  }
  return finishBars(c, n, {
    refKind: "row",
    raw: jsonRaw(data, c.ref),
    problems,
    rowsRead,
  });
}

function toNum(v: unknown): number {
  if (typeof v === "number") return v;
  if (typeof v === "string" && v.trim() !== "") return Number(v);
  return NaN;
}
