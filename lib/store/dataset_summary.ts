/**
 * A summary of what the store holds: the dataset fingerprint and, per series, rows, time span,
 * gaps, incomplete bars and the series' own fingerprint. `deno task check-dataset` prints it;
 * a notebook can call {@link summarizeDataset} directly.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { createHash } from "node:crypto";
import {
  CANONICAL_ENCODING_VERSION,
  CanonicalHasher,
  type CanonicalValue,
} from "../core/canonical.ts";
import { type Freq, freqMs } from "../core/freq.ts";
import type { SeriesKey } from "../core/types.ts";
import {
  BAR_FINGERPRINT_COLUMNS,
  barRowPages,
  barSeriesKeys,
  type Fingerprint,
  storeFingerprint,
  teeEncoder,
  TRADE_FINGERPRINT_COLUMNS,
} from "./fingerprint.ts";
import { returnArrays } from "./sql.ts";

/** One bar series: what it holds and its fingerprint. */
export interface BarSeriesSummary extends SeriesKey {
  readonly rows: number;
  /** Open time of the first and last bar, UTC epoch ms. */
  readonly firstTs: number;
  readonly lastTs: number;
  /** Runs of missing bars between the first and last bar (see `lib/store/gaps.ts`). */
  readonly gaps: number;
  /** Missing bars in those runs. */
  readonly missing: number;
  /** Bars with `complete = 0`. */
  readonly incomplete: number;
  /** Equal to `fingerprintSeries(db, key).sha256`. */
  readonly sha256: string;
}

/** One trade series (venue + symbol): what it holds and its fingerprint. */
export interface TradeSeriesSummary {
  readonly venue: string;
  readonly symbol: string;
  readonly rows: number;
  /** Time of the earliest and latest trade, UTC epoch ms. */
  readonly firstTs: number;
  readonly lastTs: number;
  /** Equal to `fingerprintTrades(db, { venue, symbol }).sha256`. */
  readonly sha256: string;
}

/** What {@link summarizeDataset} returns. */
export interface DatasetSummary {
  /** Byte layout version of every fingerprint here (`lib/core/canonical.ts`). */
  readonly encodingVersion: number;
  /** Every bar then every trade, whatever the filter: equal to `fingerprintStore(db)`. */
  readonly store: Fingerprint;
  /** Every bar: equal to `fingerprintBars(db)`. */
  readonly bars: Fingerprint;
  /** Every trade: equal to `fingerprintTrades(db)`. */
  readonly trades: Fingerprint;
  /** Bar series passing the filter, ordered by venue, symbol, freq. */
  readonly series: readonly BarSeriesSummary[];
  /** Trade series passing the filter (none when the filter names a freq), by venue, symbol. */
  readonly tradeSeries: readonly TradeSeriesSummary[];
}

/** Which series {@link summarizeDataset} lists; the store fingerprints always cover everything. */
export interface DatasetSummaryFilter {
  readonly venue?: string | undefined;
  /** List only bar series of this frequency (and no trade series). */
  readonly freq?: Freq | undefined;
}

/**
 * Summarize the store in one read of every bar and every trade: the dataset fingerprint (as
 * `fingerprintStoreParts`), and per series its rows, span, gaps (computed from the bars
 * themselves, so always current whether or not `bar_gaps` was refreshed), incomplete bars and
 * fingerprint (as `fingerprintSeries` / `fingerprintTrades`). Read-only.
 *
 * Cost: O(rows) with one pass over each table; memory O(page + series count).
 *
 * @example An empty store and one series with a gap
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { writeBars } from "@lib/store/bars.ts";
 * import { fingerprintSeries, fingerprintStore } from "@lib/store/fingerprint.ts";
 * import { summarizeDataset } from "@lib/store/dataset_summary.ts";
 * import { allocBars } from "@lib/core/types.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * assert.deepEqual(summarizeDataset(db).series, []);
 * const b = allocBars({ venue: "sim", symbol: "X", freq: "1h" }, 3);
 * b.ts.set([0, 3_600_000, 4 * 3_600_000]);
 * b.open.fill(1); b.high.fill(1); b.low.fill(1); b.close.fill(1); b.complete.fill(1);
 * b.complete[2] = 0;
 * writeBars(db, b, { source: "doc" });
 * const s = summarizeDataset(db);
 * assert.equal(s.store.sha256, fingerprintStore(db).sha256);
 * const x = s.series[0]!;
 * assert.deepEqual([x.rows, x.gaps, x.missing, x.incomplete], [3, 1, 2, 1]);
 * assert.equal(x.sha256, fingerprintSeries(db, b).sha256);
 * ```
 */
export function summarizeDataset(
  db: DatabaseSync,
  filter: DatasetSummaryFilter = {},
): DatasetSummary {
  const all = createHash("sha256");
  const barTable = teeEncoder(BAR_FINGERPRINT_COLUMNS, all);
  const series: BarSeriesSummary[] = [];
  for (const key of barSeriesKeys(db)) {
    const listed = (filter.venue === undefined || key.venue === filter.venue) &&
      (filter.freq === undefined || key.freq === filter.freq);
    if (!listed) {
      for (const page of barRowPages(db, key)) {
        for (const row of page) barTable.enc.row(row as CanonicalValue[]);
      }
      continue;
    }
    const own = new CanonicalHasher(BAR_FINGERPRINT_COLUMNS);
    const step = freqMs(key.freq);
    let rows = 0, firstTs = NaN, lastTs = NaN, gaps = 0, missing = 0, incomplete = 0;
    for (const page of barRowPages(db, key)) {
      for (const row of page) {
        barTable.enc.row(row as CanonicalValue[]);
        own.encoder.row(row as CanonicalValue[]);
        const ts = Number(row[3]);
        if (rows === 0) firstTs = ts;
        else if (ts - lastTs > step) {
          gaps++;
          missing += Math.ceil((ts - lastTs) / step) - 1;
        }
        lastTs = ts;
        if (Number(row[12]) === 0) incomplete++;
        rows++;
      }
    }
    series.push({
      ...key,
      rows,
      firstTs,
      lastTs,
      gaps,
      missing,
      incomplete,
      sha256: own.digest().sha256,
    });
  }
  const bars = barTable.finish();

  const tradeTable = teeEncoder(TRADE_FINGERPRINT_COLUMNS, all);
  const tradeSeries: TradeSeriesSummary[] = [];
  let cur:
    | { venue: string; symbol: string; own: CanonicalHasher; first: number; last: number }
    | undefined;
  const close = () => {
    if (cur === undefined) return;
    const d = cur.own.digest();
    tradeSeries.push({
      venue: cur.venue,
      symbol: cur.symbol,
      rows: d.rows,
      firstTs: cur.first,
      lastTs: cur.last,
      sha256: d.sha256,
    });
    cur = undefined;
  };
  const listTrades = filter.freq === undefined;
  const stmt = returnArrays(db.prepare(
    `SELECT venue, symbol, trade_id, ts, price, qty, side FROM trades
     ORDER BY venue, symbol, trade_id`,
  ));
  for (const r of stmt.iterate()) {
    const row = r as unknown as CanonicalValue[];
    tradeTable.enc.row(row);
    const venue = String(row[0]), symbol = String(row[1]);
    if (!listTrades || (filter.venue !== undefined && venue !== filter.venue)) continue;
    if (cur === undefined || cur.venue !== venue || cur.symbol !== symbol) {
      close();
      cur = {
        venue,
        symbol,
        own: new CanonicalHasher(TRADE_FINGERPRINT_COLUMNS),
        first: Infinity,
        last: -Infinity,
      };
    }
    cur.own.encoder.row(row);
    const ts = Number(row[3]);
    if (ts < cur.first) cur.first = ts;
    if (ts > cur.last) cur.last = ts;
  }
  close();
  const trades = tradeTable.finish();

  return {
    encodingVersion: CANONICAL_ENCODING_VERSION,
    store: storeFingerprint(all, bars, trades),
    bars,
    trades,
    series,
    tradeSeries,
  };
}
