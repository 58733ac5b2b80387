/**
 * A scan run: load a universe from the store up to its last CLOSED bar, rank it
 * (`scanCrossSection`) and name the data it used (dataset fingerprint).
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { type Freq, freqMs } from "../core/freq.ts";
import {
  type CrossSectionScan,
  scanCrossSection,
  type ScanOptions,
} from "../research/cross_section_scan.ts";
import { CLOSED_BAR_RULE, loadClosedDataset } from "./closed_dataset.ts";
import { ReportInputError } from "./report_run.ts";

export { CLOSED_BAR_RULE };

/** What {@link runScan} scans; only `freq` is required. */
export interface ScanRunOptions extends ScanOptions {
  readonly freq: Freq;
  /** Default: the only venue with `freq` bars in the store. */
  readonly venue?: string | undefined;
  /** The universe. Default: every series of the venue at `freq`. */
  readonly symbols?: readonly string[] | undefined;
  /** The clock, UTC ms. Default `Date.now()`. */
  readonly now?: number | undefined;
}

/** What {@link runScan} returns. */
export interface ScanRun {
  readonly venue: string;
  readonly freq: Freq;
  /** The clock the closed-bar rule was applied at (UTC ms). */
  readonly now: number;
  /** {@link CLOSED_BAR_RULE}. */
  readonly rule: string;
  /** Open time of the scanned bar (the last closed bar of the universe), UTC ms. */
  readonly barTime: number;
  /** When the scanned bar closed (`barTime` + one bar), UTC ms. */
  readonly barClose: number;
  /** SHA-256 and row count of exactly the bars read. */
  readonly fingerprint: { readonly sha256: string; readonly rows: number };
  /** The universe, in panel order. */
  readonly assets: readonly string[];
  readonly scan: CrossSectionScan;
}

/**
 * Rank a universe at its last closed bar. Bars are read up to the open of the bar containing
 * `now` (exclusive, `loadClosedDataset`), so a bar still forming at `now` (a stream's or poll's latest bar) is never
 * read and cannot change a ranking; the fingerprint covers exactly the bars read. Throws a
 * `ReportInputError` naming the option (`freq`, `venue`, `universe`, `now`) when the store
 * cannot serve the request.
 *
 * @example A bar still forming is not read
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { writeBars } from "@lib/store/bars.ts";
 * import { allocBars } from "@lib/core/types.ts";
 * import { runScan } from "@lib/pipeline/scan_run.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * const h = 3_600_000;
 * for (const [symbol, g] of [["AAA", 1.01], ["BBB", 1.02]] as const) {
 *   const b = allocBars({ venue: "x", symbol, freq: "1h" }, 30);
 *   for (let i = 0; i < 30; i++) {
 *     b.ts[i] = i * h; b.open[i] = b.high[i] = b.low[i] = b.close[i] = 100 * g ** i; b.volume[i] = 1;
 *   }
 *   writeBars(db, b, { source: "doc" });
 * }
 * const r = runScan(db, { freq: "1h", now: 29 * h + 1, signals: ["momentum"], lookback: 5 });
 * assert.equal(r.barTime, 28 * h); // bar 29 opened at 29h and closes at 30h: still forming
 * assert.deepEqual(r.scan.rankings[0]!.rows.map((x) => x.name), ["BBB", "AAA"]);
 * ```
 */
export function runScan(db: DatabaseSync, options: ScanRunOptions): ScanRun {
  const { freq } = options;
  const step = freqMs(freq);
  const now = options.now ?? Date.now();
  const dataset = loadClosedDataset(db, options, now);
  const panel = dataset.panel;
  let scan: CrossSectionScan;
  try {
    scan = scanCrossSection(panel, options);
  } catch (e) {
    if (e instanceof RangeError && /^Cannot scan/.test(e.message)) {
      throw new ReportInputError(e.message.replace(/^Cannot scan: /, ""));
    }
    if (e instanceof RangeError && /^Cannot resolve factor/.test(e.message)) {
      // residual momentum needs its factors in the universe
      throw new ReportInputError(
        `residual-momentum: ${e.message.replace(/^Cannot resolve /, "cannot resolve ")}`,
        "factors",
      );
    }
    throw e;
  }
  return {
    venue: dataset.venue,
    freq,
    now,
    rule: CLOSED_BAR_RULE,
    barTime: scan.barTime,
    barClose: scan.barTime + step,
    fingerprint: dataset.fingerprint,
    assets: panel.assets,
    scan,
  };
}
