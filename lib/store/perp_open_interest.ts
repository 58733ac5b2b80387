/**
 * Reading and writing `open_interest`: a perp's open-interest history (Binance
 * `/futures/data/openInterestHist`: contracts and their notional value per period).
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { returnArrays } from "./sql.ts";
import { requireFinite, type UpsertResult, upsertRows } from "./_perp_upsert.ts";

/** Periods the table accepts (Binance's `openInterestHist` periods). */
export const OPEN_INTEREST_PERIODS = [
  "5m",
  "15m",
  "30m",
  "1h",
  "2h",
  "4h",
  "6h",
  "12h",
  "1d",
] as const;
/** One of {@link OPEN_INTEREST_PERIODS}. */
export type OpenInterestPeriod = typeof OPEN_INTEREST_PERIODS[number];

/** One open-interest observation. */
export interface OpenInterestRow {
  /** UTC epoch ms of the observation. */
  readonly ts: number;
  /** Open contracts (base-asset units for USDT-M). */
  readonly openInterest: number;
  /** Their notional value in the quote asset, when the venue gives it. */
  readonly openInterestValue?: number | null | undefined;
}

/** Options for {@link writeOpenInterest}. */
export interface WriteOpenInterestOptions {
  readonly venue: string;
  readonly symbol: string;
  readonly period: OpenInterestPeriod;
  readonly source: string;
  readonly runId?: number | undefined;
  /** @default now */
  readonly fetchedAt?: number | undefined;
}

/**
 * Upsert open-interest rows, unique on venue + symbol + period + time; the same rows again
 * change nothing. Rows must have passed the perp rules (lib/ingest/gates/perp_gates.ts).
 *
 * @example
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { readOpenInterest, writeOpenInterest } from "@lib/store/perp_open_interest.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * const o = { venue: "binance_futures", symbol: "BTCUSDT", period: "1h" as const, source: "doc" };
 * writeOpenInterest(db, [{ ts: 0, openInterest: 10, openInterestValue: 1e6 }], o);
 * assert.deepEqual([...readOpenInterest(db, o).openInterest], [10]);
 * ```
 */
export function writeOpenInterest(
  db: DatabaseSync,
  rows: readonly OpenInterestRow[],
  options: WriteOpenInterestOptions,
): UpsertResult {
  for (const r of rows) {
    requireFinite(r.ts, `time ${r.ts}`, "open_interest");
    requireFinite(r.openInterest, `open interest at ${r.ts}`, "open_interest");
    requireFinite(r.openInterestValue ?? null, `open interest value at ${r.ts}`, "open_interest");
  }
  return upsertRows(
    db,
    {
      table: "open_interest",
      key: ["venue", "symbol", "period", "ts"],
      values: ["open_interest", "open_interest_value"],
    },
    rows.map((r) => [
      options.venue,
      options.symbol,
      options.period,
      r.ts,
      r.openInterest,
      r.openInterestValue ?? null,
    ]), // deno-fmt-ignore
    { source: options.source, fetchedAt: options.fetchedAt ?? Date.now(), runId: options.runId ?? null },
  );
}

/** Stored open interest as columns. */
export interface OpenInterestColumns {
  readonly ts: Float64Array;
  readonly openInterest: Float64Array;
  /** NaN where the venue gave no value. */
  readonly openInterestValue: Float64Array;
}

/** Read one open-interest series within an optional `[from, to)` window. */
export function readOpenInterest(
  db: DatabaseSync,
  key: { readonly venue: string; readonly symbol: string; readonly period: OpenInterestPeriod },
  window: { readonly from?: number | undefined; readonly to?: number | undefined } = {},
): OpenInterestColumns {
  const rows = returnArrays(db.prepare(
    `SELECT ts, open_interest, open_interest_value FROM open_interest
     WHERE venue = ? AND symbol = ? AND period = ? AND ts >= ? AND ts < ? ORDER BY ts`,
  )).all(
    key.venue,
    key.symbol,
    key.period,
    window.from ?? Number.MIN_SAFE_INTEGER,
    window.to ?? Number.MAX_SAFE_INTEGER,
  ) as unknown as [number, number, number | null][];
  const n = rows.length;
  const out = {
    ts: new Float64Array(n),
    openInterest: new Float64Array(n),
    openInterestValue: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    out.ts[i] = Number(rows[i]![0]);
    out.openInterest[i] = rows[i]![1];
    out.openInterestValue[i] = rows[i]![2] ?? NaN;
  }
  return out;
}

/** The time of the last stored open-interest row of one series, or undefined. */
export function lastOpenInterestTs(
  db: DatabaseSync,
  key: { readonly venue: string; readonly symbol: string; readonly period: OpenInterestPeriod },
): number | undefined {
  const r = db.prepare(
    "SELECT max(ts) AS t FROM open_interest WHERE venue = ? AND symbol = ? AND period = ?",
  ).get(key.venue, key.symbol, key.period);
  return r?.t === null || r?.t === undefined ? undefined : Number(r.t);
}
