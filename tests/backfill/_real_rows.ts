/**
 * Helpers of the backfill tests: the real hourly rows the fake exchange cuts klines from, and
 * an exact comparison of stored bars with them.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { DatabaseSync } from "node:sqlite";
import { readBars } from "@lib/store/bars.ts";
import { allocBars } from "@lib/core/types.ts";
import { gateBars } from "@lib/ingest/gates/bar_gates.ts";
import { realPath } from "../_shared/real_data.ts";

/** The fake exchange's default klines folder (freqtrade files of Binance spot, 2017-2022). */
export const OHLCV_DIR = "ohlcv/binance_spot_2017-2022_djienne";

/** `[open_ms, open, high, low, close, volume]` rows, ascending. */
export type Rows = readonly (readonly number[])[];

const cache = new Map<string, Rows>();

/** Every real 1h row of a Binance USDT symbol (`BTCUSDT` -> `BTC_USDT-1h.json`), as the fake
 * exchange serves them. Call only inside a `realDataTest` body. */
export function allRealHourlyRows(symbol: string): Rows {
  let rows = cache.get(symbol);
  if (rows === undefined) {
    const base = symbol.replace(/USDT$/, "");
    const file = realPath(OHLCV_DIR, `${base}_USDT-1h.json`);
    rows = JSON.parse(Deno.readTextFileSync(file)) as number[][];
    cache.set(symbol, rows);
  }
  return rows;
}

const gated = new Map<string, Rows>();

/**
 * The real 1h rows a backfill stores: every row but the few the row rules' jump rule refuses
 * over the whole series (`gateBars`, lib/ingest/gates: 4 BTC/USDT hours, see
 * tests/ingest/gates_test.ts BTC_REFUSED); those go to `quarantine`. Call only inside a
 * `realDataTest` body.
 */
export function realHourlyRows(symbol: string): Rows {
  let rows = gated.get(symbol);
  if (rows === undefined) {
    const all = allRealHourlyRows(symbol);
    const b = allocBars({ venue: "binance", symbol, freq: "1h" }, all.length);
    all.forEach((r, i) => {
      b.ts[i] = r[0]!;
      b.open[i] = r[1]!;
      b.high[i] = r[2]!;
      b.low[i] = r[3]!;
      b.close[i] = r[4]!;
      b.volume[i] = r[5]!;
    });
    const refused = new Set(gateBars(b, { now: Date.now() }).rejected.map((x) => x.index));
    rows = all.filter((_, i) => !refused.has(i));
    gated.set(symbol, rows);
  }
  return rows;
}

/** Rows with open time in `[from, to)`. */
export function rowsIn(rows: Rows, from: number, to: number): Rows {
  return rows.filter((r) => r[0]! >= from && r[0]! < to);
}

/**
 * Assert the stored bars of `binance/symbol/1h` within `[from, to)` are exactly `expected`
 * (same open times, same open/high/low/close/volume, bit for bit: the fake exchange writes
 * each number as a decimal string that parses back to the same double).
 */
export function assertStoredEqual(
  db: DatabaseSync,
  symbol: string,
  expected: Rows,
  window: { from?: number; to?: number } = {},
): void {
  const b = readBars(db, { venue: "binance", symbol, freq: "1h" }, window);
  assert.equal(b.ts.length, expected.length, `${symbol}: stored bar count`);
  const cols = [b.ts, b.open, b.high, b.low, b.close, b.volume];
  for (let i = 0; i < expected.length; i++) {
    const r = expected[i]!;
    for (let c = 0; c < 6; c++) {
      if (cols[c]![i] !== r[c]) {
        assert.fail(
          `${symbol} row ${i} (ts ${r[0]}) column ${c}: stored ${cols[c]![i]}, real ${r[c]}`,
        );
      }
    }
  }
}
