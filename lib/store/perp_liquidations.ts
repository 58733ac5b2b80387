/**
 * Reading and writing `liquidations`: forced orders of a perp (Binance `<symbol>@forceOrder`).
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { requireFinite } from "./_perp_upsert.ts";

/** One liquidation order as the venue reports it. */
export interface LiquidationRow {
  readonly symbol: string;
  /** Order trade time, UTC epoch ms (Binance `o.T`). */
  readonly ts: number;
  /** `sell`: a long was liquidated; `buy`: a short was. */
  readonly side: "buy" | "sell";
  readonly orderType: string;
  readonly timeInForce: string;
  readonly price: number;
  readonly avgPrice: number;
  /** Original quantity. */
  readonly qty: number;
  readonly lastFilledQty: number;
  /** Accumulated filled quantity. */
  readonly filledQty: number;
  readonly status: string;
  /** Event time, UTC epoch ms (Binance `E`). */
  readonly eventTime: number;
}

/** Options for {@link writeLiquidations}. */
export interface WriteLiquidationsOptions {
  readonly venue: string;
  readonly source: string;
  readonly runId?: number | undefined;
  /** @default now */
  readonly fetchedAt?: number | undefined;
}

/** What {@link writeLiquidations} did. */
export interface WriteLiquidationsResult {
  readonly inserted: number;
  /** Rows already stored (a frame seen twice, e.g. after a reconnect). */
  readonly unchanged: number;
}

/**
 * Insert liquidation orders; a row identical in symbol, time, side, price, quantity, filled
 * quantity and status to a stored one is left alone, so replaying frames changes nothing.
 * Rows must have passed the perp rules (lib/ingest/gates/perp_gates.ts).
 *
 * @example
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { readLiquidations, writeLiquidations } from "@lib/store/perp_liquidations.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * const row = { symbol: "BTCUSDT", ts: 1, side: "sell" as const, orderType: "LIMIT", timeInForce: "IOC",
 *   price: 9910, avgPrice: 9910, qty: 0.014, lastFilledQty: 0.014, filledQty: 0.014, status: "FILLED", eventTime: 2 };
 * assert.equal(writeLiquidations(db, [row, row], { venue: "binance_futures", source: "doc" }).inserted, 1);
 * assert.equal(readLiquidations(db, "binance_futures", "BTCUSDT").length, 1);
 * ```
 */
export function writeLiquidations(
  db: DatabaseSync,
  rows: readonly LiquidationRow[],
  options: WriteLiquidationsOptions,
): WriteLiquidationsResult {
  for (const r of rows) {
    for (
      const c of [
        "ts",
        "price",
        "avgPrice",
        "qty",
        "lastFilledQty",
        "filledQty",
        "eventTime",
      ] as const
    ) {
      requireFinite(r[c], `${c} of the liquidation at ${r.ts}`, "liquidations");
    }
  }
  const fetchedAt = options.fetchedAt ?? Date.now();
  const run = () => {
    const stmt = db.prepare(
      `INSERT INTO liquidations (venue, symbol, ts, side, order_type, time_in_force, price,
         avg_price, qty, last_filled_qty, filled_qty, status, event_time, source, fetched_at, run_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (venue, symbol, ts, side, price, qty, filled_qty, status) DO NOTHING`,
    );
    let inserted = 0;
    for (const r of rows) {
      const res = stmt.run(
        options.venue,
        r.symbol,
        r.ts,
        r.side,
        r.orderType,
        r.timeInForce,
        r.price,
        r.avgPrice,
        r.qty,
        r.lastFilledQty,
        r.filledQty,
        r.status,
        r.eventTime,
        options.source,
        fetchedAt,
        options.runId ?? null,
      ); // deno-fmt-ignore
      inserted += Number(res.changes);
    }
    return { inserted, unchanged: rows.length - inserted };
  };
  if (db.isTransaction) return run();
  db.exec("BEGIN IMMEDIATE");
  try {
    const out = run();
    db.exec("COMMIT");
    return out;
  } catch (e) {
    if (db.isTransaction) db.exec("ROLLBACK");
    throw e;
  }
}

/** Read the stored liquidations of one perp, by time, within an optional `[from, to)` window. */
export function readLiquidations(
  db: DatabaseSync,
  venue: string,
  symbol: string,
  window: { readonly from?: number | undefined; readonly to?: number | undefined } = {},
): LiquidationRow[] {
  return db.prepare(
    `SELECT symbol, ts, side, order_type, time_in_force, price, avg_price, qty, last_filled_qty,
       filled_qty, status, event_time FROM liquidations
     WHERE venue = ? AND symbol = ? AND ts >= ? AND ts < ? ORDER BY ts, id`,
  ).all(
    venue,
    symbol,
    window.from ?? Number.MIN_SAFE_INTEGER,
    window.to ?? Number.MAX_SAFE_INTEGER,
  ).map((r) => ({
    symbol: String(r.symbol),
    ts: Number(r.ts),
    side: r.side === "buy" ? "buy" : "sell",
    orderType: String(r.order_type),
    timeInForce: String(r.time_in_force),
    price: Number(r.price),
    avgPrice: Number(r.avg_price),
    qty: Number(r.qty),
    lastFilledQty: Number(r.last_filled_qty),
    filledQty: Number(r.filled_qty),
    status: String(r.status),
    eventTime: Number(r.event_time),
  }));
}
