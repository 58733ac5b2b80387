/**
 * The dataset of a universe up to its last CLOSED bar, shared by `deno task scan` and
 * `deno task daily`.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { floorToFreq, type Freq } from "../core/freq.ts";
import type { Dataset } from "../panel/dataset.ts";
import { loadRunDataset } from "./run_dataset.ts";
import { ReportInputError } from "./report_run.ts";

/** The closed-bar rule, in the words every output states it. */
export const CLOSED_BAR_RULE =
  "a bar is closed when its open time + one bar <= now; bars that close later (still forming) are not read";

/** Which bars {@link loadClosedDataset} loads. */
export interface ClosedDatasetOptions {
  readonly freq: Freq;
  /** Default: the only venue with `freq` bars in the store. */
  readonly venue?: string | undefined;
  /** The universe. Default: every series of the venue at `freq`. */
  readonly symbols?: readonly string[] | undefined;
}

/**
 * Load a universe's bars that had closed by `now` ({@link CLOSED_BAR_RULE}): the window ends
 * (exclusive) at the open of the bar containing `now` (bars sit on the UTC grid of their
 * frequency), so a bar still forming is never read, and every `now` inside the same bar gives
 * the same dataset, window and fingerprint. Throws a `ReportInputError` naming `now` when no bar
 * had closed, and the store's own errors (`freq`, `venue`, `universe`) otherwise.
 *
 * @example The bar opening at 2h is still forming at 2h30
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { writeBars } from "@lib/store/bars.ts";
 * import { allocBars } from "@lib/core/types.ts";
 * import { loadClosedDataset } from "@lib/pipeline/closed_dataset.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * const h = 3_600_000;
 * const b = allocBars({ venue: "x", symbol: "BTCUSDT", freq: "1h" }, 3);
 * for (let i = 0; i < 3; i++) { b.ts[i] = i * h; b.open[i] = b.high[i] = b.low[i] = b.close[i] = 1 + i; }
 * writeBars(db, b, { source: "doc" });
 * const d = loadClosedDataset(db, { freq: "1h" }, 2.5 * h);
 * assert.deepEqual([...d.panel.index], [0, h]);
 * assert.equal(d.to, 2 * h);
 * ```
 */
export function loadClosedDataset(
  db: DatabaseSync,
  options: ClosedDatasetOptions,
  now: number,
): Dataset {
  const closedBy = `no ${options.freq} bar had closed by ${new Date(now).toISOString()}`;
  try {
    return loadRunDataset(db, {
      freq: options.freq,
      venue: options.venue,
      symbols: options.symbols,
      to: floorToFreq(now, options.freq),
    });
  } catch (e) {
    // the cutoff is the clock: name --now, not the --to/--from of the report
    if (e instanceof ReportInputError && e.flag === "from") {
      throw new ReportInputError(`${closedBy}: ${e.message.replace(/; widen.*$/, "")}`, "now");
    }
    if (e instanceof RangeError && /^Cannot load the dataset: /.test(e.message)) {
      const why = e.message.replace(/^Cannot load the dataset: /, "")
        .replace(/--to (\S+) is not after/, "the cutoff $1 is not after")
        .replace(/; pick a later --to$|; widen the window or leave them out$/, "");
      throw new ReportInputError(`${closedBy}: ${why}`, "now");
    }
    throw e;
  }
}
