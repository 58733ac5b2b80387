/**
 * The live monitor's reads: the newest bars and trades of a series, whatever wrote them (the
 * stream, an import, an upload), cheap enough to run on every bar close.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import type { SeriesKey } from "../core/types.ts";
import { readBars } from "./bars.ts";
import type { BarColumns, TradeColumns } from "../core/types.ts";
import { freqMs } from "../core/freq.ts";
import { returnArrays } from "./sql.ts";

/** Open time of the newest stored bar of a series (any source), or undefined. */
export function latestBarTs(db: DatabaseSync, key: SeriesKey): number | undefined {
  const r = db.prepare(
    "SELECT max(ts) AS t FROM bars WHERE venue = ? AND symbol = ? AND freq = ?",
  ).get(key.venue, key.symbol, key.freq) as { t: number | null };
  return r.t ?? undefined;
}

/**
 * The bars of a series whose open time is within `count` bar intervals up to `endTs`
 * (inclusive), oldest first: at most `count` bars, fewer where the series has gaps.
 *
 * @example
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { writeBars } from "@lib/store/bars.ts";
 * import { recentBars } from "@lib/store/live_reads.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * const ts = Float64Array.from([0, 1, 2, 4], (i) => Date.UTC(2024, 0, 1) + i * 60_000);
 * const one = ts.map(() => 1);
 * writeBars(db, { venue: "binance", symbol: "BTCUSDT", freq: "1m", ts, open: one, high: one,
 *   low: one, close: one, volume: one, quoteVolume: one, tradeCount: one, vwap: one,
 *   complete: Uint8Array.from(ts, () => 1) }, { source: "test" });
 * const b = recentBars(db, { venue: "binance", symbol: "BTCUSDT", freq: "1m" }, 3, ts[3]!);
 * assert.deepEqual([...b.ts], [ts[2], ts[3]]); // minute 3 is a gap
 * ```
 */
export function recentBars(
  db: DatabaseSync,
  key: SeriesKey,
  count: number,
  endTs: number,
): BarColumns {
  const step = freqMs(key.freq);
  return readBars(db, key, { from: endTs - (count - 1) * step, to: endTs + 1 });
}

/** The newest `limit` trades of a series, oldest first. */
export function recentTrades(
  db: DatabaseSync,
  venue: string,
  symbol: string,
  limit: number,
): TradeColumns {
  const stmt = returnArrays(
    db.prepare(
      `SELECT trade_id, ts, price, qty, side FROM trades
       WHERE venue = ? AND symbol = ? ORDER BY ts DESC, trade_id DESC LIMIT ?`,
    ),
  );
  const rows = (stmt.all(venue, symbol, limit) as unknown as (number | string)[][]).reverse();
  const n = rows.length;
  const out = {
    venue,
    symbol,
    tradeId: new Array<number | string>(n),
    ts: new Float64Array(n),
    price: new Float64Array(n),
    qty: new Float64Array(n),
    side: new Int8Array(n),
  };
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    out.tradeId[i] = r[0]!;
    out.ts[i] = r[1] as number;
    out.price[i] = r[2] as number;
    out.qty[i] = r[3] as number;
    out.side[i] = r[4] as number;
  }
  return out;
}

/** Time of the newest stored trade of a series, or undefined. */
export function latestTradeTs(db: DatabaseSync, venue: string, symbol: string): number | undefined {
  const r = db.prepare(
    "SELECT max(ts) AS t FROM trades WHERE venue = ? AND symbol = ?",
  ).get(venue, symbol) as { t: number | null };
  return r.t ?? undefined;
}
