/**
 * Binance klines pages cut from real freqtrade OHLCV files (`[[ms, o, h, l, c, v], ...]`).
 *
 * @module
 */

/** Binance kline intervals and their length in milliseconds. */
export const INTERVAL_MS: Readonly<Record<string, number>> = {
  "1m": 60_000,
  "3m": 180_000,
  "5m": 300_000,
  "15m": 900_000,
  "30m": 1_800_000,
  "1h": 3_600_000,
  "2h": 7_200_000,
  "4h": 14_400_000,
  "6h": 21_600_000,
  "8h": 28_800_000,
  "12h": 43_200_000,
  "1d": 86_400_000,
  "3d": 259_200_000,
  "1w": 604_800_000,
};

/** The query of a klines request, as Binance reads it. */
export interface KlinesQuery {
  readonly startTime?: number | undefined;
  readonly endTime?: number | undefined;
  /** Number of bars; Binance's default is 500. */
  readonly limit?: number | undefined;
}

/** Rows of a freqtrade OHLCV file: `[open_ms, open, high, low, close, volume]`, ascending. */
export type OhlcvRows = ReadonlyArray<readonly number[]>;

/**
 * A Binance-style decimal string: 8 decimals when that is exact, else the shortest form.
 *
 * @example Prices as Binance writes them
 * ```ts
 * import { decimalString } from "./klines.ts";
 * import assert from "node:assert/strict";
 * assert.equal(decimalString(4261.48), "4261.48000000");
 * assert.equal(decimalString(0.123456789), "0.123456789");
 * ```
 */
export function decimalString(x: number): string {
  const fixed = x.toFixed(8);
  return Number(fixed) === x ? fixed : String(x);
}

/**
 * The rows of one klines page, exactly as Binance selects them: open time in
 * `[startTime, endTime]`; with a start, the first `limit` rows from it; without one, the last
 * `limit` rows up to `endTime` (or up to the newest row).
 *
 * @example Three hourly bars, pages of two
 * ```ts
 * import { klinesSlice } from "./klines.ts";
 * import assert from "node:assert/strict";
 * const rows = [[0, 1, 1, 1, 1, 1], [3600000, 2, 2, 2, 2, 2], [7200000, 3, 3, 3, 3, 3]];
 * assert.deepEqual(klinesSlice(rows, { startTime: 0, limit: 2 }), rows.slice(0, 2));
 * assert.deepEqual(klinesSlice(rows, { startTime: 3600001, limit: 2 }), rows.slice(2));
 * assert.deepEqual(klinesSlice(rows, { limit: 1 }), rows.slice(2));
 * ```
 */
export function klinesSlice(rows: OhlcvRows, q: KlinesQuery): OhlcvRows {
  const limit = q.limit ?? 500;
  const lowerBound = (t: number): number => {
    let lo = 0;
    let hi = rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((rows[mid]![0] as number) < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const from = q.startTime === undefined ? 0 : lowerBound(q.startTime);
  const to = q.endTime === undefined ? rows.length : lowerBound(q.endTime + 1);
  if (to <= from) return [];
  return q.startTime === undefined
    ? rows.slice(Math.max(from, to - limit), to)
    : rows.slice(from, Math.min(to, from + limit));
}

/**
 * Format rows as Binance kline arrays: `[openTime, "o", "h", "l", "c", "v", closeTime,
 * "0", 0, "0", "0", "0"]`, close time = open + interval - 1. Quote volume, trade count and
 * taker volumes are not in the freqtrade files, so they are `"0"` / `0` (unknown).
 *
 * @example One hourly bar
 * ```ts
 * import { toBinanceKlines } from "./klines.ts";
 * import assert from "node:assert/strict";
 * const [k] = toBinanceKlines([[0, 1.5, 2, 1, 1.75, 10]], 3_600_000);
 * assert.deepEqual(k, [0, "1.50000000", "2.00000000", "1.00000000", "1.75000000",
 *   "10.00000000", 3_599_999, "0", 0, "0", "0", "0"]);
 * ```
 */
export function toBinanceKlines(rows: OhlcvRows, intervalMs: number): unknown[][] {
  return rows.map((r) => {
    const t = r[0] as number;
    return [
      t,
      decimalString(r[1] as number),
      decimalString(r[2] as number),
      decimalString(r[3] as number),
      decimalString(r[4] as number),
      decimalString(r[5] as number),
      t + intervalMs - 1,
      "0",
      0,
      "0",
      "0",
      "0",
    ];
  });
}
