/**
 * The dataset a task runs on, chosen from the store the way `deno task report` chooses it: the
 * venue defaults to the only one with bars at the frequency, the universe to all its series.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import type { Freq } from "../core/freq.ts";
import { listSeries } from "../store/bars.ts";
import type { Dataset } from "../panel/dataset.ts";
import { loadDataset } from "../panel/load_dataset.ts";
import { ReportInputError } from "./report_run.ts";

/** Which bars of the store a task runs on; only `freq` is required. */
export interface RunDatasetOptions {
  readonly freq: Freq;
  /** Venue of the series. Default: the only venue with `freq` bars in the store. */
  readonly venue?: string | undefined;
  /** The universe. Default: every series of the venue at `freq` with a bar in the window. */
  readonly symbols?: readonly string[] | undefined;
  /** Window start, UTC ms (inclusive). Default: the first bar. */
  readonly from?: number | undefined;
  /** Window end, UTC ms (exclusive). Default: one bar after the last bar. */
  readonly to?: number | undefined;
}

/**
 * Load the dataset of `options` from the store (`loadDataset`, fingerprinted). Throws a
 * `ReportInputError` naming what is stored when the request cannot be met: no bars at that
 * frequency, several venues and none chosen, an unknown symbol.
 *
 * @example One venue, chosen for you
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { writeBars } from "@lib/store/bars.ts";
 * import { allocBars } from "@lib/core/types.ts";
 * import { loadRunDataset } from "@lib/pipeline/run_dataset.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * const b = allocBars({ venue: "x", symbol: "BTCUSDT", freq: "1h" }, 3);
 * for (let i = 0; i < 3; i++) { b.ts[i] = i * 3_600_000; b.open[i] = b.high[i] = b.low[i] = b.close[i] = 1; }
 * writeBars(db, b, { source: "doc" });
 * assert.equal(loadRunDataset(db, { freq: "1h" }).venue, "x");
 * assert.throws(() => loadRunDataset(db, { freq: "1h", symbols: ["ETHUSDT"] }), /no 1h bars of x ETHUSDT/);
 * ```
 */
export function loadRunDataset(db: DatabaseSync, options: RunDatasetOptions): Dataset {
  const { freq } = options;
  const series = listSeries(db, { freq });
  const venues = [...new Set(series.map((s) => s.venue))];
  const venue = options.venue ?? (venues.length === 1 ? venues[0]! : undefined);
  if (venue === undefined) {
    throw new ReportInputError(
      venues.length === 0
        ? `the store has no ${freq} bars; import or backfill some first, or pick another --freq`
        : `the store has ${freq} bars of several venues (${venues.join(", ")}); pick one ` +
          `with --venue`,
      venues.length === 0 ? "freq" : "venue",
    );
  }
  const stored = new Set(series.filter((s) => s.venue === venue).map((s) => s.symbol));
  if (stored.size === 0) {
    throw new ReportInputError(
      `the store has no ${freq} bars of venue "${venue}"` +
        (venues.length > 0 ? `; venues with ${freq} bars: ${venues.join(", ")}` : ""),
      "venue",
    );
  }
  const unknown = (options.symbols ?? []).filter((s) => !stored.has(s));
  if (unknown.length > 0) {
    const known = [...stored].sort();
    throw new ReportInputError(
      `no ${freq} bars of ${venue} ${unknown.join(", ")} in the store; stored: ` +
        known.slice(0, 30).join(", ") + (known.length > 30 ? ", ..." : ""),
      "universe",
    );
  }
  const dataset = loadDataset(db, {
    venue,
    freq,
    symbols: options.symbols,
    from: options.from,
    to: options.to,
  });
  if (dataset.panel.index.length < 2) {
    throw new ReportInputError(
      `only ${dataset.panel.index.length} ${freq} bar(s) of ${venue} in the window; widen ` +
        `--from/--to`,
      "from",
    );
  }
  return dataset;
}
