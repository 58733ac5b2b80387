/**
 * Reading and writing `perp_price_klines`: the mark-price, index-price and premium-index klines
 * of a perpetual future (no volume: these are computed prices, not trades).
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { returnArrays } from "./sql.ts";
import { requireFinite, type UpsertResult, upsertRows } from "./_perp_upsert.ts";

/** Which price a perp kline follows. */
export const PERP_PRICE_KINDS = ["mark", "index", "premium"] as const;
/** One of {@link PERP_PRICE_KINDS}. */
export type PerpPriceKind = typeof PERP_PRICE_KINDS[number];

/** Kline intervals the table accepts (Binance's, without `1s`, `3d`, `1w`, `1M`). */
export const PERP_KLINE_FREQS = [
  "1m",
  "3m",
  "5m",
  "15m",
  "30m",
  "1h",
  "2h",
  "4h",
  "6h",
  "8h",
  "12h",
  "1d",
] as const; // deno-fmt-ignore
/** One of {@link PERP_KLINE_FREQS}. */
export type PerpKlineFreq = typeof PERP_KLINE_FREQS[number];

/** One series of perp price klines. */
export interface PerpKlineKey {
  readonly venue: string;
  readonly symbol: string;
  readonly kind: PerpPriceKind;
  readonly freq: PerpKlineFreq;
}

/** Perp price klines as columns (open time in UTC ms). */
export interface PerpKlineColumns extends PerpKlineKey {
  readonly ts: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  /** 1 when the kline had closed when fetched. */
  readonly complete: Uint8Array;
}

/** Options for {@link writePerpKlines}. */
export interface WritePerpKlinesOptions {
  readonly source: string;
  readonly runId?: number | undefined;
  /** @default now */
  readonly fetchedAt?: number | undefined;
}

/**
 * Upsert perp price klines, unique on venue + symbol + kind + freq + open time. The same rows
 * again change nothing; a kline stored with other values (an open kline that has closed since)
 * is replaced and counted as `updated`. Rows must have passed the perp rules
 * (lib/ingest/gates/perp_gates.ts); non-finite values are refused here anyway. A premium index
 * may be negative; mark and index prices are checked positive by the rules.
 *
 * @example
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { readPerpKlines, writePerpKlines } from "@lib/store/perp_price_klines.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * const k = { venue: "binance_futures", symbol: "BTCUSDT", kind: "mark" as const, freq: "8h" as const,
 *   ts: Float64Array.of(0), open: Float64Array.of(1), high: Float64Array.of(2), low: Float64Array.of(1),
 *   close: Float64Array.of(2), complete: Uint8Array.of(1) };
 * assert.equal(writePerpKlines(db, k, { source: "doc" }).inserted, 1);
 * assert.equal(writePerpKlines(db, k, { source: "doc" }).unchanged, 1);
 * assert.deepEqual([...readPerpKlines(db, k).close], [2]);
 * ```
 */
export function writePerpKlines(
  db: DatabaseSync,
  k: PerpKlineColumns,
  options: WritePerpKlinesOptions,
): UpsertResult {
  if (!(PERP_PRICE_KINDS as readonly string[]).includes(k.kind)) {
    throw new RangeError(
      `Cannot write perp klines: kind must be one of ${PERP_PRICE_KINDS.join(", ")}, got ${k.kind}`,
    );
  }
  const rows = [];
  for (let i = 0; i < k.ts.length; i++) {
    for (const c of ["ts", "open", "high", "low", "close"] as const) {
      requireFinite(k[c][i]!, `${c} of the kline at ${k.ts[i]}`, "perp_price_klines");
    }
    rows.push([
      k.venue,
      k.symbol,
      k.kind,
      k.freq,
      k.ts[i]!,
      k.open[i]!,
      k.high[i]!,
      k.low[i]!,
      k.close[i]!,
      k.complete[i]! ? 1 : 0,
    ]); // deno-fmt-ignore
  }
  return upsertRows(
    db,
    {
      table: "perp_price_klines",
      key: ["venue", "symbol", "price_kind", "freq", "ts"],
      values: ["open", "high", "low", "close", "complete"],
    },
    rows,
    {
      source: options.source,
      fetchedAt: options.fetchedAt ?? Date.now(),
      runId: options.runId ?? null,
    },
  );
}

/**
 * Read one series of perp price klines within an optional `[from, to)` window of open times.
 *
 * @example
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { readPerpKlines } from "@lib/store/perp_price_klines.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * assert.equal(readPerpKlines(db, { venue: "v", symbol: "S", kind: "index", freq: "1h" }).ts.length, 0);
 * ```
 */
export function readPerpKlines(
  db: DatabaseSync,
  key: PerpKlineKey,
  window: { readonly from?: number | undefined; readonly to?: number | undefined } = {},
): PerpKlineColumns {
  const rows = returnArrays(db.prepare(
    `SELECT ts, open, high, low, close, complete FROM perp_price_klines
     WHERE venue = ? AND symbol = ? AND price_kind = ? AND freq = ? AND ts >= ? AND ts < ?
     ORDER BY ts`,
  )).all(
    key.venue,
    key.symbol,
    key.kind,
    key.freq,
    window.from ?? Number.MIN_SAFE_INTEGER,
    window.to ?? Number.MAX_SAFE_INTEGER,
  ) as unknown as number[][];
  const n = rows.length;
  const out = {
    venue: key.venue,
    symbol: key.symbol,
    kind: key.kind,
    freq: key.freq,
    ts: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    complete: new Uint8Array(n),
  };
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    out.ts[i] = Number(r[0]);
    out.open[i] = r[1]!;
    out.high[i] = r[2]!;
    out.low[i] = r[3]!;
    out.close[i] = r[4]!;
    out.complete[i] = Number(r[5]);
  }
  return out;
}

/** The open time of the last stored kline of one series, or undefined (where a backfill resumes). */
export function lastPerpKlineTs(db: DatabaseSync, key: PerpKlineKey): number | undefined {
  const r = db.prepare(
    `SELECT max(ts) AS t FROM perp_price_klines
     WHERE venue = ? AND symbol = ? AND price_kind = ? AND freq = ?`,
  ).get(key.venue, key.symbol, key.kind, key.freq);
  return r?.t === null || r?.t === undefined ? undefined : Number(r.t);
}
