/**
 * Reading and writing the `trades` table.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import type { TradeColumns } from "../core/types.ts";
import { returnArrays } from "./sql.ts";
import type { TimeWindow } from "./bars.ts";

/** Options for {@link writeTrades}. */
export interface WriteTradesOptions {
  /** Provenance of the rows: a file, an endpoint or a stream. */
  readonly source: string;
  readonly runId?: number | undefined;
  /** When the rows were fetched (UTC epoch ms); defaults to now. */
  readonly fetchedAt?: number;
}

/** One incoming trade whose id is stored with different values. */
export interface TradeConflict {
  readonly index: number;
  readonly tradeId: number | string;
  readonly detail: string;
}

/** What {@link writeTrades} did. */
export interface WriteTradesResult {
  readonly inserted: number;
  readonly unchanged: number;
  readonly conflicts: readonly TradeConflict[];
}

/**
 * Insert trades, unique on venue + symbol + trade id. A trade already stored with the same
 * values is left alone (so re-importing a file changes nothing); one stored with different
 * values is reported as a conflict and not written. Call inside a transaction.
 */
export function writeTrades(
  db: DatabaseSync,
  t: TradeColumns,
  options: WriteTradesOptions,
): WriteTradesResult {
  const insert = db.prepare(
    `INSERT INTO trades (venue, symbol, trade_id, ts, price, qty, side, source, fetched_at, run_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (venue, symbol, trade_id) DO NOTHING`,
  );
  const select = returnArrays(
    db.prepare(
      "SELECT ts, price, qty, side FROM trades WHERE venue = ? AND symbol = ? AND trade_id = ?",
    ),
  );
  const fetchedAt = options.fetchedAt ?? Date.now();
  const runId = options.runId ?? null;
  let inserted = 0, unchanged = 0;
  const conflicts: TradeConflict[] = [];
  for (let i = 0; i < t.ts.length; i++) {
    const id = t.tradeId[i]!;
    const r = insert.run(
      t.venue,
      t.symbol,
      id,
      t.ts[i]!,
      t.price[i]!,
      t.qty[i]!,
      t.side[i]!,
      options.source,
      fetchedAt,
      runId,
    );
    if (Number(r.changes) === 1) {
      inserted++;
      continue;
    }
    const s = select.get(t.venue, t.symbol, id) as unknown as number[];
    if (s[0] === t.ts[i] && s[1] === t.price[i] && s[2] === t.qty[i] && s[3] === t.side[i]) {
      unchanged++;
    } else {
      conflicts.push({
        index: i,
        tradeId: id,
        detail: `stored ts=${s[0]} price=${s[1]} qty=${s[2]} side=${s[3]}; new ts=${t.ts[i]} ` +
          `price=${t.price[i]} qty=${t.qty[i]} side=${t.side[i]}`,
      });
    }
  }
  return { inserted, unchanged, conflicts };
}

/** Read trades for one venue and symbol, ordered by time then id, as columns. */
export function readTrades(
  db: DatabaseSync,
  venue: string,
  symbol: string,
  window: TimeWindow = {},
): TradeColumns {
  const from = window.from ?? -Number.MAX_VALUE;
  const to = window.to ?? Number.MAX_VALUE;
  const stmt = returnArrays(
    db.prepare(
      `SELECT trade_id, ts, price, qty, side FROM trades
       WHERE venue = ? AND symbol = ? AND ts >= ? AND ts < ? ORDER BY ts, trade_id`,
    ),
  );
  const rows = stmt.all(venue, symbol, from, to) as unknown as (number | string)[][];
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

/** Venue and symbol of every trade series in the store, with counts and spans. */
export function listTradeSeries(
  db: DatabaseSync,
): { venue: string; symbol: string; rows: number; firstTs: number; lastTs: number }[] {
  return db.prepare(
    `SELECT venue, symbol, count(*) AS n, min(ts) AS first, max(ts) AS last FROM trades
     GROUP BY venue, symbol ORDER BY venue, symbol`,
  ).all().map((r) => ({
    venue: String(r.venue),
    symbol: String(r.symbol),
    rows: Number(r.n),
    firstTs: Number(r.first),
    lastTs: Number(r.last),
  }));
}
