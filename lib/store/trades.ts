/**
 * Reading and writing the `trades` table.
 *
 * @module
 */
import type { DatabaseSync, SQLInputValue, StatementSync } from "node:sqlite";
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

/** Columns of one stored trade as read back: ts, price, qty, side. */
type StoredTrade = readonly [number, number, number, number];

/** Rows per multi-row INSERT; smaller remainders use halving sizes (64, 32, ..., 1). */
const INSERT_CHUNK = 128;
/** Parameters per inserted row. */
const ROW_PARAMS = 10;
/** Ids per `IN (...)` lookup when the batch's id range is too sparse for one range read. */
const LOOKUP_CHUNK = 500;
const insertSql = (rows: number) =>
  `INSERT INTO trades (venue, symbol, trade_id, ts, price, qty, side, source, fetched_at, run_id)
   VALUES ${Array(rows).fill("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)").join(", ")}`;

/**
 * Insert trades, unique on venue + symbol + trade id. A trade already stored with the same
 * values is left alone (so re-importing a file changes nothing); one stored with different
 * values is reported as a conflict and not written. Within one batch the first occurrence of
 * an id is the one written and later ones are compared with it. Runs in one IMMEDIATE
 * transaction of its own unless called inside one (then it joins the caller's, who commits).
 *
 * When to use: every writer of trades (file import, stream, gap repair). Cost when every id is
 * a safe integer (Binance, most venues): one indexed read of the stored trades in the batch's
 * id range (or `IN` lookups when the ids are sparse), then 128-row INSERT statements for the
 * new trades and one in-memory compare per id already stored: O(n log N) for n trades into a
 * store of N. Batches with string ids (`"1672531436:0"`, UUIDs) take a row-by-row path: an
 * INSERT per trade and a lookup per id already stored.
 *
 * @example Write twice, change nothing; a changed trade is a conflict
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { readTrades, writeTrades } from "@lib/store/trades.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * const t = {
 *   venue: "binance", symbol: "BTCUSDT", tradeId: [7, 8], ts: Float64Array.of(1, 2),
 *   price: Float64Array.of(100, 101), qty: Float64Array.of(1, 2), side: Int8Array.of(1, -1),
 * };
 * assert.equal(writeTrades(db, t, { source: "doc" }).inserted, 2);
 * assert.equal(writeTrades(db, t, { source: "doc" }).unchanged, 2);
 * const changed = { ...t, price: Float64Array.of(100, 999) };
 * assert.deepEqual(writeTrades(db, changed, { source: "doc" }).conflicts.map((c) => c.tradeId), [8]);
 * assert.deepEqual([...readTrades(db, "binance", "BTCUSDT").price], [100, 101]);
 * ```
 */
export function writeTrades(
  db: DatabaseSync,
  t: TradeColumns,
  options: WriteTradesOptions,
): WriteTradesResult {
  // the last line behind the row rules (lib/ingest/gates/rules.ts): no Inf or NaN is stored
  for (let i = 0; i < t.ts.length; i++) {
    for (const c of ["ts", "price", "qty"] as const) {
      const v = t[c][i]!;
      if (!Number.isFinite(v)) {
        throw new RangeError(
          `Cannot write trades for ${t.venue}:${t.symbol}: trade ${t.tradeId[i]} has ${c} ${v}; ` +
            "the store holds finite numbers only. Gate rows with gateTrades (lib/ingest/gates) first.",
        );
      }
    }
  }
  if (db.isTransaction) return writeInTransaction(db, t, options);
  db.exec("BEGIN IMMEDIATE");
  try {
    const out = writeInTransaction(db, t, options);
    db.exec("COMMIT");
    return out;
  } catch (e) {
    if (db.isTransaction) db.exec("ROLLBACK");
    throw e;
  }
}

function writeInTransaction(
  db: DatabaseSync,
  t: TradeColumns,
  options: WriteTradesOptions,
): WriteTradesResult {
  const n = t.ts.length;
  const ids = t.tradeId;
  let lo = Infinity, hi = -Infinity;
  let increasing = true;
  for (let i = 0; i < n; i++) {
    const id = ids[i];
    if (typeof id !== "number" || !Number.isSafeInteger(id)) return writeRowByRow(db, t, options);
    if (id < lo) lo = id;
    if (id > hi) hi = id;
    if (i > 0 && !(id > (ids[i - 1] as number))) increasing = false;
  }
  if (n === 0) return { inserted: 0, unchanged: 0, conflicts: [] };
  const stored = storedTrades(db, t, lo, hi);
  const fetchedAt = options.fetchedAt ?? Date.now();
  const runId = options.runId ?? null;
  const conflicts: TradeConflict[] = [];
  let inserted = 0, unchanged = 0;

  // multi-row inserts: rows gather in `params` and go out 128 at a time
  const statements = new Map<number, StatementSync>();
  const insert = (rows: number, values: SQLInputValue[]) => {
    let stmt = statements.get(rows);
    if (stmt === undefined) {
      stmt = db.prepare(insertSql(rows));
      statements.set(rows, stmt);
    }
    stmt.run(...values);
  };
  const params: SQLInputValue[] = new Array(INSERT_CHUNK * ROW_PARAMS);
  let pending = 0;
  const push = (i: number) => {
    const o = pending * ROW_PARAMS;
    params[o] = t.venue;
    params[o + 1] = t.symbol;
    params[o + 2] = ids[i] as number;
    params[o + 3] = t.ts[i]!;
    params[o + 4] = t.price[i]!;
    params[o + 5] = t.qty[i]!;
    params[o + 6] = t.side[i]!;
    params[o + 7] = options.source;
    params[o + 8] = fetchedAt;
    params[o + 9] = runId;
    if (++pending === INSERT_CHUNK) {
      insert(INSERT_CHUNK, params);
      inserted += pending;
      pending = 0;
    }
  };

  const compare = (i: number, s: StoredTrade) => {
    if (s[0] === t.ts[i] && s[1] === t.price[i] && s[2] === t.qty[i] && s[3] === t.side[i]) {
      unchanged++;
    } else {
      conflicts.push(conflict(t, i, s));
    }
  };

  if (increasing) {
    // no id repeats within the batch; stored rows come sorted by id: one merge walk
    let k = 0;
    for (let i = 0; i < n; i++) {
      const id = ids[i] as number;
      while (k < stored.ids.length && stored.ids[k]! < id) k++;
      if (k < stored.ids.length && stored.ids[k] === id) compare(i, stored.rows[k]!);
      else push(i);
    }
  } else {
    const byId = new Map<number, StoredTrade>();
    for (let k = 0; k < stored.ids.length; k++) byId.set(stored.ids[k]!, stored.rows[k]!);
    for (let i = 0; i < n; i++) {
      const id = ids[i] as number;
      const s = byId.get(id);
      if (s !== undefined) {
        compare(i, s);
        continue;
      }
      // the first occurrence in the batch is written; later ones compare with it
      byId.set(id, [t.ts[i]!, t.price[i]!, t.qty[i]!, t.side[i]!]);
      push(i);
    }
  }
  // the remainder in halving sizes: at most 7 more statements, each prepared once
  let off = 0;
  for (let size = INSERT_CHUNK >> 1; size >= 1; size >>= 1) {
    if (pending - off < size) continue;
    insert(size, params.slice(off * ROW_PARAMS, (off + size) * ROW_PARAMS));
    off += size;
  }
  inserted += pending;
  return { inserted, unchanged, conflicts };
}

/**
 * Stored trades of the batch's series with an id of the batch, sorted by id: one range read
 * of `[lo, hi]` on the primary key when the batch is dense in it, else `IN` lookups.
 */
function storedTrades(
  db: DatabaseSync,
  t: TradeColumns,
  lo: number,
  hi: number,
): { ids: number[]; rows: StoredTrade[] } {
  const ids: number[] = [];
  const rows: StoredTrade[] = [];
  const collect = (stmt: StatementSync, args: SQLInputValue[]) => {
    for (const r of returnArrays(stmt).iterate(...args)) {
      const a = r as unknown as number[];
      ids.push(a[0]!);
      rows.push([a[1]!, a[2]!, a[3]!, a[4]!]);
    }
  };
  const n = t.ts.length;
  // a range read visits every stored id in [lo, hi]: worth it unless far more than the batch
  if (hi - lo < 4 * n + 4096) {
    collect(
      db.prepare(
        `SELECT trade_id, ts, price, qty, side FROM trades
         WHERE venue = ? AND symbol = ? AND trade_id >= ? AND trade_id <= ? ORDER BY trade_id`,
      ),
      [t.venue, t.symbol, lo, hi],
    );
    return { ids, rows };
  }
  const unique = [...new Set(t.tradeId as number[])].sort((a, b) => a - b);
  for (let a = 0; a < unique.length; a += LOOKUP_CHUNK) {
    const part = unique.slice(a, a + LOOKUP_CHUNK);
    collect(
      db.prepare(
        `SELECT trade_id, ts, price, qty, side FROM trades
         WHERE venue = ? AND symbol = ? AND trade_id IN (${part.map(() => "?").join(", ")})
         ORDER BY trade_id`,
      ),
      [t.venue, t.symbol, ...part],
    );
  }
  return { ids, rows };
}

function conflict(t: TradeColumns, i: number, s: StoredTrade): TradeConflict {
  return {
    index: i,
    tradeId: t.tradeId[i]!,
    detail: `stored ts=${s[0]} price=${s[1]} qty=${s[2]} side=${s[3]}; new ts=${t.ts[i]} ` +
      `price=${t.price[i]} qty=${t.qty[i]} side=${t.side[i]}`,
  };
}

/**
 * The row-by-row path for batches with ids that are not safe integers (strings such as
 * Kraken's `"1672531436:0"` or UUIDs): SQLite's INTEGER affinity turns numeric-looking strings
 * into integers, so the stored key of such an id is only known by asking SQLite, one INSERT
 * and (for ids already stored) one lookup per trade.
 */
function writeRowByRow(
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
    const s = select.get(t.venue, t.symbol, id) as unknown as StoredTrade;
    if (s[0] === t.ts[i] && s[1] === t.price[i] && s[2] === t.qty[i] && s[3] === t.side[i]) {
      unchanged++;
    } else {
      conflicts.push(conflict(t, i, s));
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
