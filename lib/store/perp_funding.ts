/**
 * Reading and writing `funding_rates`: perpetual-futures funding rates at their funding times.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { returnArrays } from "./sql.ts";
import { requireFinite, type UpsertResult, upsertRows } from "./_perp_upsert.ts";

/** One funding event as a venue publishes it. */
export interface FundingRow {
  /** Funding time, UTC epoch ms, as stamped by the venue. */
  readonly fundingTime: number;
  /** The rate paid by longs to shorts at that time (negative: shorts pay longs). */
  readonly rate: number;
  /** The mark price the venue settled funding at, when it says (Binance `markPrice`). */
  readonly markPrice?: number | null | undefined;
}

/** Options for {@link writeFunding}. */
export interface WriteFundingOptions {
  readonly venue: string;
  readonly symbol: string;
  /** Provenance: a file, an endpoint or a stream. */
  readonly source: string;
  readonly runId?: number | undefined;
  /** When the rows were fetched (UTC epoch ms); defaults to now. */
  readonly fetchedAt?: number | undefined;
}

/**
 * Upsert funding events, unique on venue + symbol + funding time. Writing the same rows
 * again changes nothing; a changed rate replaces the stored one and is counted as `updated`.
 * Rows must have passed the perp rules (lib/ingest/gates/perp_gates.ts); a non-finite value
 * is refused here anyway.
 *
 * @example Write twice, change nothing
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { readFunding, writeFunding } from "@lib/store/perp_funding.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * const rows = [{ fundingTime: 1637193600017, rate: 0.0001 }, { fundingTime: 1637222400007, rate: -0.0002 }];
 * const o = { venue: "binance_futures", symbol: "XRPUSDT", source: "doc" };
 * assert.equal(writeFunding(db, rows, o).inserted, 2);
 * assert.equal(writeFunding(db, rows, o).unchanged, 2);
 * assert.deepEqual([...readFunding(db, "binance_futures", "XRPUSDT").rate], [0.0001, -0.0002]);
 * ```
 */
export function writeFunding(
  db: DatabaseSync,
  rows: readonly FundingRow[],
  options: WriteFundingOptions,
): UpsertResult {
  for (const r of rows) {
    requireFinite(r.fundingTime, `funding time ${r.fundingTime}`, "funding_rates");
    requireFinite(r.rate, `the rate at ${r.fundingTime}`, "funding_rates");
    requireFinite(r.markPrice ?? null, `the mark price at ${r.fundingTime}`, "funding_rates");
  }
  return upsertRows(
    db,
    {
      table: "funding_rates",
      key: ["venue", "symbol", "funding_time"],
      values: ["rate", "mark_price"],
    },
    rows.map((r) => [options.venue, options.symbol, r.fundingTime, r.rate, r.markPrice ?? null]),
    {
      source: options.source,
      fetchedAt: options.fetchedAt ?? Date.now(),
      runId: options.runId ?? null,
    },
  );
}

/** Stored funding of one perp as columns, ordered by funding time. */
export interface FundingColumns {
  readonly venue: string;
  readonly symbol: string;
  /** Funding times, UTC epoch ms. */
  readonly time: Float64Array;
  readonly rate: Float64Array;
  /** Settlement mark price, NaN where the venue did not give it. */
  readonly markPrice: Float64Array;
}

/**
 * Read the stored funding of one perp within an optional `[from, to)` window of funding times.
 *
 * @example
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { readFunding } from "@lib/store/perp_funding.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * assert.equal(readFunding(db, "binance_futures", "BTCUSDT").time.length, 0);
 * ```
 */
export function readFunding(
  db: DatabaseSync,
  venue: string,
  symbol: string,
  window: { readonly from?: number | undefined; readonly to?: number | undefined } = {},
): FundingColumns {
  const rows = returnArrays(db.prepare(
    `SELECT funding_time, rate, mark_price FROM funding_rates
     WHERE venue = ? AND symbol = ? AND funding_time >= ? AND funding_time < ?
     ORDER BY funding_time`,
  )).all(
    venue,
    symbol,
    window.from ?? Number.MIN_SAFE_INTEGER,
    window.to ?? Number.MAX_SAFE_INTEGER,
  ) as unknown as [number, number, number | null][];
  const n = rows.length;
  const out = {
    venue,
    symbol,
    time: new Float64Array(n),
    rate: new Float64Array(n),
    markPrice: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    out.time[i] = Number(r[0]);
    out.rate[i] = r[1];
    out.markPrice[i] = r[2] ?? NaN;
  }
  return out;
}

/** The perps with stored funding, with row counts and spans. */
export interface FundingSeriesInfo {
  readonly venue: string;
  readonly symbol: string;
  readonly rows: number;
  readonly first: number;
  readonly last: number;
}

/**
 * List the stored funding series (optionally for one venue).
 *
 * @example
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { listFundingSeries, writeFunding } from "@lib/store/perp_funding.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * writeFunding(db, [{ fundingTime: 0, rate: 1e-4 }], { venue: "v", symbol: "S", source: "doc" });
 * assert.deepEqual(listFundingSeries(db), [{ venue: "v", symbol: "S", rows: 1, first: 0, last: 0 }]);
 * ```
 */
export function listFundingSeries(db: DatabaseSync, venue?: string): FundingSeriesInfo[] {
  const rows = db.prepare(
    `SELECT venue, symbol, count(*) AS n, min(funding_time) AS first, max(funding_time) AS last
     FROM funding_rates WHERE ?1 IS NULL OR venue = ?1 GROUP BY venue, symbol ORDER BY venue, symbol`,
  ).all(venue ?? null);
  return rows.map((r) => ({
    venue: String(r.venue),
    symbol: String(r.symbol),
    rows: Number(r.n),
    first: Number(r.first),
    last: Number(r.last),
  }));
}

/**
 * The last stored funding time of one perp, or undefined when none is stored (where a
 * backfill resumes).
 *
 * @example
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { lastFundingTime, writeFunding } from "@lib/store/perp_funding.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * assert.equal(lastFundingTime(db, "v", "S"), undefined);
 * writeFunding(db, [{ fundingTime: 5, rate: 0 }], { venue: "v", symbol: "S", source: "doc" });
 * assert.equal(lastFundingTime(db, "v", "S"), 5);
 * ```
 */
export function lastFundingTime(
  db: DatabaseSync,
  venue: string,
  symbol: string,
): number | undefined {
  const r = db.prepare(
    "SELECT max(funding_time) AS t FROM funding_rates WHERE venue = ? AND symbol = ?",
  ).get(venue, symbol);
  return r?.t === null || r?.t === undefined ? undefined : Number(r.t);
}
