/**
 * The SQL of the live trade stream (`deno task stream`): where a stream resumes, the trades a
 * bar builder reads back, the stored trades that no bar may be built from, and the
 * `stream_holes` table of trade ids the stream knows are missing.
 *
 * A hole is a range of trade ids `from_id..to_id` of one symbol that the stream did not store:
 * the REST repair could not fetch them yet (the venue's REST API was down, the task was
 * stopped during the repair), or the frame that carried one of them was refused by the row
 * rules and quarantined. `open` holes are retried until the venue's REST API fills them;
 * `lost` holes are ranges the venue's history no longer has. Bars over either are incomplete.
 * `from_ts` and `to_ts` are the times of the stored trades just before and just after the
 * hole (NULL while none is stored), so a bar builder can tell which intervals it touches.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import type { TradeColumns } from "../core/types.ts";
import { returnArrays } from "./sql.ts";

/** A range of trade ids of one symbol that the stream knows it has not stored. */
export interface StreamHole {
  readonly venue: string;
  readonly symbol: string;
  /** First missing id. */
  readonly fromId: number;
  /** Last missing id (inclusive). */
  readonly toId: number;
  /** Time of the stored trade just before `fromId`, or undefined when none is stored. */
  readonly fromTs: number | undefined;
  /** Time of the stored trade just after `toId`, or undefined when none is stored yet. */
  readonly toTs: number | undefined;
  /** `open`: to be repaired; `lost`: the venue's history no longer has these ids. */
  readonly status: "open" | "lost";
  /** Why the ids are missing, e.g. `REST repair failed: HTTP 500` or a row rule. */
  readonly reason: string;
  /** REST repair attempts so far. */
  readonly attempts: number;
  /** When the last attempt was made (UTC ms), or undefined. */
  readonly lastAttemptAt: number | undefined;
}

/**
 * The largest stored trade id per symbol of `venue` (symbols with no trades are absent).
 *
 * @example Empty store, then one trade
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { writeTrades } from "@lib/store/trades.ts";
 * import { storedLastIds } from "@lib/store/stream_writes.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * assert.deepEqual(storedLastIds(db, "binance", ["BTCUSDT"]), {});
 * writeTrades(db, {
 *   venue: "binance", symbol: "BTCUSDT", tradeId: [7, 9], ts: Float64Array.of(1, 2),
 *   price: Float64Array.of(1, 1), qty: Float64Array.of(1, 1), side: Int8Array.of(1, -1),
 * }, { source: "doc" });
 * assert.deepEqual(storedLastIds(db, "binance", ["BTCUSDT"]), { BTCUSDT: 9 });
 * ```
 */
export function storedLastIds(
  db: DatabaseSync,
  venue: string,
  symbols: readonly string[],
): Record<string, number> {
  const stmt = db.prepare(
    "SELECT max(trade_id) AS id FROM trades WHERE venue = ? AND symbol = ?",
  );
  const out: Record<string, number> = {};
  for (const s of symbols) {
    const r = stmt.get(venue, s) as { id: number | bigint | null } | undefined;
    if (r && r.id !== null) out[s] = Number(r.id);
  }
  return out;
}

/** Earliest and latest stored trade time of a symbol, or undefined when it has none. */
export function storedTradeSpan(
  db: DatabaseSync,
  venue: string,
  symbol: string,
): { readonly first: number; readonly last: number } | undefined {
  const r = db.prepare(
    "SELECT min(ts) AS a, max(ts) AS b FROM trades WHERE venue = ? AND symbol = ?",
  ).get(venue, symbol) as { a: number | null; b: number | null };
  return r.a === null || r.b === null ? undefined : { first: r.a, last: r.b };
}

/** Open time of the newest bar of a series written by `source`, or undefined. */
export function lastBarTs(
  db: DatabaseSync,
  venue: string,
  symbol: string,
  freq: string,
  source: string,
): number | undefined {
  const r = db.prepare(
    "SELECT max(ts) AS t FROM bars WHERE venue = ? AND symbol = ? AND freq = ? AND source = ?",
  ).get(venue, symbol, freq, source) as { t: number | null };
  return r.t ?? undefined;
}

/**
 * Trades of `[from, to)` straight into typed columns (one row at a time through `iterate`,
 * never a row array per trade), in (ts, id) order: the peak memory of closing a bar is ~41
 * bytes per trade of its interval.
 *
 * @example
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { writeTrades } from "@lib/store/trades.ts";
 * import { readTradeColumns } from "@lib/store/stream_writes.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * writeTrades(db, {
 *   venue: "binance", symbol: "BTCUSDT", tradeId: [1, 2, 3], ts: Float64Array.of(5, 10, 15),
 *   price: Float64Array.of(1, 2, 3), qty: Float64Array.of(1, 1, 1), side: Int8Array.of(1, 1, 1),
 * }, { source: "doc" });
 * assert.deepEqual(readTradeColumns(db, "binance", "BTCUSDT", 10, 20).tradeId, [2, 3]);
 * ```
 */
export function readTradeColumns(
  db: DatabaseSync,
  venue: string,
  symbol: string,
  from: number,
  to: number,
): TradeColumns {
  const count = db.prepare(
    "SELECT count(*) AS n FROM trades WHERE venue = ? AND symbol = ? AND ts >= ? AND ts < ?",
  ).get(venue, symbol, from, to) as { n: number | bigint };
  const n = Number(count.n);
  const out: TradeColumns = {
    venue,
    symbol,
    tradeId: new Array<number>(n),
    ts: new Float64Array(n),
    price: new Float64Array(n),
    qty: new Float64Array(n),
    side: new Int8Array(n),
  };
  const stmt = returnArrays(db.prepare(
    `SELECT trade_id, ts, price, qty, side FROM trades
     WHERE venue = ? AND symbol = ? AND ts >= ? AND ts < ? ORDER BY ts, trade_id`,
  ));
  let i = 0;
  for (const row of stmt.iterate(venue, symbol, from, to)) {
    if (i >= n) break;
    const r = row as unknown as number[];
    out.tradeId[i] = Number(r[0]);
    out.ts[i] = r[1] as number;
    out.price[i] = r[2] as number;
    out.qty[i] = r[3] as number;
    out.side[i] = r[4] as number;
    i++;
  }
  return out;
}

/**
 * Prices of the `n` stored trades with the largest ids below `beforeId` (all ids when
 * undefined), oldest first: the history a price-jump rule is primed with.
 */
export function recentTradePrices(
  db: DatabaseSync,
  venue: string,
  symbol: string,
  n: number,
  beforeId?: number,
): Float64Array {
  const rows = returnArrays(db.prepare(
    `SELECT price FROM trades WHERE venue = ? AND symbol = ? AND trade_id < ?
     ORDER BY trade_id DESC LIMIT ?`,
  )).all(venue, symbol, beforeId ?? Number.MAX_SAFE_INTEGER, n) as unknown as number[][];
  const out = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[rows.length - 1 - i] = rows[i]![0]!;
  return out;
}

/**
 * Stored trades of a symbol from `fromTs` on (or dated after `futureTs`) that no bar may be
 * built from: time not finite, price or quantity not > 0 (NaN included), time after
 * `futureTs` or before `launchTs`. The rows of an older version that stored frames unchecked.
 */
export function unfitStoredTrades(
  db: DatabaseSync,
  venue: string,
  symbol: string,
  range: { readonly fromTs: number; readonly futureTs: number; readonly launchTs: number },
): TradeColumns {
  const rows = returnArrays(db.prepare(
    `SELECT trade_id, ts, price, qty, side FROM trades
     WHERE venue = ? AND symbol = ? AND (ts >= ? OR ts > ? OR ts < ?)
       AND NOT coalesce(price > 0 AND qty > 0 AND ts <= ? AND ts >= ?, 0)
     ORDER BY trade_id`,
  )).all(
    venue,
    symbol,
    range.fromTs,
    range.futureTs,
    range.launchTs,
    range.futureTs,
    range.launchTs,
  ) as unknown as (number | null)[][];
  const n = rows.length;
  const out: TradeColumns = {
    venue,
    symbol,
    tradeId: new Array<number>(n),
    ts: new Float64Array(n),
    price: new Float64Array(n),
    qty: new Float64Array(n),
    side: new Int8Array(n),
  };
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    out.tradeId[i] = Number(r[0]);
    out.ts[i] = r[1] ?? NaN;
    out.price[i] = r[2] ?? NaN;
    out.qty[i] = r[3] ?? NaN;
    out.side[i] = r[4] ?? 0;
  }
  return out;
}

/** Delete stored trades by id (after they were quarantined). Returns the rows deleted. */
export function deleteTradesById(
  db: DatabaseSync,
  venue: string,
  symbol: string,
  ids: readonly number[],
): number {
  const stmt = db.prepare("DELETE FROM trades WHERE venue = ? AND symbol = ? AND trade_id = ?");
  let n = 0;
  for (const id of ids) n += Number(stmt.run(venue, symbol, id).changes);
  return n;
}

/** Time of the stored trade of largest id below `id` (`before`) or smallest id above it. */
function neighbourTs(
  db: DatabaseSync,
  venue: string,
  symbol: string,
  id: number,
  side: "before" | "after",
): number | undefined {
  const sql = side === "before"
    ? "SELECT ts FROM trades WHERE venue = ? AND symbol = ? AND trade_id < ? ORDER BY trade_id DESC LIMIT 1"
    : "SELECT ts FROM trades WHERE venue = ? AND symbol = ? AND trade_id > ? ORDER BY trade_id LIMIT 1";
  const r = db.prepare(sql).get(venue, symbol, id) as { ts: number } | undefined;
  return r?.ts;
}

interface HoleRow {
  venue: string;
  symbol: string;
  from_id: number | bigint;
  to_id: number | bigint;
  from_ts: number | null;
  to_ts: number | null;
  status: string;
  reason: string;
  attempts: number | bigint;
  last_attempt_at: number | bigint | null;
}

function toHole(r: HoleRow): StreamHole {
  return {
    venue: r.venue,
    symbol: r.symbol,
    fromId: Number(r.from_id),
    toId: Number(r.to_id),
    fromTs: r.from_ts ?? undefined,
    toTs: r.to_ts ?? undefined,
    status: r.status === "lost" ? "lost" : "open",
    reason: r.reason,
    attempts: Number(r.attempts),
    lastAttemptAt: r.last_attempt_at === null ? undefined : Number(r.last_attempt_at),
  };
}

/**
 * Record ids `fromId..toId` of a symbol as missing (status `open`), with the times of the
 * stored trades around them. Ranges already recorded are merged: an overlapping or adjacent
 * open hole grows to cover both. Returns the hole as stored.
 *
 * @example A hole, then the ids after it
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { writeTrades } from "@lib/store/trades.ts";
 * import { listStreamHoles, recordStreamHole } from "@lib/store/stream_writes.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * writeTrades(db, {
 *   venue: "binance", symbol: "BTCUSDT", tradeId: [1, 5], ts: Float64Array.of(100, 500),
 *   price: Float64Array.of(1, 1), qty: Float64Array.of(1, 1), side: Int8Array.of(1, 1),
 * }, { source: "doc" });
 * recordStreamHole(db, { venue: "binance", symbol: "BTCUSDT", fromId: 2, toId: 4, reason: "cut" });
 * const [h] = listStreamHoles(db, "binance", "BTCUSDT");
 * assert.deepEqual([h!.fromId, h!.toId, h!.fromTs, h!.toTs, h!.status], [2, 4, 100, 500, "open"]);
 * ```
 */
export function recordStreamHole(
  db: DatabaseSync,
  hole: {
    readonly venue: string;
    readonly symbol: string;
    readonly fromId: number;
    readonly toId: number;
    readonly reason: string;
    readonly runId?: number | undefined;
    readonly at?: number;
  },
): StreamHole {
  const { venue, symbol, reason } = hole;
  let fromId = hole.fromId, toId = hole.toId;
  if (!(Number.isSafeInteger(fromId) && Number.isSafeInteger(toId) && fromId <= toId)) {
    throw new RangeError(
      `Cannot record a stream hole of ${venue} ${symbol}: need integer ids from <= to, got ` +
        `${fromId}..${toId}`,
    );
  }
  // merge with open holes that overlap or touch the range
  const near = db.prepare(
    `SELECT from_id, to_id FROM stream_holes WHERE venue = ? AND symbol = ? AND status = 'open'
       AND from_id <= ? AND to_id >= ?`,
  ).all(venue, symbol, toId + 1, fromId - 1) as { from_id: number; to_id: number }[];
  const del = db.prepare(
    "DELETE FROM stream_holes WHERE venue = ? AND symbol = ? AND from_id = ?",
  );
  for (const r of near) {
    fromId = Math.min(fromId, Number(r.from_id));
    toId = Math.max(toId, Number(r.to_id));
    del.run(venue, symbol, r.from_id);
  }
  db.prepare(
    `INSERT INTO stream_holes (venue, symbol, from_id, to_id, from_ts, to_ts, status, reason,
       found_at, attempts, run_id)
     VALUES (?, ?, ?, ?, ?, ?, 'open', ?, ?, 0, ?)
     ON CONFLICT (venue, symbol, from_id) DO UPDATE SET to_id = max(to_id, excluded.to_id),
       status = 'open', reason = excluded.reason`,
  ).run(
    venue,
    symbol,
    fromId,
    toId,
    neighbourTs(db, venue, symbol, fromId, "before") ?? null,
    neighbourTs(db, venue, symbol, toId, "after") ?? null,
    reason,
    hole.at ?? Date.now(),
    hole.runId ?? null,
  );
  return listStreamHoles(db, venue, symbol).find((h) => h.fromId === fromId)!;
}

/** Re-read the times around every hole of a symbol whose `to_ts` or `from_ts` is unknown. */
export function refreshStreamHoleTimes(db: DatabaseSync, venue: string, symbol: string): void {
  const rows = db.prepare(
    `SELECT from_id, to_id FROM stream_holes WHERE venue = ? AND symbol = ?
       AND (to_ts IS NULL OR from_ts IS NULL)`,
  ).all(venue, symbol) as { from_id: number; to_id: number }[];
  const upd = db.prepare(
    `UPDATE stream_holes SET from_ts = ?, to_ts = ? WHERE venue = ? AND symbol = ? AND from_id = ?`,
  );
  for (const r of rows) {
    const a = Number(r.from_id), b = Number(r.to_id);
    upd.run(
      neighbourTs(db, venue, symbol, a, "before") ?? null,
      neighbourTs(db, venue, symbol, b, "after") ?? null,
      venue,
      symbol,
      a,
    );
  }
}

/** Every hole (open and lost) of a symbol, by first id. */
export function listStreamHoles(
  db: DatabaseSync,
  venue: string,
  symbol?: string,
): StreamHole[] {
  const rows = symbol === undefined
    ? db.prepare("SELECT * FROM stream_holes WHERE venue = ? ORDER BY symbol, from_id").all(venue)
    : db.prepare("SELECT * FROM stream_holes WHERE venue = ? AND symbol = ? ORDER BY from_id")
      .all(venue, symbol);
  return (rows as unknown as HoleRow[]).map(toHole);
}

/**
 * After a REST repair of the hole starting at `fromId`: ids below `nextFromId` are resolved
 * (stored, or refused by the row rules and quarantined), ids `fromId..lostTo` (when given) are
 * no longer in the venue's history. The rest of the hole stays open; a hole with nothing left
 * is deleted. Returns what is left open, or undefined.
 */
export function settleStreamHole(
  db: DatabaseSync,
  venue: string,
  symbol: string,
  fromId: number,
  outcome: {
    readonly nextFromId: number;
    readonly lostTo?: number | undefined;
    readonly lostReason?: string;
    readonly at?: number;
  },
): StreamHole | undefined {
  const row = db.prepare(
    "SELECT * FROM stream_holes WHERE venue = ? AND symbol = ? AND from_id = ?",
  ).get(venue, symbol, fromId) as HoleRow | undefined;
  if (row === undefined) return undefined;
  const hole = toHole(row);
  db.prepare("DELETE FROM stream_holes WHERE venue = ? AND symbol = ? AND from_id = ?")
    .run(venue, symbol, fromId);
  const at = outcome.at ?? Date.now();
  if (outcome.lostTo !== undefined && outcome.lostTo >= fromId) {
    const lostTo = Math.min(outcome.lostTo, hole.toId);
    db.prepare(
      `INSERT OR REPLACE INTO stream_holes (venue, symbol, from_id, to_id, from_ts, to_ts,
         status, reason, found_at, attempts, last_attempt_at)
       VALUES (?, ?, ?, ?, ?, ?, 'lost', ?, ?, ?, ?)`,
    ).run(
      venue,
      symbol,
      fromId,
      lostTo,
      neighbourTs(db, venue, symbol, fromId, "before") ?? null,
      neighbourTs(db, venue, symbol, lostTo, "after") ?? null,
      outcome.lostReason ?? "the venue's history no longer has these ids",
      at,
      hole.attempts + 1,
      at,
    );
  }
  const next = Math.max(outcome.nextFromId, (outcome.lostTo ?? -Infinity) + 1);
  if (next > hole.toId) return undefined;
  db.prepare(
    `INSERT OR REPLACE INTO stream_holes (venue, symbol, from_id, to_id, from_ts, to_ts, status,
       reason, found_at, attempts, last_attempt_at)
     VALUES (?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?)`,
  ).run(
    venue,
    symbol,
    next,
    hole.toId,
    neighbourTs(db, venue, symbol, next, "before") ?? null,
    neighbourTs(db, venue, symbol, hole.toId, "after") ?? null,
    hole.reason,
    at,
    hole.attempts + 1,
    at,
  );
  return listStreamHoles(db, venue, symbol).find((h) => h.fromId === next);
}

/** Count a failed repair attempt of the hole starting at `fromId`, with its error. */
export function noteStreamHoleAttempt(
  db: DatabaseSync,
  venue: string,
  symbol: string,
  fromId: number,
  error: string,
  at: number = Date.now(),
): void {
  db.prepare(
    `UPDATE stream_holes SET attempts = attempts + 1, last_attempt_at = ?, last_error = ?
     WHERE venue = ? AND symbol = ? AND from_id = ?`,
  ).run(at, error, venue, symbol, fromId);
}

/** Time of the first stored trade of a symbol in `[from, to)`, or undefined. */
export function nextTradeTs(
  db: DatabaseSync,
  venue: string,
  symbol: string,
  from: number,
  to: number,
): number | undefined {
  const r = db.prepare(
    "SELECT min(ts) AS t FROM trades WHERE venue = ? AND symbol = ? AND ts >= ? AND ts < ?",
  ).get(venue, symbol, from, to) as { t: number | null };
  return r.t ?? undefined;
}
