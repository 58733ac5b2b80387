/**
 * The closes of a pair's two legs on one bar grid, read from the store for the monitor.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { type Freq, freqMs } from "@lib/core/freq.ts";
import type { BarColumns } from "@lib/core/types.ts";
import { readBars } from "@lib/store/bars.ts";
import { latestBarTs, recentBars } from "@lib/store/live_reads.ts";

/** A pair as the monitor names it: `Y:X` (y is regressed on x). */
export interface PairKey {
  readonly y: string;
  readonly x: string;
}

/** Closes of both legs on the grid of their last `bars` intervals. */
export interface PairCloses {
  /** Bar open times (UTC ms), every interval from the first bar either leg has to the last. */
  readonly ts: Float64Array;
  /** Closes; NaN where a leg has no bar. */
  readonly y: Float64Array;
  readonly x: Float64Array;
  /** Highs and lows of each leg's bars (NaN where it has none): the spread estimates' input. */
  readonly yHigh: Float64Array;
  readonly yLow: Float64Array;
  readonly xHigh: Float64Array;
  readonly xLow: Float64Array;
  /** Complete flag of each leg's bar (0 where it has none). */
  readonly complete: Uint8Array;
}

/**
 * The last `bars` intervals of the pair, ending at the newest bar either leg has (both legs on
 * the same grid; an interval neither leg has is left out at the start, kept as NaN inside).
 *
 * @example
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { writeBars } from "@lib/store/bars.ts";
 * import { pairCloses } from "@lib/pipeline/monitor/pair_closes.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * const put = (symbol: string, mins: number[], c: number) => {
 *   const ts = Float64Array.from(mins, (m) => m * 60_000);
 *   const v = ts.map(() => c);
 *   writeBars(db, { venue: "binance", symbol, freq: "1m", ts, open: v, high: v, low: v,
 *     close: v, volume: v, quoteVolume: v, tradeCount: v, vwap: v,
 *     complete: Uint8Array.from(ts, () => 1) }, { source: "test" });
 * };
 * put("BTCUSDT", [1, 2, 3], 100);
 * put("ETHUSDT", [2, 3, 4], 10);
 * const p = pairCloses(db, "binance", { y: "BTCUSDT", x: "ETHUSDT" }, "1m", 10);
 * assert.deepEqual([...p.ts], [60_000, 120_000, 180_000, 240_000]);
 * assert.deepEqual([...p.y], [100, 100, 100, NaN]);
 * assert.deepEqual([...p.x], [NaN, 10, 10, 10]);
 * ```
 */
export function pairCloses(
  db: DatabaseSync,
  venue: string,
  pair: PairKey,
  freq: Freq,
  bars: number,
): PairCloses {
  const ky = { venue, symbol: pair.y, freq }, kx = { venue, symbol: pair.x, freq };
  const ey = latestBarTs(db, ky), ex = latestBarTs(db, kx);
  if (ey === undefined && ex === undefined) {
    return onGrid(undefined, undefined, freq, 0, -1);
  }
  const end = Math.max(ey ?? -Infinity, ex ?? -Infinity);
  const by = recentBars(db, ky, bars, end), bx = recentBars(db, kx, bars, end);
  return onGrid(by, bx, freq, Math.min(by.ts[0] ?? Infinity, bx.ts[0] ?? Infinity), end);
}

/**
 * The pair's closes on every interval from `fromTs` to the newest bar either leg has (the grid
 * a paper book runs on: it must start where the book started). Empty when neither leg has a bar
 * at or after `fromTs`.
 */
export function pairClosesSince(
  db: DatabaseSync,
  venue: string,
  pair: PairKey,
  freq: Freq,
  fromTs: number,
): PairCloses {
  const ky = { venue, symbol: pair.y, freq }, kx = { venue, symbol: pair.x, freq };
  const end = Math.max(latestBarTs(db, ky) ?? -Infinity, latestBarTs(db, kx) ?? -Infinity);
  if (!(end >= fromTs)) return onGrid(undefined, undefined, freq, 0, -1);
  const by = readBars(db, ky, { from: fromTs, to: end + 1 });
  const bx = readBars(db, kx, { from: fromTs, to: end + 1 });
  return onGrid(by, bx, freq, fromTs, end);
}

function onGrid(
  by: BarColumns | undefined,
  bx: BarColumns | undefined,
  freq: Freq,
  first: number,
  end: number,
): PairCloses {
  const step = freqMs(freq);
  const n = by === undefined ? 0 : Math.round((end - first) / step) + 1;
  const ts = new Float64Array(n), y = new Float64Array(n).fill(NaN);
  const x = new Float64Array(n).fill(NaN), complete = new Uint8Array(n).fill(1);
  const yHigh = new Float64Array(n).fill(NaN), yLow = new Float64Array(n).fill(NaN);
  const xHigh = new Float64Array(n).fill(NaN), xLow = new Float64Array(n).fill(NaN);
  for (let i = 0; i < n; i++) ts[i] = first + i * step;
  const seen = new Uint8Array(n);
  if (by === undefined || bx === undefined) {
    return { ts, y, x, yHigh, yLow, xHigh, xLow, complete };
  }
  const place = (
    b: BarColumns,
    out: Float64Array,
    hi: Float64Array,
    lo: Float64Array,
    bit: number,
  ) => {
    for (let i = 0; i < b.ts.length; i++) {
      const k = Math.round((b.ts[i]! - first) / step);
      out[k] = b.close[i]!;
      hi[k] = b.high[i]!;
      lo[k] = b.low[i]!;
      seen[k]! |= bit;
      if (!b.complete[i]) complete[k] = 0;
    }
  };
  place(by, y, yHigh, yLow, 1);
  place(bx, x, xHigh, xLow, 2);
  for (let i = 0; i < n; i++) if (seen[i] !== 3) complete[i] = 0;
  return { ts, y, x, yHigh, yLow, xHigh, xLow, complete };
}
