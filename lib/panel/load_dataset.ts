/**
 * The one read path of reports: bars of a universe as a panel, with their fingerprint, row
 * counts and gaps.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { type Freq, freqMs } from "../core/freq.ts";
import { gridCells, gridPoints } from "../core/grid_size.ts";
import type { BarColumns } from "../core/types.ts";
import { listSeries, readBars } from "../store/bars.ts";
import { fingerprintBarColumns } from "../store/fingerprint.ts";
import { findGaps } from "../store/gaps.ts";
import { alignToGrid } from "./align_to_grid.ts";
import { fromColumns } from "./from_columns.ts";
import type { Dataset, SeriesProvenance } from "./dataset.ts";

/** What {@link loadDataset} loads; only `venue` and `freq` are required. */
export interface LoadDatasetSpec {
  readonly venue: string;
  readonly freq: Freq;
  /**
   * The universe, in display order. Default: every series of `venue` at `freq`, sorted, less
   * those with no bar in the window (listed in `dropped`). A symbol given here with no bar in
   * the window is an error.
   */
  readonly symbols?: readonly string[] | undefined;
  /** Window start, UTC ms (inclusive). Default: the first bar of the universe. */
  readonly from?: number | undefined;
  /** Window end, UTC ms (exclusive). Default: one bar after the universe's last bar. */
  readonly to?: number | undefined;
  /**
   * Most grid points x assets to build (no limit by default beyond the grid's own point cap);
   * reports pass `GRID_DEFAULTS.maxReportCells`. The error names the series that stretch the
   * grid, since one bar far from the rest usually does.
   */
  readonly maxCells?: number | undefined;
}

/**
 * Row counts, span, incomplete bars and gaps of one series of bars (as read from the store).
 *
 * @example A missing hour
 * ```ts
 * import { allocBars } from "@lib/core/types.ts";
 * import { seriesProvenance } from "@lib/panel/load_dataset.ts";
 * import assert from "node:assert/strict";
 * const h = 3_600_000;
 * const b = allocBars({ venue: "sim", symbol: "X", freq: "1h" }, 2);
 * b.ts.set([0, 2 * h]); b.complete.fill(1);
 * const s = seriesProvenance("X", b, "1h");
 * assert.deepEqual([s.rows, s.missing, s.gaps.length], [2, 1, 1]);
 * ```
 */
export function seriesProvenance(symbol: string, bars: BarColumns, freq: Freq): SeriesProvenance {
  const n = bars.ts.length;
  const g = findGaps(bars.ts, freq);
  let incomplete = 0;
  for (let i = 0; i < n; i++) if (bars.complete[i] === 0) incomplete++;
  const gaps = Array.from(g.startTs, (startTs, k) => ({
    startTs,
    endTs: g.endTs[k]!,
    missing: g.missing[k]!,
  }));
  return {
    symbol,
    rows: n,
    firstTs: n > 0 ? bars.ts[0]! : NaN,
    lastTs: n > 0 ? bars.ts[n - 1]! : NaN,
    incomplete,
    missing: gaps.reduce((s, x) => s + x.missing, 0),
    gaps,
  };
}

/**
 * Read the bars of a universe in a window ONCE, and return them as a {@link Dataset}: the
 * panel (every grid point from the universe's first to its last bar, NaN where an asset has
 * no bar, log returns NaN across gaps), the SHA-256 fingerprint of exactly those rows (the
 * hash `fingerprintBars` gives for the same rows in the store), and per series its rows,
 * span, incomplete bars and gaps (found from the bars, so a stale `bar_gaps` cannot mislead).
 * A report built from a dataset therefore describes exactly the rows its manifest names.
 *
 * Throws a RangeError, naming what is stored, when the venue has no series at `freq`, when a
 * requested symbol is not stored or has no bar in the window, or when no series has a bar in
 * the window.
 *
 * Cost: one read of the rows, O(assets x grid points) to align them.
 *
 * @example Two series, one with a gap
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { writeBars } from "@lib/store/bars.ts";
 * import { fingerprintBars } from "@lib/store/fingerprint.ts";
 * import { allocBars } from "@lib/core/types.ts";
 * import { loadDataset } from "@lib/panel/load_dataset.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * const h = 3_600_000;
 * for (const [symbol, times] of [["AAA", [0, h, 2 * h]], ["BBB", [0, 2 * h]]] as const) {
 *   const b = allocBars({ venue: "sim", symbol, freq: "1h" }, times.length);
 *   times.forEach((ts, i) => {
 *     b.ts[i] = ts; b.open[i] = b.high[i] = b.low[i] = b.close[i] = 100 + i; b.volume[i] = 1;
 *   });
 *   writeBars(db, b, { source: "doc" });
 * }
 * const d = loadDataset(db, { venue: "sim", freq: "1h" });
 * assert.deepEqual(d.symbols, ["AAA", "BBB"]);
 * assert.equal(d.to, 3 * h);
 * assert.deepEqual([...d.panel.close[1]!], [100, NaN, 101]);
 * assert.deepEqual(d.series.map((s) => s.missing), [0, 1]);
 * assert.equal(d.fingerprint.sha256, fingerprintBars(db, { venue: "sim", freq: "1h" }).sha256);
 * assert.throws(() => loadDataset(db, { venue: "sim", freq: "1h", symbols: ["CCC"] }), /AAA, BBB/);
 * ```
 */
export function loadDataset(db: DatabaseSync, spec: LoadDatasetSpec): Dataset {
  const { venue, freq } = spec;
  const step = freqMs(freq);
  const stored = listSeries(db, { venue, freq });
  if (stored.length === 0) {
    const venues = [...new Set(listSeries(db, { freq }).map((s) => s.venue))];
    throw new RangeError(
      `Cannot load the dataset: venue "${venue}" has no ${freq} bars. ` +
        (venues.length > 0
          ? `Venues with ${freq} bars: ${venues.join(", ")}.`
          : `The store has no ${freq} bars: import or backfill bars first (deno task import / ` +
            `backfill), then materialize ${freq}.`),
    );
  }
  const info = new Map(stored.map((s) => [s.symbol, s]));
  if (spec.symbols !== undefined) {
    const seen = new Set<string>();
    for (const s of spec.symbols) {
      if (seen.has(s)) throw new RangeError(`Cannot load the dataset: ${s} is listed twice`);
      seen.add(s);
    }
    const unknown = spec.symbols.filter((s) => !info.has(s));
    if (unknown.length > 0) {
      const names = [...info.keys()];
      throw new RangeError(
        `Cannot load the dataset: no ${freq} bars of ${venue} ${unknown.join(", ")} in the ` +
          `store; stored: ${names.slice(0, 30).join(", ")}${names.length > 30 ? ", ..." : ""}`,
      );
    }
  }
  const candidates = spec.symbols ?? stored.map((s) => s.symbol);
  const from = spec.from ?? Math.min(...candidates.map((s) => info.get(s)!.firstTs));
  const to = spec.to ?? Math.max(...candidates.map((s) => info.get(s)!.lastTs)) + step;
  if (!(to > from)) {
    // name the flag the user typed (deno task report/export --from/--to), and the stored end
    const iso = (t: number) => new Date(t).toISOString();
    throw new RangeError(
      "Cannot load the dataset: " +
        (spec.to === undefined
          ? `--from ${iso(from)} is after the last stored ${freq} bar (${iso(to - step)}); ` +
            "pick an earlier --from"
          : spec.from === undefined
          ? `--to ${iso(to)} is not after the first stored ${freq} bar (${iso(from)}); ` +
            "pick a later --to"
          : `the window must end after it starts (--to after --from), got ${iso(from)} to ` +
            iso(to)),
    );
  }
  const read = candidates.map((symbol) => readBars(db, { venue, symbol, freq }, { from, to }));
  const empty = candidates.filter((_, i) => read[i]!.ts.length === 0);
  const window = `${new Date(from).toISOString()} to ${new Date(to).toISOString()}`;
  if (spec.symbols !== undefined && empty.length > 0) {
    throw new RangeError(
      `Cannot load the dataset: no ${freq} bars of ${venue} ${empty.join(", ")} in the window ` +
        `${window}; widen the window or leave them out`,
    );
  }
  const symbols = candidates.filter((_, i) => read[i]!.ts.length > 0);
  const bars = read.filter((b) => b.ts.length > 0);
  if (symbols.length === 0) {
    throw new RangeError(
      `Cannot load the dataset: no ${freq} bars of venue "${venue}" in the window ${window}`,
    );
  }
  let lo = Infinity, hi = -Infinity;
  for (const b of bars) {
    lo = Math.min(lo, b.ts[0]!);
    hi = Math.max(hi, b.ts[b.ts.length - 1]!);
  }
  const grid = { start: lo, stepMs: step, length: gridPoints(lo, hi, step, `${freq} dataset`) };
  if (spec.maxCells !== undefined) {
    const at = (k: number) => new Date(k).toISOString();
    const firstOf = symbols.filter((_, i) => bars[i]!.ts[0] === lo);
    const lastOf = symbols.filter((_, i) => bars[i]!.ts[bars[i]!.ts.length - 1] === hi);
    gridCells(
      grid.length,
      bars.length,
      "dataset",
      `${grid.length} ${freq} bars from ${at(lo)} (first bar of ${firstOf.join(", ")}) to ` +
        `${at(hi)} (last bar of ${lastOf.join(", ")})`,
      spec.maxCells,
    );
  }
  const index = new Float64Array(grid.length);
  for (let t = 0; t < grid.length; t++) index[t] = lo + t * step;
  const field = (f: "open" | "high" | "low" | "close" | "volume") =>
    bars.map((b) => alignToGrid(b.ts, b[f], grid));
  const panel = fromColumns({
    freq,
    venue,
    assets: symbols,
    index,
    open: field("open"),
    high: field("high"),
    low: field("low"),
    close: field("close"),
    volume: field("volume"),
  });
  const fp = fingerprintBarColumns(bars);
  return {
    venue,
    freq,
    symbols,
    from,
    to,
    panel,
    fingerprint: { sha256: fp.sha256, rows: fp.rows },
    series: bars.map((b, i) => seriesProvenance(symbols[i]!, b, freq)),
    dropped: empty,
  };
}
