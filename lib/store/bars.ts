/**
 * Reading and writing the `bars` table, column-wise.
 *
 * @module
 */
import type { DatabaseSync, SQLInputValue } from "node:sqlite";
import { returnArrays } from "./sql.ts";
import { allocBars, type BarColumns, type SeriesKey } from "../core/types.ts";
import type { Freq } from "../core/freq.ts";

/** Options for {@link writeBars}. */
export interface WriteBarsOptions {
  /** Provenance: where these bars came from (`file:BTC_USDT-1h.json`, `materialize:1m`). */
  readonly source: string;
  /** The `ingest_runs` row of the writing task. */
  readonly runId?: number | undefined;
  /**
   * What to do when a stored bar has different values: `keep` (default) leaves the stored bar
   * and reports a conflict; `replace` overwrites it.
   */
  readonly onConflict?: "keep" | "replace";
  /**
   * With `onConflict: "replace"`, only replace stored bars whose `source` starts with this
   * prefix; others are kept and reported as conflicts. Materializers pass `materialize:` so a
   * venue's own bars are never overwritten by bars we built.
   */
  readonly replaceSourcePrefix?: string;
}

/** One incoming bar that disagrees with the stored bar at the same key. */
export interface BarConflict {
  /** Row index in the incoming batch. */
  readonly index: number;
  readonly ts: number;
  /** The `source` of the stored bar. */
  readonly storedSource: string;
  /** Which columns differ, e.g. `open 3815.35 (stored) vs 3815 (new)`. */
  readonly detail: string;
}

/** What {@link writeBars} did. */
export interface WriteBarsResult {
  readonly inserted: number;
  /** Stored bars overwritten (`onConflict: "replace"`), including flag-only updates. */
  readonly replaced: number;
  readonly unchanged: number;
  /**
   * Stored bars with the same market values whose `complete` flag differs and was kept as
   * stored (a venue's own bar is complete by the venue's word; our rebuild of it may not be).
   * These are not conflicts: no price or volume disagrees.
   */
  readonly flagOnly: number;
  /** Stored bars whose market values differ and were kept (`onConflict: "keep"`). */
  readonly conflicts: readonly BarConflict[];
  /**
   * Stored bars that lacked a quote volume, trade count or vwap (NULL) and got it from an
   * incoming bar whose other values are the same (`onConflict: "keep"` only). An incoming bar
   * that lacks a column the stored bar has is not a conflict either: it says less, not
   * something else, and the stored bar is kept.
   */
  readonly completed: number;
}

const num = (x: number): SQLInputValue => (Number.isNaN(x) ? null : x);
const back = (v: unknown): number => (v === null || v === undefined ? NaN : Number(v));
const COLS = [
  "open",
  "high",
  "low",
  "close",
  "volume",
  "quote_volume",
  "trade_count",
  "vwap",
  "complete",
] as const;

/** Rows per multi-row INSERT: fewer calls across the JS/SQLite boundary. */
const INSERT_CHUNK = 64;
const insertSql = (rows: number) =>
  `INSERT INTO bars (venue, symbol, freq, ts, open, high, low, close, volume, quote_volume,
     trade_count, vwap, complete, source, run_id) VALUES ${
    Array(rows).fill("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)").join(", ")
  }`;

/**
 * Insert a batch of bars. Rows equal to what is stored are left alone, so writing the same
 * batch twice changes nothing; rows that differ from the stored bar are reported as conflicts
 * (or overwritten with `onConflict: "replace"`). `ts` must be strictly increasing, and every
 * value finite (optional columns may be NaN, never infinite): a batch that breaks this throws
 * before anything is written, the last line behind the row rules of lib/ingest/gates/rules.ts.
 * Call inside a transaction for speed and atomicity.
 *
 * Cost: one query for the keys already stored in the batch's time range, then multi-row
 * inserts for new keys and one compare per existing key.
 *
 * @example Write twice, change nothing
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { readBars, writeBars } from "@lib/store/bars.ts";
 * import { allocBars } from "@lib/core/types.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * const b = allocBars({ venue: "sim", symbol: "AAA", freq: "1h" }, 1);
 * b.ts[0] = 0; b.open[0] = 1; b.high[0] = 2; b.low[0] = 1; b.close[0] = 2; b.volume[0] = 5;
 * assert.equal(writeBars(db, b, { source: "doc" }).inserted, 1);
 * assert.equal(writeBars(db, b, { source: "doc" }).unchanged, 1);
 * assert.deepEqual([...readBars(db, b).close], [2]);
 * ```
 */
export function writeBars(
  db: DatabaseSync,
  bars: BarColumns,
  options: WriteBarsOptions,
): WriteBarsResult {
  const { venue, symbol, freq } = bars;
  const n = bars.ts.length;
  assertFinite(bars);
  for (let i = 1; i < n; i++) {
    if (!(bars.ts[i]! > bars.ts[i - 1]!)) {
      throw new RangeError(
        `Cannot write bars for ${venue}:${symbol} ${freq}: ts must be strictly increasing, ` +
          `but row ${i} (${bars.ts[i]}) follows ${bars.ts[i - 1]}. Sort and de-duplicate first.`,
      );
    }
  }
  if (n === 0) {
    return { inserted: 0, replaced: 0, unchanged: 0, flagOnly: 0, conflicts: [], completed: 0 };
  }
  // One read of the batch's time span: stored rows are compared in memory, so re-writing
  // unchanged bars (a re-import) costs one query, not one lookup per row.
  const existing = new Map<number, unknown[]>();
  const span = returnArrays(
    db.prepare(
      `SELECT ts, open, high, low, close, volume, quote_volume, trade_count, vwap, complete, source
       FROM bars WHERE venue = ? AND symbol = ? AND freq = ? AND ts >= ? AND ts <= ?`,
    ),
  );
  for (const r of span.all(venue, symbol, freq, bars.ts[0]!, bars.ts[n - 1]!)) {
    const row = r as unknown as unknown[];
    existing.set(Number(row[0]), row);
  }
  const runId = options.runId ?? null;
  const rowParams = (i: number): SQLInputValue[] => [
    venue,
    symbol,
    freq,
    bars.ts[i]!,
    bars.open[i]!,
    bars.high[i]!,
    bars.low[i]!,
    bars.close[i]!,
    bars.volume[i]!,
    num(bars.quoteVolume[i]!),
    num(bars.tradeCount[i]!),
    num(bars.vwap[i]!),
    bars.complete[i]!,
    options.source,
    runId,
  ];

  let inserted = 0, replaced = 0, unchanged = 0, flagOnly = 0, completed = 0;
  const keepMode = options.onConflict !== "replace";
  const conflicts: BarConflict[] = [];
  const bulk = db.prepare(insertSql(INSERT_CHUNK));
  const single = db.prepare(insertSql(1));
  let pending: SQLInputValue[] = [];
  let pendingRows = 0;
  const update = db.prepare(
    `UPDATE bars SET open = ?, high = ?, low = ?, close = ?, volume = ?, quote_volume = ?,
       trade_count = ?, vwap = ?, complete = ?, source = ?, run_id = ?
     WHERE venue = ? AND symbol = ? AND freq = ? AND ts = ?`,
  );
  for (let i = 0; i < n; i++) {
    const ts = bars.ts[i]!;
    if (!existing.has(ts)) {
      const p = rowParams(i);
      for (let k = 0; k < p.length; k++) pending.push(p[k]!);
      pendingRows++;
      if (pendingRows === INSERT_CHUNK) {
        bulk.run(...pending);
        inserted += pendingRows;
        pending = [];
        pendingRows = 0;
      }
      continue;
    }
    const vals = [
      bars.open[i]!,
      bars.high[i]!,
      bars.low[i]!,
      bars.close[i]!,
      bars.volume[i]!,
      bars.quoteVolume[i]!,
      bars.tradeCount[i]!,
      bars.vwap[i]!,
      bars.complete[i]!,
    ];
    const stored = existing.get(ts)!.slice(1);
    const diffs: string[] = [];
    const fills: number[] = [];
    // market columns first; the `complete` flag (last of COLS) is judged separately
    for (let c = 0; c < COLS.length - 1; c++) {
      const a = back(stored[c]), b = vals[c]!;
      if (a === b || (Number.isNaN(a) && Number.isNaN(b))) continue;
      if (keepMode && c >= OPTIONAL_FROM) {
        // an optional column one side lacks: the new bar completes the stored one, or says less
        if (Number.isNaN(a)) {
          fills.push(c);
          continue;
        }
        if (Number.isNaN(b)) continue;
      }
      diffs.push(`${COLS[c]} ${a} (stored) vs ${b} (new)`);
    }
    const flagDiffers = back(stored[COLS.length - 1]) !== vals[COLS.length - 1];
    const replaceable = options.onConflict === "replace" &&
      (options.replaceSourcePrefix === undefined ||
        String(stored[9]).startsWith(options.replaceSourcePrefix));
    if (diffs.length === 0 && fills.length === 0 && !flagDiffers) {
      unchanged++;
    } else if (replaceable) {
      const p = rowParams(i);
      update.run(...p.slice(4, 15), venue, symbol, freq, ts);
      replaced++;
    } else if (diffs.length === 0 && fills.length > 0) {
      db.prepare(
        `UPDATE bars SET ${fills.map((c) => `${COLS[c]} = ?`).join(", ")}
         WHERE venue = ? AND symbol = ? AND freq = ? AND ts = ?`,
      ).run(...fills.map((c) => vals[c]!), venue, symbol, freq, ts);
      completed++;
    } else if (diffs.length === 0) {
      flagOnly++;
    } else {
      conflicts.push({ index: i, ts, storedSource: String(stored[9]), detail: diffs.join(", ") });
    }
  }
  for (let r = 0; r < pendingRows; r++) single.run(...pending.slice(r * 15, r * 15 + 15));
  inserted += pendingRows;
  return { inserted, replaced, unchanged, flagOnly, conflicts, completed };
}

/** Index in COLS of the first optional column (quote_volume, trade_count, vwap). */
const OPTIONAL_FROM = 5;

/** Throw when a bar holds a value the store must never hold (infinite, or NaN where required). */
function assertFinite(bars: BarColumns): void {
  const required = ["ts", "open", "high", "low", "close", "volume"] as const;
  const optional = ["quoteVolume", "tradeCount", "vwap"] as const;
  for (let i = 0; i < bars.ts.length; i++) {
    for (const c of required) {
      const v = bars[c][i]!;
      if (!Number.isFinite(v)) throw nonFinite(bars, i, c, v);
    }
    for (const c of optional) {
      const v = bars[c][i]!;
      if (v === Infinity || v === -Infinity) throw nonFinite(bars, i, c, v);
    }
  }
}

function nonFinite(bars: BarColumns, i: number, column: string, v: number): RangeError {
  return new RangeError(
    `Cannot write bars for ${bars.venue}:${bars.symbol} ${bars.freq}: row ${i} has ${column} ${v}; ` +
      "the store holds finite numbers only. Gate rows with gateBars (lib/ingest/gates) first.",
  );
}

/** A time window `[from, to)` in UTC epoch ms; either end may be omitted. */
export interface TimeWindow {
  readonly from?: number | undefined;
  readonly to?: number | undefined;
}

/**
 * Read one series as columns, ordered by time, within an optional `[from, to)` window.
 * Rows are read as arrays, never as objects, so a million bars load in well under a second.
 */
export function readBars(db: DatabaseSync, key: SeriesKey, window: TimeWindow = {}): BarColumns {
  const from = window.from ?? Number.MIN_SAFE_INTEGER;
  const to = window.to ?? Number.MAX_SAFE_INTEGER;
  const count = Number(
    db.prepare(
      "SELECT count(*) AS n FROM bars WHERE venue = ? AND symbol = ? AND freq = ? AND ts >= ? AND ts < ?",
    ).get(key.venue, key.symbol, key.freq, from, to)?.n ?? 0,
  );
  const out = allocBars(key, count);
  const stmt = db.prepare(
    `SELECT ts, open, high, low, close, volume, quote_volume, trade_count, vwap, complete
     FROM bars WHERE venue = ? AND symbol = ? AND freq = ? AND ts >= ? AND ts < ? ORDER BY ts`,
  );
  returnArrays(stmt);
  let i = 0;
  for (const row of stmt.iterate(key.venue, key.symbol, key.freq, from, to)) {
    const r = row as unknown as (number | null)[];
    if (i >= count) break;
    out.ts[i] = r[0]!;
    out.open[i] = r[1]!;
    out.high[i] = r[2]!;
    out.low[i] = r[3]!;
    out.close[i] = r[4]!;
    out.volume[i] = r[5]!;
    out.quoteVolume[i] = r[6] ?? NaN;
    out.tradeCount[i] = r[7] ?? NaN;
    out.vwap[i] = r[8] ?? NaN;
    out.complete[i] = r[9]!;
    i++;
  }
  return i === count ? out : { ...out, ts: out.ts.subarray(0, i) } as BarColumns;
}

/** Summary of one stored series. */
export interface SeriesInfo extends SeriesKey {
  readonly rows: number;
  readonly firstTs: number;
  readonly lastTs: number;
  readonly incomplete: number;
}

/** Every series in the store with row counts and spans, ordered by key. */
export function listSeries(
  db: DatabaseSync,
  filter: { venue?: string; freq?: Freq } = {},
): SeriesInfo[] {
  const where: string[] = [];
  const params: SQLInputValue[] = [];
  if (filter.venue !== undefined) {
    where.push("venue = ?");
    params.push(filter.venue);
  }
  if (filter.freq !== undefined) {
    where.push("freq = ?");
    params.push(filter.freq);
  }
  const rows = db.prepare(
    `SELECT venue, symbol, freq, count(*) AS n, min(ts) AS first, max(ts) AS last,
            sum(complete = 0) AS incomplete
     FROM bars ${where.length ? "WHERE " + where.join(" AND ") : ""}
     GROUP BY venue, symbol, freq ORDER BY venue, symbol, freq`,
  ).all(...params);
  return rows.map((r) => ({
    venue: String(r.venue),
    symbol: String(r.symbol),
    freq: String(r.freq) as Freq,
    rows: Number(r.n),
    firstTs: Number(r.first),
    lastTs: Number(r.last),
    incomplete: Number(r.incomplete),
  }));
}
