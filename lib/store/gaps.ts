/**
 * Gaps in bar series and the `bar_gaps` table.
 *
 * A gap is a run of missing intervals strictly between two stored bars of a series: the
 * interval grid says a bar should open there, but none is stored. Intervals before a series'
 * first bar or after its last are not gaps (the series simply starts or ends). Gaps are
 * recorded, never filled: no forward-filled or zero-volume bar is invented, because a
 * synthetic flat bar turns a data hole into a fake zero return (the "missing candles" trap
 * that flatters backtests).
 *
 * A gap row is `[start_ts, end_ts)`: `start_ts` is the open time of the first missing bar and
 * `end_ts` the open time of the next stored bar, so `missing = (end_ts - start_ts) / freq`.
 *
 * @module
 */
import type { DatabaseSync, SQLInputValue } from "node:sqlite";
import type { SeriesKey } from "../core/types.ts";
import { type Freq, freqMs } from "../core/freq.ts";
import { returnArrays } from "./sql.ts";

/** Runs of missing bars, as columns of equal length. */
export interface GapColumns {
  /** Open time of the first missing bar. */
  readonly startTs: Float64Array;
  /** Open time of the next present bar (exclusive end). */
  readonly endTs: Float64Array;
  /** Number of missing bars. */
  readonly missing: Float64Array;
}

/**
 * Find the gaps in a strictly increasing series of bar open times. Pure; O(n).
 *
 * @example One missing minute between two bars
 * ```ts
 * import { findGaps } from "@lib/store/gaps.ts";
 * import assert from "node:assert/strict";
 * const g = findGaps(Float64Array.of(0, 60_000, 180_000, 240_000), "1m");
 * assert.deepEqual([...g.startTs], [120_000]);
 * assert.deepEqual([...g.endTs], [180_000]);
 * assert.deepEqual([...g.missing], [1]);
 * ```
 */
export function findGaps(ts: ArrayLike<number>, freq: Freq): GapColumns {
  const ms = freqMs(freq);
  let count = 0;
  for (let i = 1; i < ts.length; i++) {
    const d = ts[i]! - ts[i - 1]!;
    if (!(d > 0)) {
      throw new RangeError(
        `Cannot find gaps: bar times must strictly increase, got ${ts[i - 1]} then ${ts[i]}`,
      );
    }
    if (d > ms) count++;
  }
  const startTs = new Float64Array(count);
  const endTs = new Float64Array(count);
  const missing = new Float64Array(count);
  let k = 0;
  for (let i = 1; i < ts.length; i++) {
    const a = ts[i - 1]!, b = ts[i]!;
    if (b - a > ms) {
      startTs[k] = a + ms;
      endTs[k] = b;
      missing[k] = Math.ceil((b - a) / ms) - 1;
      k++;
    }
  }
  return { startTs, endTs, missing };
}

function readTs(db: DatabaseSync, key: SeriesKey): Float64Array {
  const stmt = returnArrays(
    db.prepare("SELECT ts FROM bars WHERE venue = ? AND symbol = ? AND freq = ? ORDER BY ts"),
  );
  const rows = stmt.all(key.venue, key.symbol, key.freq) as unknown as number[][];
  const out = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = rows[i]![0]!;
  return out;
}

/** Gap totals of one series. */
export interface GapSummary {
  /** Number of gaps (runs of missing bars). */
  readonly gaps: number;
  /** Total missing bars. */
  readonly missing: number;
}

/**
 * Recompute the recorded gaps of one series from its stored bars, replacing its `bar_gaps`
 * rows when they differ (when they are already right nothing is written, so a re-import that
 * changes no bar changes no row). Idempotent. Call inside the transaction that changed the
 * bars.
 *
 * @example
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { writeBars } from "@lib/store/bars.ts";
 * import { listGaps, refreshGaps } from "@lib/store/gaps.ts";
 * import { allocBars } from "@lib/core/types.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * const key = { venue: "sim", symbol: "X", freq: "1h" } as const;
 * const b = allocBars(key, 2);
 * b.ts[1] = 3 * 3_600_000;
 * b.open.fill(1); b.high.fill(1); b.low.fill(1); b.close.fill(1);
 * writeBars(db, b, { source: "doc" });
 * assert.deepEqual(refreshGaps(db, key), { gaps: 1, missing: 2 });
 * assert.equal(listGaps(db, key)[0]?.startTs, 3_600_000);
 * ```
 */
export function refreshGaps(db: DatabaseSync, key: SeriesKey): GapSummary {
  const g = findGaps(readTs(db, key), key.freq);
  let missing = 0;
  for (let i = 0; i < g.missing.length; i++) missing += g.missing[i]!;
  const summary = { gaps: g.startTs.length, missing };
  // write nothing when the recorded gaps are already right: re-importing a file changes nothing
  const stored = returnArrays(db.prepare(
    "SELECT start_ts, end_ts FROM bar_gaps WHERE venue = ? AND symbol = ? AND freq = ? ORDER BY start_ts",
  )).all(key.venue, key.symbol, key.freq) as unknown as number[][];
  if (
    stored.length === g.startTs.length &&
    stored.every((r, i) => Number(r[0]) === g.startTs[i] && Number(r[1]) === g.endTs[i])
  ) return summary;
  db.prepare("DELETE FROM bar_gaps WHERE venue = ? AND symbol = ? AND freq = ?").run(
    key.venue,
    key.symbol,
    key.freq,
  );
  const ins = db.prepare(
    "INSERT INTO bar_gaps (venue, symbol, freq, start_ts, end_ts, missing) VALUES (?, ?, ?, ?, ?, ?)",
  );
  for (let i = 0; i < g.startTs.length; i++) {
    ins.run(key.venue, key.symbol, key.freq, g.startTs[i]!, g.endTs[i]!, g.missing[i]!);
  }
  return summary;
}

/** One recorded gap. */
export interface GapRow extends SeriesKey {
  readonly startTs: number;
  readonly endTs: number;
  readonly missing: number;
}

/** Filter for {@link listGaps}; every field optional. */
export interface GapFilter {
  readonly venue?: string;
  readonly symbol?: string;
  readonly freq?: Freq;
}

/** Recorded gaps, ordered by venue, symbol, freq and start. */
export function listGaps(db: DatabaseSync, filter: GapFilter = {}): GapRow[] {
  const where: string[] = [];
  const params: SQLInputValue[] = [];
  for (const k of ["venue", "symbol", "freq"] as const) {
    const v = filter[k];
    if (v !== undefined) {
      where.push(`${k} = ?`);
      params.push(v);
    }
  }
  return db.prepare(
    `SELECT venue, symbol, freq, start_ts, end_ts, missing FROM bar_gaps
     ${where.length ? "WHERE " + where.join(" AND ") : ""}
     ORDER BY venue, symbol, freq, start_ts`,
  ).all(...params).map((r) => ({
    venue: String(r.venue),
    symbol: String(r.symbol),
    freq: String(r.freq) as Freq,
    startTs: Number(r.start_ts),
    endTs: Number(r.end_ts),
    missing: Number(r.missing),
  }));
}

/**
 * Gap totals of one series computed from its stored bars, without writing anything (for
 * read-only reporting). Always current, even when `bar_gaps` was never refreshed. Agrees with
 * {@link findGaps} / {@link refreshGaps}: a step of d ms holds ceil(d / freq) - 1 missing bars.
 *
 * @example
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { writeBars } from "@lib/store/bars.ts";
 * import { computeGapSummary } from "@lib/store/gaps.ts";
 * import { allocBars } from "@lib/core/types.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * const key = { venue: "sim", symbol: "X", freq: "1m" } as const;
 * const b = allocBars(key, 3);
 * b.ts.set([0, 60_000, 300_000]);
 * b.open.fill(1); b.high.fill(1); b.low.fill(1); b.close.fill(1);
 * writeBars(db, b, { source: "doc" });
 * assert.deepEqual(computeGapSummary(db, key), { gaps: 1, missing: 3 });
 * ```
 */
export function computeGapSummary(db: DatabaseSync, key: SeriesKey): GapSummary {
  const ms = freqMs(key.freq);
  const r = db.prepare(
    `SELECT count(*) AS gaps, coalesce(sum((nxt - ts + ms - 1) / ms - 1), 0) AS missing FROM (
       SELECT CAST(ts AS INTEGER) AS ts, CAST(lead(ts) OVER (ORDER BY ts) AS INTEGER) AS nxt,
              CAST(? AS INTEGER) AS ms
       FROM bars WHERE venue = ? AND symbol = ? AND freq = ?)
     WHERE nxt - ts > ms`,
  ).get(ms, key.venue, key.symbol, key.freq);
  return { gaps: Number(r?.gaps ?? 0), missing: Number(r?.missing ?? 0) };
}
